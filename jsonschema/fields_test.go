package jsonschema

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/registry"
)

// personSchema is the schema of the json_encrypt_aes256gcm vector, plus a
// nested object, an array, a reference and a nullable tagged property.
const personSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Person",
  "type": "object",
  "definitions": {
    "contact": {"type": "object", "properties": {"email": {"type": "string", "confluent:tags": ["PII", "EMAIL"]}}}
  },
  "properties": {
    "name": {"type": "string", "confluent:tags": ["PII"]},
    "ssn": {"type": "string", "confluent:tags": ["PII"]},
    "age": {"type": "integer"},
    "nick": {"type": ["string", "null"], "confluent:tags": ["PII"]},
    "contact": {"$ref": "#/definitions/contact"},
    "phones": {"type": "array", "items": {"type": "string"}, "confluent:tags": ["PHONE"]},
    "status": {"enum": ["A", "B"]}
  },
  "required": ["name", "ssn"]
}`

func TestFields(t *testing.T) {
	s := mustParse(t, personSchema)
	want := []Field{
		{Path: "$.name", Name: "name", Type: TypeString, Tags: []string{"PII"}},
		{Path: "$.ssn", Name: "ssn", Type: TypeString, Tags: []string{"PII"}},
		{Path: "$.age", Name: "age", Type: TypeInt},
		{Path: "$.nick", Name: "nick", Type: TypeCombined, Tags: []string{"PII"}},
		{Path: "$.contact", Name: "contact", Type: TypeRecord},
		{Path: "$.contact.email", Name: "email", Type: TypeString, Tags: []string{"PII", "EMAIL"}},
		{Path: "$.phones", Name: "phones", Type: TypeArray, Tags: []string{"PHONE"}},
		{Path: "$.status", Name: "status", Type: TypeEnum},
	}
	if got := s.Fields(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Fields\n got %+v\nwant %+v", got, want)
	}
	tagged := s.TaggedFields()
	if len(tagged) != 5 || !slices.Equal(tagged["$.contact.email"], []string{"PII", "EMAIL"}) || tagged["$.age"] != nil {
		t.Fatalf("TaggedFields = %v", tagged)
	}
}

func TestFieldsRecursiveSchema(t *testing.T) {
	s := mustParse(t, `{"$id":"http://x/node","type":"object","properties":{"v":{"type":"string","confluent:tags":["T"]},"next":{"$ref":"#"}}}`)
	got := s.Fields()
	if len(got) != 2 || got[0].Path != "$.v" || got[1].Path != "$.next" {
		t.Fatalf("Fields = %+v", got)
	}
}

func TestTagsWithMetadata(t *testing.T) {
	f := Field{Path: "$.contact.email", Tags: []string{"PII"}}
	md := &registry.Metadata{Tags: map[string][]string{"**.email": {"EMAIL", "PII"}, "$.name": {"X"}, "$.*.email": {"NESTED"}}}
	if got := f.TagsWith(md); !slices.Equal(got, []string{"EMAIL", "NESTED", "PII"}) {
		t.Fatalf("TagsWith = %q", got)
	}
	if got := f.TagsWith(nil); !slices.Equal(got, []string{"PII"}) {
		t.Fatalf("TagsWith(nil) = %q", got)
	}
	// Patterns match as serde.MatchFieldPath matches them.
	if got := (Field{Path: "$.a.email"}).TagsWith(&registry.Metadata{Tags: map[string][]string{"*.email": {"X"}, "$.a?": {"Y"}}}); len(got) != 0 {
		t.Fatalf("TagsWith = %q", got)
	}
}

func TestTransform(t *testing.T) {
	s := mustParse(t, personSchema)
	var doc any
	if err := json.Unmarshal([]byte(`{"name":"Ada","ssn":"123","age":36,"nick":"ad","contact":{"email":"a@b"},
		"phones":["1","2"],"status":"A","extra":"untouched"}`), &doc); err != nil {
		t.Fatal(err)
	}
	var orig any
	_ = json.Unmarshal([]byte(`{"name":"Ada","ssn":"123","age":36,"nick":"ad","contact":{"email":"a@b"},
		"phones":["1","2"],"status":"A","extra":"untouched"}`), &orig)
	var visited []string
	out, err := s.Transform(doc, func(f Field, v any) (any, error) {
		visited = append(visited, f.Path+":"+string(f.Type))
		if slices.Contains(f.Tags, "PII") {
			return "***", nil
		}
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"$.name:STRING", "$.ssn:STRING", "$.age:INT", "$.nick:STRING", "$.contact.email:STRING",
		"$.phones:STRING", "$.phones:STRING", "$.status:ENUM"}
	if !slices.Equal(visited, want) {
		t.Fatalf("visited %q\nwant %q", visited, want)
	}
	m := out.(map[string]any)
	if m["name"] != "***" || m["ssn"] != "***" || m["nick"] != "***" || m["contact"].(map[string]any)["email"] != "***" ||
		m["age"] != 36.0 || m["extra"] != "untouched" || m["phones"].([]any)[0] != "1" {
		t.Fatalf("transformed %v", m)
	}
	if !reflect.DeepEqual(doc, orig) {
		t.Fatalf("Transform modified its input: %v", doc)
	}
	// Nothing replaced: v itself.
	if out, err := s.Transform(doc, func(_ Field, v any) (any, error) { return v, nil }); err != nil || !reflect.DeepEqual(out, orig) {
		t.Fatalf("Transform(identity) = %v, %v", out, err)
	}

	// A null in a nullable property is visited as NULL.
	visited = nil
	if _, err := s.Transform(map[string]any{"nick": nil}, func(f Field, v any) (any, error) {
		visited = append(visited, f.Path+":"+string(f.Type))
		return v, nil
	}); err != nil || !slices.Equal(visited, []string{"$.nick:NULL"}) {
		t.Fatalf("visited %q, %v", visited, err)
	}

	// Errors from the callback stop the walk.
	boom := errors.New("boom")
	if _, err := s.Transform(map[string]any{"name": "x"}, func(Field, any) (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("Transform error = %v", err)
	}
	// Values of the wrong shape are left alone.
	if out, err := s.Transform("not an object", func(Field, any) (any, error) { return nil, boom }); err != nil || out != "not an object" {
		t.Fatalf("Transform(string) = %v, %v", out, err)
	}
}

func TestTransformCombined(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"v":{"oneOf":[
		{"type":"object","properties":{"card":{"type":"string","confluent:tags":["PCI"]}},"required":["card"]},
		{"type":"object","properties":{"iban":{"type":"string","confluent:tags":["BANK"]}},"required":["iban"]}]}}}`)
	var tags []string
	_, err := s.Transform(map[string]any{"v": map[string]any{"iban": "NL00"}}, func(f Field, v any) (any, error) {
		tags = append(tags, f.Tags...)
		return v, nil
	})
	if err != nil || !slices.Equal(tags, []string{"BANK"}) {
		t.Fatalf("tags %q, %v", tags, err)
	}
}

func TestTransformPicksBranchByValue(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"v":{"anyOf":[
		{"const":"none"},
		{"enum":[1,2,3],"confluent:tags":["SMALL"]},
		{"type":"integer","confluent:tags":["INT"]},
		{"type":"number"},
		{"type":"array","items":{"type":"boolean"}},
		{"type":"null"}]}}}`)
	for _, tc := range []struct {
		value any
		want  FieldType
	}{
		{"none", TypeEnum},
		{2.0, TypeEnum},
		{json.Number("7"), TypeInt},
		{7.5, TypeDouble},
		{[]any{true}, TypeBoolean},
		{nil, TypeNull},
	} {
		var got []FieldType
		_, err := s.Transform(map[string]any{"v": tc.value}, func(f Field, v any) (any, error) {
			got = append(got, f.Type)
			return v, nil
		})
		if err != nil || !slices.Equal(got, []FieldType{tc.want}) {
			t.Errorf("value %#v: visited as %v, %v; want %s", tc.value, got, err, tc.want)
		}
	}
}
