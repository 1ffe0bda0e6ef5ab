package jsonschema

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	costbudget "github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// budget runs fn, one fuzz input, and fails t if it took longer than
// maxTime or allocated more than maxBytes: inputs that are merely slow are
// defects too (a message must not cost seconds or gigabytes to refuse).
// Allocation is counted process-wide, so it includes the loopback
// registry's few lookups.
func budget(t *testing.T, maxTime time.Duration, maxBytes uint64, fn func()) {
	t.Helper()
	costbudget.Budget{AllocBase: maxBytes, TimeBase: maxTime}.CheckInline(t, "one input", 0, fn)
}

// fuzzRegistry serves the vectors' order schema as ID 1, a recursive
// schema with combinators as ID 2 and the hardening probe's recursive anyOf
// (costly to validate on deep instances) as ID 3.
func fuzzRegistry(f *testing.F) *registry.Client {
	vs := vectortest.Load(f, "testdata/vectors", "JSON")
	var order string
	for _, v := range vs {
		if v.Name == "json_object_nested" {
			order = v.Registry[0].Schema.Schema
		}
	}
	v := &vectortest.Vector{Registry: []vectortest.Registered{
		{SubjectSchema: registry.SubjectSchema{Subject: "fuzz-value", Version: 1, ID: 1, GUID: "93dfd86c-bee9-4cc6-8b9a-f8dfd3b925fb",
			Schema: registry.Schema{Schema: order, SchemaType: registry.JSON}}},
		{SubjectSchema: registry.SubjectSchema{Subject: "fuzz-value", Version: 2, ID: 2,
			Schema: registry.Schema{SchemaType: registry.JSON, Schema: `{"$id":"http://x/t","type":"object",
			"properties":{"v":{"oneOf":[{"type":"string","pattern":"^a"},{"type":"integer","multipleOf":3}]},
			"next":{"$ref":"#"},"xs":{"type":"array","items":{"enum":[1,"a",null,{"k":[1]}]},"uniqueItems":true}}}`}}},
		{SubjectSchema: registry.SubjectSchema{Subject: "fuzz-value", Version: 3, ID: 3,
			Schema: registry.Schema{SchemaType: registry.JSON, Schema: `{"anyOf":[{"type":"string"},{"type":"array","items":{"$ref":"#"}}]}`}}},
	}}
	return vectortest.Serve(f, v)
}

// FuzzDeserialize feeds arbitrary payloads to deserializers of every
// decode mode: they may fail, never panic.
func FuzzDeserialize(f *testing.F) {
	client := fuzzRegistry(f)
	for _, v := range vectortest.Load(f, "testdata/vectors", "JSON") {
		f.Add(v.Payload(f))
	}
	f.Add([]byte{0, 0, 0, 0, 2, '{', '"', 'v', '"', ':', '9', '}'})
	f.Add([]byte{0, 0, 0, 0, 2, '{', '"', 'n', 'e', 'x', 't', '"', ':', '{', '"', 'x', 's', '"', ':', '[', '1', ',', '1', ']', '}', '}'})
	f.Add([]byte{1, 0x93, 0xdf, 0xd8, 0x6c, 0xbe, 0xe9, 0x4c, 0xc6, 0x8b, 0x9a, 0xf8, 0xdf, 0xd3, 0xb9, 0x25, 0xfb, '{', '}'})
	f.Add([]byte{0, 0, 0, 0, 1, '[', '1', 'e', '9', '9', '9', '9', ']'})
	f.Add([]byte{0, 0, 0})
	f.Add(append([]byte{0, 0, 0, 0, 3}, strings.Repeat("[", 800)+"1"+strings.Repeat("]", 800)...))
	f.Add(append([]byte{0, 0, 0, 0, 3}, strings.Repeat(`["a",`, 20)+"1"+strings.Repeat("]", 20)...))
	f.Add(append([]byte{0, 0, 0, 0, 3}, strings.Repeat("[", DefaultMaxDepth)+strings.Repeat("]", DefaultMaxDepth)...))
	da, err := NewDeserializer[any](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	dm, err := NewDeserializer[map[string]any](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	type item struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	}
	type order struct {
		OrderID string          `json:"orderId"`
		Amount  float64         `json:"amount"`
		Items   []item          `json:"items"`
		Next    *order          `json:"next"`
		Rest    json.RawMessage `json:"rest"`
	}
	dt, err := NewDeserializer[order](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, payload []byte) {
		// Only IDs 1 to 3 exist; other IDs cost a registry round trip, so
		// steer most inputs onto them.
		if len(payload) >= 5 && payload[0] == 0 {
			payload[1], payload[2], payload[3] = 0, 0, 0
			payload[4] = 1 + payload[4]%3
		}
		// Three decodes and validations of the payload: a budget of a few
		// kilobytes per payload byte, above a floor for the registry's
		// first lookups.
		budget(t, 2*time.Second, 16<<20+uint64(len(payload))*4096, func() {
			v, err := da.Deserialize(ctx, "fuzz", payload, nil)
			if err == nil {
				if _, err := json.Marshal(v); err != nil {
					t.Fatalf("decoded a value encoding/json cannot write: %v", err)
				}
			}
			_, _ = dm.Deserialize(ctx, "fuzz", payload, nil)
			_, _ = dt.Deserialize(ctx, "fuzz", payload, nil)
		})
	})
}

// FuzzParseAndCompare parses arbitrary schema texts and compares them: no
// schema, however odd, may panic the parser, the validator or the
// compatibility checker.
func FuzzParseAndCompare(f *testing.F) {
	for _, s := range []string{
		`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`,
		`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false}`,
		`{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://x/y","definitions":{"a":{"id":"#a","type":"integer"}},"$ref":"#a"}`,
		`{"oneOf":[{"type":"string"},{"not":{"enum":[1,2]}}],"allOf":[{"$ref":"#"}]}`,
		`{"type":["string","null"],"maxLength":3,"patternProperties":{"^a":{}},"dependencies":{"a":["b"],"c":{"required":["d"]}}}`,
		`true`, `false`, `{}`,
	} {
		f.Add(s, `{"type":"object"}`)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		// Compiling costs about a kilobyte per schema byte; the budget is
		// far above that, and far below what a blow-up costs.
		budget(t, 2*time.Second, 32<<20+uint64(len(a)+len(b))*8192, func() {
			sa, errA := Parse(a)
			sb, errB := Parse(b)
			if errA != nil || errB != nil {
				return
			}
			_ = sa.CheckRead(sb, "new", "old")
			_ = sb.CheckRead(sa, "new", "old")
			_ = sa.Canonical()
			_ = sa.Normalized()
			_ = sa.Fields()
			_ = sa.Validate(map[string]any{"a": "x", "b": []any{1.5, nil}})
			_ = sa.ValidateJSON([]byte(b)) // the other schema as a value
			_ = sb.ValidateJSON([]byte(a))
			_, _ = sa.Transform(map[string]any{"a": []any{map[string]any{}}}, func(_ Field, v any) (any, error) { return v, nil })
		})
	})
}
