// Package compat decides schema compatibility the way Confluent Schema
// Registry does. Each schema format (avro, protobuf, jsonschema) implements
// [Format]; this package turns the format's single question, "can this schema
// read what that one wrote?", into the registry's compatibility levels.
//
// The mock registry uses it to enforce levels on register and to answer the
// compatibility endpoints; applications can use it to check a schema change
// before they deploy it.
package compat

import (
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// Dependency is one schema that another schema references, directly or
// through other references, resolved to its text.
type Dependency struct {
	// Name is how the referring schema names it (the reference name).
	Name    string
	Subject string
	Version int
	Schema  registry.Schema
}

// Format parses the schemas of one schema type.
type Format interface {
	// Type returns the registry's name of the format.
	Type() registry.SchemaType
	// Parse parses and validates schema text. deps holds every schema the
	// text references, directly or not, dependencies before the schemas
	// that use them. An invalid schema or a missing reference is an error.
	Parse(schema string, deps []Dependency) (Schema, error)
}

// Schema is a parsed, valid schema.
type Schema interface {
	// Canonical returns the schema's canonical text: two texts that differ
	// only in formatting have the same canonical text, so the registry treats
	// them as the same schema.
	Canonical() string
	// Normalized returns the text the registry stores when asked to
	// normalize (register or look up with normalize=true): Canonical plus
	// the format's normalizations (for example sorted Protobuf options).
	Normalized() string
	// CheckBackward reports whether data written with previous can be read
	// with this schema. It returns nil when it can, or one human-readable
	// message per incompatibility (the registry's verbose messages).
	// previous comes from the same Format.
	CheckBackward(previous Schema) []string
}

// Formatter is implemented by schemas that can be rendered in a server-side
// format (the "format" query parameter), such as Protobuf's "serialized".
type Formatter interface {
	// Format renders the schema in the named format. An unknown format is an
	// error.
	Format(name string) (string, error)
}

// Check decides whether schema may be registered after previous (the
// subject's existing versions, oldest first) at level. It returns nil when it
// may, or the messages that explain why not. Non-transitive levels compare
// with the newest previous version only.
func Check(level registry.CompatibilityLevel, schema Schema, previous []Schema) []string {
	if len(previous) == 0 || level == registry.None || level == "" {
		return nil
	}
	against := previous
	switch level {
	case registry.Backward, registry.Forward, registry.Full:
		against = previous[len(previous)-1:]
	}
	var msgs []string
	// Newest first, as the registry reports them.
	for i := len(against) - 1; i >= 0; i-- {
		old := against[i]
		switch level {
		case registry.Backward, registry.BackwardTransitive:
			msgs = append(msgs, schema.CheckBackward(old)...)
		case registry.Forward, registry.ForwardTransitive:
			msgs = append(msgs, old.CheckBackward(schema)...)
		case registry.Full, registry.FullTransitive:
			msgs = append(msgs, schema.CheckBackward(old)...)
			msgs = append(msgs, old.CheckBackward(schema)...)
		default:
			return []string{fmt.Sprintf("unknown compatibility level %q", level)}
		}
	}
	return msgs
}
