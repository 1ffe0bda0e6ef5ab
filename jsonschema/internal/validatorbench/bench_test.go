package validatorbench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	gjs "github.com/google/jsonschema-go/jsonschema"
	kap "github.com/kaptinlin/jsonschema"
	v5 "github.com/santhosh-tekuri/jsonschema/v5"
	v6 "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Every benchmark handles the same value (serializers) or body
// (deserializers). The serialize side marshals and validates; the
// deserialize side validates the body and decodes it into the struct.

func body(b *testing.B) []byte {
	out, err := json.Marshal(benchValue())
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// --- encoding/json alone: the floors ---

func BenchmarkSerializeRawJSON(b *testing.B) {
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeRawJSON(b *testing.B) {
	in := body(b)
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		o = benchOrder{}
		if err := json.Unmarshal(in, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// --- santhosh-tekuri/jsonschema v5: srkit before issue 16 ---

func compileV5(b *testing.B) *v5.Schema {
	c := v5.NewCompiler()
	c.Draft = v5.Draft7
	if err := c.AddResource("mem://input/", strings.NewReader(benchSchema)); err != nil {
		b.Fatal(err)
	}
	s, err := c.Compile("mem://input/")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func exactV5(b *testing.B, in []byte) any {
	d := json.NewDecoder(bytes.NewReader(in))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		b.Fatal(err)
	}
	return doc
}

func BenchmarkSerializeV5(b *testing.B) {
	s, v := compileV5(b), benchValue()
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Validate(exactV5(b, out)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeV5(b *testing.B) {
	s, in := compileV5(b), body(b)
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(exactV5(b, in)); err != nil {
			b.Fatal(err)
		}
		o = benchOrder{}
		if err := json.Unmarshal(in, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// --- santhosh-tekuri/jsonschema v6 ---

func compileV6(b *testing.B) *v6.Schema {
	c := v6.NewCompiler()
	c.DefaultDraft(v6.Draft7)
	c.AssertFormat() // as v5 did for draft-07
	doc, err := v6.UnmarshalJSON(strings.NewReader(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.AddResource("mem://input/", doc); err != nil {
		b.Fatal(err)
	}
	s, err := c.Compile("mem://input/")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkSerializeV6(b *testing.B) {
	s, v := compileV6(b), benchValue()
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := v6.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeV6(b *testing.B) {
	s, in := compileV6(b), body(b)
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		doc, err := v6.UnmarshalJSON(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			b.Fatal(err)
		}
		o = benchOrder{}
		if err := json.Unmarshal(in, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// --- kaptinlin/jsonschema (v0.9.8, the last release that builds with Go 1.26) ---

func compileKaptinlin(b *testing.B) *kap.Schema {
	s, err := kap.NewCompiler().Compile([]byte(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// It validates Go structs directly (ValidateStruct), without marshalling.
func BenchmarkSerializeKaptinlin(b *testing.B) {
	s, v := compileKaptinlin(b), benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if r := s.ValidateStruct(v); !r.IsValid() {
			b.Fatal(r)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeKaptinlin(b *testing.B) {
	s, in := compileKaptinlin(b), body(b)
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		if r := s.ValidateJSON(in); !r.IsValid() {
			b.Fatal(r)
		}
		o = benchOrder{}
		if err := json.Unmarshal(in, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// --- google/jsonschema-go ---

func compileGoogle(b *testing.B) *gjs.Resolved {
	var s gjs.Schema
	if err := json.Unmarshal([]byte(benchSchema), &s); err != nil {
		b.Fatal(err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkSerializeGoogle(b *testing.B) {
	s, v := compileGoogle(b), benchValue()
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(out, &doc); err != nil {
			b.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeGoogle(b *testing.B) {
	s, in := compileGoogle(b), body(b)
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		var doc any
		if err := json.Unmarshal(in, &doc); err != nil {
			b.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			b.Fatal(err)
		}
		o = benchOrder{}
		if err := json.Unmarshal(in, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// --- srkit: the validator alone, and the serializer and deserializer ---

func BenchmarkSerializeSrkitValidator(b *testing.B) {
	s, err := jsonschema.Parse(benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.ValidateJSON(out); err != nil {
			b.Fatal(err)
		}
	}
}

func benchClient(b *testing.B) *registry.Client {
	reg, err := mockregistry.New(mockregistry.WithFormats(jsonschema.Format()))
	if err != nil {
		b.Fatal(err)
	}
	c, err := reg.Client()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

func srkitSerialize(b *testing.B, validate bool) {
	ctx := context.Background()
	ser, err := jsonschema.NewSerializer[benchOrder](benchClient(b), serde.Value, jsonschema.WithSchema(benchSchema), serde.Validate(validate))
	if err != nil {
		b.Fatal(err)
	}
	v := benchValue()
	buf, _, err := ser.Serialize(ctx, "orders", v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if buf, _, err = ser.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

func srkitDeserialize(b *testing.B, validate bool) {
	ctx := context.Background()
	client := benchClient(b)
	ser, err := jsonschema.NewSerializer[benchOrder](client, serde.Value, jsonschema.WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := ser.Serialize(ctx, "orders", benchValue())
	if err != nil {
		b.Fatal(err)
	}
	d, err := jsonschema.NewDeserializer[benchOrder](client, serde.Value, serde.Validate(validate))
	if err != nil {
		b.Fatal(err)
	}
	var o benchOrder
	if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSerializeSrkit(b *testing.B)               { srkitSerialize(b, true) }
func BenchmarkSerializeSrkitNoValidation(b *testing.B)   { srkitSerialize(b, false) }
func BenchmarkDeserializeSrkit(b *testing.B)             { srkitDeserialize(b, true) }
func BenchmarkDeserializeSrkitNoValidation(b *testing.B) { srkitDeserialize(b, false) }

// --- franz-go's pkg/sr with encoding/json (it does not validate) ---

func franzSerde() *sr.Serde {
	var s sr.Serde
	s.Register(1, benchOrder{},
		sr.EncodeFn(func(v any) ([]byte, error) { return json.Marshal(v) }),
		sr.DecodeFn(func(b []byte, v any) error { return json.Unmarshal(b, v) }))
	return &s
}

func BenchmarkSerializeFranzSR(b *testing.B) {
	s, v := franzSerde(), benchValue()
	buf, err := s.AppendEncode(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = s.AppendEncode(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeFranzSR(b *testing.B) {
	s := franzSerde()
	payload, err := s.Encode(benchValue())
	if err != nil {
		b.Fatal(err)
	}
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		o = benchOrder{}
		if err := s.Decode(payload, &o); err != nil {
			b.Fatal(err)
		}
	}
}
