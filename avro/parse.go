package avro

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// maxParseCache bounds how many parsed schemas a codec remembers. Codecs
// parse once per writer schema they meet, so the bound is only reached by a
// deserializer that sees thousands of schemas; past it, the memo is dropped
// and rebuilt.
const maxParseCache = 1024

// parsed is one schema text parsed together with its references.
type parsed struct {
	schema havro.Schema
	// fullName is the full name of the top-level named type, "" if the
	// schema is not a record, enum or fixed.
	fullName string
	// recursive reports whether a named type of the schema contains itself.
	recursive bool
	// model is the schema as Avro's Java parser reads it, for the
	// registry's canonical and normalized forms.
	model *model
	// maxFixed is the size of the largest fixed type (0 if none): decoding
	// allocates that much per value, so decoders refuse sizes beyond their
	// byte limit.
	maxFixed int
	// bareNull reports whether null appears other than as a union branch
	// (array items, map values, a field's type): hamba cannot skip such
	// values, so resolution rewrites the bytes instead.
	bareNull bool
	// check is the plan that checks messages written with the schema
	// before they are decoded.
	check *program
}

// parser turns schema texts into hamba schemas. Every parse uses a fresh
// hamba SchemaCache that only this parse sees: named types never leak from
// one schema to another, two registries never clash, and hamba's global
// DefaultSchemaCache is never touched. Results are memoized per parser (a
// parser belongs to one serializer or deserializer).
type parser struct {
	mu   sync.Mutex
	memo map[string]*parsed
}

// parse parses text after its dependencies (dependencies before the schemas
// that use them, as serde resolves them).
func (p *parser) parse(text string, deps []compat.Dependency) (*parsed, error) {
	key := memoKey(text, deps)
	p.mu.Lock()
	if ps, ok := p.memo[key]; ok {
		p.mu.Unlock()
		return ps, nil
	}
	p.mu.Unlock()

	ps, err := parseSchema(text, deps)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.memo == nil || len(p.memo) >= maxParseCache {
		p.memo = map[string]*parsed{}
	}
	p.memo[key] = ps
	p.mu.Unlock()
	return ps, nil
}

func memoKey(text string, deps []compat.Dependency) string {
	if len(deps) == 0 {
		return text
	}
	var b strings.Builder
	for _, d := range deps {
		b.WriteString(d.Name)
		b.WriteByte(0)
		b.WriteString(d.Schema.Schema)
		b.WriteByte(0)
	}
	b.WriteString(text)
	return b.String()
}

// parseSchema parses text with a cache of its own, after parsing deps into
// the same cache so that text can name their types.
func parseSchema(text string, deps []compat.Dependency) (ps *parsed, err error) {
	// hamba reports malformed input as errors; this guard only makes sure a
	// bug in it can never take the process down on a hostile schema.
	defer func() {
		if r := recover(); r != nil {
			ps, err = nil, fmt.Errorf("%w: recovered panic: %v", ErrInvalidSchema, r)
		}
	}()
	depTexts := make([]string, len(deps))
	for i, d := range deps {
		if d.Schema.Type() != registry.Avro {
			return nil, fmt.Errorf("%w: reference %q is a %s schema, not Avro", ErrInvalidSchema, d.Name, d.Schema.Type())
		}
		if err := validJSON(d.Schema.Schema); err != nil {
			return nil, fmt.Errorf("%w: reference %q: %v", ErrInvalidSchema, d.Name, err)
		}
		depTexts[i] = d.Schema.Schema
	}
	if err := validJSON(text); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSchema, err)
	}
	// Avro's Java parser (the registry's) reads keys case-sensitively and
	// requires some that hamba does without; the model enforces its rules.
	m, err := buildModel(text, depTexts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSchema, err)
	}
	cache := &havro.SchemaCache{}
	for _, d := range deps {
		if _, err := havro.ParseWithCache(lowerFieldOrders(d.Schema.Schema), "", cache); err != nil {
			return nil, fmt.Errorf("%w: reference %q: %v", ErrInvalidSchema, d.Name, err)
		}
	}
	s, err := havro.ParseWithCache(lowerFieldOrders(text), "", cache)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSchema, err)
	}
	ps = &parsed{schema: s, recursive: isRecursive(s), model: m, maxFixed: maxFixedSize(s), bareNull: hasBareNull(s), check: newCheckPlan(s)}
	if n, ok := s.(havro.NamedSchema); ok {
		ps.fullName = n.FullName()
	}
	return ps, nil
}

