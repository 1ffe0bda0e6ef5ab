package interop

import (
	"encoding/json"
	"fmt"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// recordFormat is a small Avro-like format for these tests (the protocol
// is what they check, not a format's rules): a schema is a JSON document;
// records list "fields", and a reader field without "default" must exist in
// the writer. References must resolve to dependencies by name.
type recordFormat struct{}

func (recordFormat) Type() registry.SchemaType { return registry.Avro }

type field struct {
	Name    string `json:"name"`
	Type    any    `json:"type"`
	Default any    `json:"default,omitempty"`
}

type recordSchema struct {
	canonical string
	fields    []field
}

func (recordFormat) Parse(text string, deps []compat.Dependency) (compat.Schema, error) {
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}
	canonical, _ := json.Marshal(doc)
	s := recordSchema{canonical: string(canonical)}
	if m, ok := doc.(map[string]any); ok {
		raw, _ := json.Marshal(m["fields"])
		_ = json.Unmarshal(raw, &s.fields)
		for _, f := range s.fields {
			if name, ok := f.Type.(string); ok && len(name) > 0 && name[0] >= 'A' && name[0] <= 'Z' {
				found := false
				for _, d := range deps {
					found = found || d.Name == name
				}
				if !found {
					return nil, fmt.Errorf("unknown type %s", name)
				}
			}
		}
	}
	return s, nil
}

func (s recordSchema) Canonical() string  { return s.canonical }
func (s recordSchema) Normalized() string { return s.canonical }

func (s recordSchema) CheckRead(writer compat.Schema, readerLabel, writerLabel string) []string {
	old := map[string]bool{}
	for _, f := range writer.(recordSchema).fields {
		old[f.Name] = true
	}
	var msgs []string
	for _, f := range s.fields {
		if !old[f.Name] && f.Default == nil {
			msgs = append(msgs, "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field '"+f.Name+"' in the "+readerLabel+" schema has no default value and is missing in the "+writerLabel+" schema', additionalInfo:'"+f.Name+"'}")
		}
	}
	return msgs
}
