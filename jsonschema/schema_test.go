package jsonschema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

func dep(name, schema string) compat.Dependency {
	return compat.Dependency{Name: name, Subject: name, Version: 1, Schema: registry.Schema{Schema: schema, SchemaType: registry.JSON}}
}

func mustParse(t *testing.T, schema string, deps ...compat.Dependency) *Schema {
	t.Helper()
	s, err := Parse(schema, deps...)
	if err != nil {
		t.Fatalf("Parse(%s): %v", schema, err)
	}
	return s
}

// decoded returns JSON text as a value Validate takes.
func decoded(t *testing.T, text string) any {
	t.Helper()
	if !json.Valid([]byte(text)) {
		t.Fatalf("not JSON: %s", text)
	}
	return json.RawMessage(text)
}

func TestDrafts(t *testing.T) {
	for _, tc := range []struct {
		name, schema, valid, invalid, draft string
	}{
		{"draft-04 boolean exclusiveMaximum",
			`{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":10,"exclusiveMaximum":true}`,
			`9.5`, `10`, "draft-04"},
		{"draft-06 const",
			`{"$schema":"http://json-schema.org/draft-06/schema#","const":"x"}`, `"x"`, `"y"`, "draft-06"},
		{"draft-07 if/then",
			`{"$schema":"http://json-schema.org/draft-07/schema#","if":{"type":"string"},"then":{"maxLength":2}}`,
			`"ab"`, `"abc"`, "draft-07"},
		{"2019-09 dependentRequired",
			`{"$schema":"https://json-schema.org/draft/2019-09/schema","dependentRequired":{"a":["b"]}}`,
			`{"a":1,"b":2}`, `{"a":1}`, "2019-09"},
		{"2020-12 prefixItems",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false}`,
			`["a"]`, `["a",1]`, "2020-12"},
		{"no $schema reads as draft-07: $ref siblings are ignored",
			`{"definitions":{"a":{"type":"string"}},"$ref":"#/definitions/a","maxLength":1}`,
			`"abc"`, `1`, "draft-07"},
		{"2020-12 $ref siblings apply",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a","maxLength":1}`,
			`"a"`, `"abc"`, "2020-12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.schema)
			if s.Draft() != tc.draft {
				t.Fatalf("Draft() = %s, want %s", s.Draft(), tc.draft)
			}
			if err := s.Validate(decoded(t, tc.valid)); err != nil {
				t.Fatalf("Validate(%s): %v", tc.valid, err)
			}
			if err := s.Validate(decoded(t, tc.invalid)); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate(%s) = %v, want ErrInvalid", tc.invalid, err)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, schema string
		deps         []compat.Dependency
	}{
		{"not JSON", `{"type":`, nil},
		{"trailing data", `{"type":"string"} {}`, nil},
		{"not an object", `"string"`, nil},
		{"number", `42`, nil},
		{"unknown type", `{"type":"strng"}`, nil},
		{"keyword of the wrong type", `{"type":"string","minLength":"two"}`, nil},
		{"unknown draft", `{"$schema":"http://json-schema.org/draft-03/schema#"}`, nil},
		{"custom metaschema", `{"$schema":"http://example.com/my-meta"}`, nil},
		{"unresolved local ref", `{"$ref":"#/definitions/missing"}`, nil},
		{"missing reference", `{"properties":{"a":{"$ref":"address.json"}}}`, nil},
		{"reference not JSON", `{"$ref":"a.json"}`, []compat.Dependency{dep("a.json", `{`)}},
		{"reference on the filesystem", `{"$ref":"file:///etc/passwd"}`, nil},
		{"reference on the network", `{"$ref":"http://example.com/schema.json"}`, nil},
		{"invalid pattern", `{"type":"string","pattern":"("}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.schema, tc.deps...)
			if !errors.Is(err, ErrInvalidSchema) {
				t.Fatalf("Parse = %v, want ErrInvalidSchema", err)
			}
			if _, err := Format().Parse(tc.schema, tc.deps); err == nil {
				t.Fatal("Format().Parse accepted it")
			}
		})
	}
}

func TestReferences(t *testing.T) {
	country := dep("country.json", `{"type":"string","minLength":2,"maxLength":2}`)
	address := dep("address.json", `{"type":"object","properties":{"country":{"$ref":"country.json"}},"required":["country"]}`)
	for _, tc := range []struct {
		name, schema string
		deps         []compat.Dependency
	}{
		{"relative name", `{"type":"object","properties":{"to":{"$ref":"address.json"}}}`, []compat.Dependency{country, address}},
		{"relative to the schema's $id",
			`{"$id":"https://example.com/schemas/shipment.json","type":"object","properties":{"to":{"$ref":"address.json"}}}`,
			[]compat.Dependency{country, address}},
		{"fragment into a reference",
			`{"type":"object","properties":{"to":{"$ref":"defs.json#/definitions/address"}}}`,
			[]compat.Dependency{country, dep("defs.json", `{"definitions":{"address":{"type":"object","properties":{"country":{"$ref":"country.json"}},"required":["country"]}}}`)}},
		{"relative to a dependency's own $id",
			`{"type":"object","properties":{"to":{"$ref":"address.json"}}}`,
			[]compat.Dependency{country, dep("address.json", `{"$id":"https://example.com/shapes/address.json","type":"object","properties":{"country":{"$ref":"country.json"}},"required":["country"]}`)}},
		{"absolute name",
			`{"type":"object","properties":{"to":{"$ref":"https://example.com/address.json"}}}`,
			[]compat.Dependency{country, dep("https://example.com/address.json", address.Schema.Schema)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.schema, tc.deps...)
			if err := s.Validate(decoded(t, `{"to":{"country":"NL"}}`)); err != nil {
				t.Fatal(err)
			}
			err := s.Validate(decoded(t, `{"to":{"country":"NLD"}}`))
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Path != "/to/country" {
				t.Fatalf("Validate = %v, want an error at /to/country", err)
			}
		})
	}
}

func TestCanonicalAndNormalized(t *testing.T) {
	s := mustParse(t, `{
		"title": "T\u00e9st \"q\"\n",
		"type": "object",
		"properties": {"b": {"type": "number", "maximum": 1.50e3, "minimum": -0, "multipleOf": 0.010}, "a": {"enum": [1, 1E-7, 100000000000000000000]}}
	}`)
	const canonical = `{"title":"Tést \"q\"\n","type":"object","properties":{"b":{"type":"number","maximum":1.50E+3,"minimum":0,"multipleOf":0.010},"a":{"enum":[1,1E-7,100000000000000000000]}}}`
	if got := s.Canonical(); got != canonical {
		t.Fatalf("Canonical\n got %s\nwant %s", got, canonical)
	}
	const normalized = `{"properties":{"a":{"enum":[1,1E-7,100000000000000000000]},"b":{"maximum":1.50E+3,"minimum":0,"multipleOf":0.010,"type":"number"}},"title":"Tést \"q\"\n","type":"object"}`
	if got := s.Normalized(); got != normalized {
		t.Fatalf("Normalized\n got %s\nwant %s", got, normalized)
	}
	// Formatting does not change the canonical text.
	if other := mustParse(t, canonical); other.Canonical() != canonical {
		t.Fatalf("re-parsed canonical differs: %s", other.Canonical())
	}
	if s.String() == canonical || !strings.Contains(s.String(), "\n\t\t") {
		t.Fatalf("String() is not the text as given: %q", s.String())
	}
	if s.Title() != "Tést \"q\"\n" {
		t.Fatalf("Title = %q", s.Title())
	}
}

func TestValidationError(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"a/b":{"type":"object","properties":{"c~d":{"type":"integer"}}}}}`)
	err := s.Validate(decoded(t, `{"a/b":{"c~d":"x"}}`))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	if ve.Path != "/a~1b/c~0d" {
		t.Fatalf("Path = %q, want the RFC 6901 pointer /a~1b/c~0d", ve.Path)
	}
	if ve.Keyword == "" || !strings.Contains(ve.Message, "expected integer") {
		t.Fatalf("ValidationError %+v", ve)
	}
	if ve.Keyword != "/properties/a~1b/properties/c~0d/type" {
		t.Fatalf("Keyword = %q", ve.Keyword)
	}
	if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrInvalidSchema) {
		t.Fatal("wrong sentinel")
	}
	if got := ve.Error(); got != `jsonschema: invalid value at /a~1b/c~0d: expected integer, but got string` {
		t.Fatalf("Error() = %q", got)
	}
	root := s.Validate(decoded(t, `[]`))
	if !errors.As(root, &ve) || ve.Path != "" || !strings.Contains(ve.Error(), "(root)") {
		t.Fatalf("root error = %v", root)
	}
}

func TestValidationErrorEscapedPath(t *testing.T) {
	s := mustParse(t, `{"properties":{"a b":{"type":"object","properties":{"ü%":{"type":"string"}}}}}`)
	var ve *ValidationError
	if err := s.Validate(decoded(t, `{"a b":{"ü%":1}}`)); !errors.As(err, &ve) || ve.Path != "/a b/ü%" {
		t.Fatalf("Validate = %v, want an error at /a b/ü%%", err)
	}
}

func TestValidateNeverPanics(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"n":{"type":"integer","maximum":3}},"enum":[{"n":1}]}`)
	for _, v := range []any{
		map[string]any{"n": json.Number("not a number")},
		map[string]any{"n": struct{}{}},
		map[string]any{"n": make(chan int)},
		[]string{"typed"},
	} {
		if err := s.Validate(v); err == nil {
			t.Errorf("Validate(%#v) succeeded", v)
		}
	}
}
