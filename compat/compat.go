// Package compat decides schema compatibility the way Confluent Schema
// Registry does. Each schema format (avro, protobuf, jsonschema) implements
// [Format]; this package turns the format's single question, "can this schema
// read what that one wrote?" ([Schema.CheckRead]), into the registry's
// compatibility levels ([Check], [CheckVersion]).
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
	// CheckRead reports whether data written with writer can be read with
	// this schema. It returns nil when it can, or one message per
	// incompatibility, worded as Confluent's registry words its verbose
	// messages; messages that name the two schemas call this one
	// readerLabel and writer writerLabel (the registry says "new" and
	// "old", or "old" and "new" when it checks the converse). A writer of
	// another format is incompatible.
	CheckRead(writer Schema, readerLabel, writerLabel string) []string
}

// Formatter is implemented by schemas that can be rendered in a server-side
// format (the "format" query parameter), such as Protobuf's "serialized".
type Formatter interface {
	// Format renders the schema in the named format. An unknown format is an
	// error.
	Format(name string) (string, error)
}

// Check decides whether schema may be registered after previous (the
// subject's existing versions, oldest first) at level, as Confluent's
// registry does: non-transitive levels compare with the newest version
// only; transitive levels compare newest first and stop at the first
// version that is incompatible. It returns nil when schema may be
// registered, or the messages that explain why not.
func Check(level registry.CompatibilityLevel, schema Schema, previous []Schema) []string {
	if !level.Valid() && level != "" {
		return []string{fmt.Sprintf("unknown compatibility level %q", level)}
	}
	if len(previous) == 0 {
		return nil
	}
	switch level {
	case registry.BackwardTransitive, registry.ForwardTransitive, registry.FullTransitive:
	default:
		previous = previous[len(previous)-1:]
	}
	for i := len(previous) - 1; i >= 0; i-- {
		if msgs := CheckVersion(level, schema, previous[i]); len(msgs) > 0 {
			return msgs
		}
	}
	return nil
}

// CheckVersion checks schema against one earlier version old at level:
// BACKWARD levels ask whether schema reads old's data, FORWARD levels
// whether old reads schema's, FULL levels both (forward problems first, as
// the registry reports them). NONE and the empty level accept anything.
func CheckVersion(level registry.CompatibilityLevel, schema, old Schema) []string {
	switch level {
	case registry.Backward, registry.BackwardTransitive:
		return schema.CheckRead(old, "new", "old")
	case registry.Forward, registry.ForwardTransitive:
		return old.CheckRead(schema, "old", "new")
	case registry.Full, registry.FullTransitive:
		return append(old.CheckRead(schema, "old", "new"), schema.CheckRead(old, "new", "old")...)
	case registry.None, "":
		return nil
	}
	return []string{fmt.Sprintf("unknown compatibility level %q", level)}
}