// validJSON rejects text that is not one JSON value. hamba would read such
// text as a bare type name (so `string` without quotes would parse), which
// Confluent's registry rejects.
func validJSON(text string) error {
	if !json.Valid([]byte(text)) {
		return fmt.Errorf("schema is not valid JSON: %.80q", text)
	}
	return nil
}

// deref returns the named schema a reference stands for.
func deref(s havro.Schema) havro.Schema {
	if r, ok := s.(*havro.RefSchema); ok {
		return r.Schema()
	}
	return s
}

// isRecursive reports whether some named type of s contains a reference to
// itself. hamba's Resolve does not terminate on such schemas, so resolution
// takes another path for them.
func isRecursive(s havro.Schema) bool {
	onPath := map[string]bool{}
	done := map[string]bool{}
	var walk func(s havro.Schema) bool
	walk = func(s havro.Schema) bool {
		switch t := s.(type) {
		case *havro.RefSchema:
			name := t.Schema().FullName()
			if onPath[name] {
				return true
			}
			if done[name] {
				return false
			}
			return walk(t.Schema())
		case *havro.RecordSchema:
			name := t.FullName()
			if onPath[name] {
				return true
			}
			if done[name] {
				return false
			}
			onPath[name] = true
			for _, f := range t.Fields() {
				if walk(f.Type()) {
					return true
				}
			}
			onPath[name] = false
			done[name] = true
		case *havro.ArraySchema:
			return walk(t.Items())
		case *havro.MapSchema:
			return walk(t.Values())
		case *havro.UnionSchema:
			for _, b := range t.Types() {
				if walk(b) {
					return true
				}
			}
		}
		return false
	}
	return walk(s)
}

// maxFixedSize returns the size of the largest fixed type in s.
func maxFixedSize(s havro.Schema) int {
	largest := 0
	seen := map[string]bool{}
	var walk func(s havro.Schema)
	walk = func(s havro.Schema) {
		switch t := deref(s).(type) {
		case *havro.FixedSchema:
			largest = max(largest, t.Size())
		case *havro.RecordSchema:
			if seen[t.FullName()] {
				return
			}
			seen[t.FullName()] = true
			for _, f := range t.Fields() {
				walk(f.Type())
			}
		case *havro.ArraySchema:
			walk(t.Items())
		case *havro.MapSchema:
			walk(t.Values())
		case *havro.UnionSchema:
			for _, b := range t.Types() {
				walk(b)
			}
		}
	}
	walk(s)
	return largest
}

// hasBareNull reports whether null is the type of some array's items, map's
// values or record's field in s.
func hasBareNull(s havro.Schema) bool {
	seen := map[string]bool{}
	var walk func(s havro.Schema, inUnion bool) bool
	walk = func(s havro.Schema, inUnion bool) bool {
		switch t := deref(s).(type) {
		case *havro.NullSchema:
			return !inUnion
		case *havro.RecordSchema:
			if seen[t.FullName()] {
				return false
			}
			seen[t.FullName()] = true
			for _, f := range t.Fields() {
				if walk(f.Type(), false) {
					return true
				}
			}
		case *havro.ArraySchema:
			return walk(t.Items(), false)
		case *havro.MapSchema:
			return walk(t.Values(), false)
		case *havro.UnionSchema:
			for _, b := range t.Types() {
				if walk(b, true) {
					return true
				}
			}
		}
		return false
	}
	return walk(s, true)
}
