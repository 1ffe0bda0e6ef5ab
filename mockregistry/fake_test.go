package mockregistry

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// fakeFormat is a small format for tests, so that they do not depend on the
// real formats. A schema is a JSON string naming a primitive type ("int") or
// a record {"name":..., "fields":[{"name":..., "type":..., "default":...}],
// "refs":[names]}; every name in refs must be a resolved dependency.
type fakeFormat struct{ t registry.SchemaType }

func (f fakeFormat) Type() registry.SchemaType { return f.t }

type fakeField struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Default any    `json:"default,omitempty"`
}

type fakeRecord struct {
	Name   string      `json:"name"`
	Fields []fakeField `json:"fields"`
	Refs   []string    `json:"refs,omitempty"`
}

type fakeSchema struct {
	prim string
	rec  *fakeRecord
}

func (f fakeFormat) Parse(text string, deps []compat.Dependency) (compat.Schema, error) {
	var prim string
	if json.Unmarshal([]byte(text), &prim) == nil {
		return fakeSchema{prim: prim}, nil
	}
	var rec fakeRecord
	if err := json.Unmarshal([]byte(text), &rec); err != nil {
		return nil, fmt.Errorf("not a schema: %w", err)
	}
	if rec.Name == "" {
		return nil, errors.New("record without a name")
	}
	for _, r := range rec.Refs {
		found := false
		for _, d := range deps {
			found = found || d.Name == r
		}
		if !found {
			return nil, fmt.Errorf("unresolved reference %s", r)
		}
	}
	return fakeSchema{rec: &rec}, nil
}

func (s fakeSchema) Canonical() string {
	if s.rec == nil {
		b, _ := json.Marshal(s.prim)
		return string(b)
	}
	b, _ := json.Marshal(s.rec)
	return string(b)
}

// Normalized sorts the fields by name.
func (s fakeSchema) Normalized() string {
	if s.rec == nil {
		return s.Canonical()
	}
	r := *s.rec
	r.Fields = append([]fakeField(nil), r.Fields...)
	sort.Slice(r.Fields, func(i, j int) bool { return r.Fields[i].Name < r.Fields[j].Name })
	b, _ := json.Marshal(r)
	return string(b)
}

func (s fakeSchema) CheckRead(writer compat.Schema, readerLabel, writerLabel string) []string {
	p := writer.(fakeSchema)
	if (s.rec == nil) != (p.rec == nil) || (s.rec == nil && s.prim != p.prim) {
		return []string{fmt.Sprintf("{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the %s schema does not match with the %s schema', additionalInfo:'types differ'}", readerLabel, writerLabel)}
	}
	if s.rec == nil {
		return nil
	}
	old := map[string]string{}
	for _, f := range p.rec.Fields {
		old[f.Name] = f.Type
	}
	var msgs []string
	for i, f := range s.rec.Fields {
		t, ok := old[f.Name]
		switch {
		case !ok && f.Default == nil:
			msgs = append(msgs, fmt.Sprintf("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field '%s' at path '/fields/%d' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'%s'}", f.Name, i, readerLabel, writerLabel, f.Name))
		case ok && t != f.Type:
			msgs = append(msgs, fmt.Sprintf("{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/%d/type') of a field in the %s schema does not match with the %s schema', additionalInfo:'reader type: %s not compatible with writer type: %s'}", i, readerLabel, writerLabel, f.Type, t))
		}
	}
	return msgs
}

// Format implements compat.Formatter: "serialized" is base64 of the
// canonical text.
func (s fakeSchema) Format(name string) (string, error) {
	if name != "serialized" {
		return "", fmt.Errorf("unknown format %q", name)
	}
	return base64.StdEncoding.EncodeToString([]byte(s.Canonical())), nil
}
