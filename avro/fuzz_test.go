package avro

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/serde"
)

// Per-input budgets of the fuzz targets: decoding (or parsing) an input
// of n bytes may allocate at most fuzzAllocBase + perByte×n bytes and take
// at most fuzzTimeBase + fuzzTimePerByte×n. The bounds are far above what
// honest inputs cost (a few hundred bytes allocated per input byte at
// most), so that they never flake, and far below what an unbounded cost
// reaches.
const (
	fuzzAllocBase   = 4 << 20
	fuzzTimeBase    = 2 * time.Second
	fuzzTimePerByte = 200 * time.Microsecond
)

// withinBudget runs f on an input of n bytes and fails t if it allocates
// more than fuzzAllocBase + perByte×n bytes or takes longer than the time
// budget; a hang fails when the budget runs out. f runs on another
// goroutine: it reports with t.Errorf, not t.Fatalf.
func withinBudget(t *testing.T, what string, n int, perByte uint64, f func()) {
	t.Helper()
	budget.Budget{AllocBase: fuzzAllocBase, AllocPerByte: perByte, TimeBase: fuzzTimeBase, TimePerByte: fuzzTimePerByte}.Check(t, what, n, f)
}

// fuzzDecoders compiles decoders over schemas that exercise every decoder
// path: generic and specific records with all type families, recursion
// read directly and resolved (byte rewriting), hamba resolution, and raw
// bytes.
func fuzzDecoders(tb testing.TB) []func([]byte) error {
	tb.Helper()
	var complexSchema string
	for _, v := range vectortest.Load(tb, "testdata/vectors", "AVRO") {
		if v.Name == "avro_record_complex" {
			complexSchema = v.Registry[0].Schema.Schema
		}
	}
	widened := strings.Replace(complexSchema, `{"name": "count", "type": "int"}`, `{"name": "count", "type": "long"},
	  {"name": "extra", "type": ["null", "string"], "default": null}`, 1)
	recursiveReader := `{"type":"record","name":"Node","fields":[{"name":"value","type":"long"},
	  {"name":"label","type":"string","default":"none"},{"name":"next","type":["null","Node"]}]}`
	s := defaultSettings()
	s.limits.MaxBytesLen, s.limits.MaxItems = 1<<16, 1<<12
	api := newAPI(s)
	var decs []func([]byte) error
	add := func(err error, f func([]byte) error) {
		if err != nil {
			tb.Fatal(err)
		}
		decs = append(decs, f)
	}
	compile := func(writer, reader string) (*parsed, *parsed) {
		w, err := parseSchema(writer, nil)
		if err != nil {
			tb.Fatal(err)
		}
		if reader == "" {
			return w, nil
		}
		r, err := parseSchema(reader, nil)
		if err != nil {
			tb.Fatal(err)
		}
		return w, r
	}
	{
		w, _ := compile(complexSchema, "")
		g, _ := newGoType[any]()
		d, err := compileDecoder[any](api, g, w, nil, s)
		add(err, func(b []byte) error { var v any; return d.Decode(b, &v) })
	}
	{
		w, _ := compile(complexSchema, "")
		g, _ := newGoType[vecAccount]()
		d, err := compileDecoder[vecAccount](api, g, w, nil, s)
		add(err, func(b []byte) error { var v vecAccount; return d.Decode(b, &v) })
	}
	{
		w, r := compile(complexSchema, widened)
		g, _ := newGoType[map[string]any]()
		d, err := compileDecoder[map[string]any](api, g, w, r, s)
		add(err, func(b []byte) error { var v map[string]any; return d.Decode(b, &v) })
	}
	{
		w, _ := compile(nodeSchema, "")
		g, _ := newGoType[*node]()
		d, err := compileDecoder[*node](api, g, w, nil, s)
		add(err, func(b []byte) error { var v *node; return d.Decode(b, &v) })
	}
	{
		w, r := compile(nodeSchema, recursiveReader)
		g, _ := newGoType[any]()
		d, err := compileDecoder[any](api, g, w, r, s)
		add(err, func(b []byte) error { var v any; return d.Decode(b, &v) })
	}
	{
		w, _ := compile(logicalSchema, "")
		g, _ := newGoType[logicalRec]()
		d, err := compileDecoder[logicalRec](api, g, w, nil, s)
		add(err, func(b []byte) error { var v logicalRec; return d.Decode(b, &v) })
	}
	{
		// A union of records held in an any field, with Go types mapped
		// (WithUnionType) and without.
		schema := `{"type":"record","name":"P","fields":[{"name":"m","type":["null","string",
		  {"type":"record","name":"A","fields":[{"name":"x","type":"int"}]},{"type":"record","name":"B","fields":[{"name":"y","type":"string"}]}]}]}`
		type branchA struct {
			X int32 `avro:"x"`
		}
		type branchB struct {
			Y string `avro:"y"`
		}
		type holder struct {
			M any `avro:"m"`
		}
		ts := s
		ts.unionTypes = []unionType{{"A", branchA{}}, {"B", branchB{}}}
		w, _ := compile(schema, "")
		g, _ := newGoType[holder]()
		d, err := compileDecoder[holder](newAPI(ts), g, w, nil, ts)
		add(err, func(b []byte) error { var v holder; return d.Decode(b, &v) })
		d2, err := compileDecoder[holder](api, g, w, nil, s)
		add(err, func(b []byte) error { var v holder; return d2.Decode(b, &v) })
	}
	{
		// Zero-width items in nested arrays (issue 10 item 3), generic.
		w, _ := compile(nullArrays, "")
		g, _ := newGoType[any]()
		d, err := compileDecoder[any](api, g, w, nil, s)
		add(err, func(b []byte) error { var v any; return d.Decode(b, &v) })
	}
	{
		w, _ := compile(`"bytes"`, "")
		g, _ := newGoType[[]byte]()
		d, err := compileDecoder[[]byte](api, g, w, nil, s)
		add(err, func(b []byte) error { var v []byte; return d.Decode(b, &v) })
	}
	return decs
}

// FuzzDecode feeds arbitrary bodies to compiled decoders: they return an
// error or a value, never panic, hang or exhaust the stack.
func FuzzDecode(f *testing.F) {
	decs := fuzzDecoders(f)
	for _, v := range vectortest.Load(f, "testdata/vectors", "AVRO") {
		p := v.Payload(f)
		if len(p) > v.WireSchemaID.BodyOffset {
			f.Add(p[v.WireSchemaID.BodyOffset:])
		}
	}
	f.Add(nestedNullArrays(16, 1<<20))
	for _, h := range []string{"", "00", "0202020200", "ffffffffffffffffff01", "01ffffffff0f", "0506020406000106026b0a00",
		"0280808080808080808001"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i, d := range decs {
			withinBudget(t, "decoder "+strconv.Itoa(i), len(body), 1024, func() {
				if err := d(body); err != nil && strings.Contains(err.Error(), "recovered panic") {
					t.Errorf("decoder panicked: %v", err)
				}
			})
		}
	})
}

// FuzzDeserialize feeds arbitrary payloads (wire framing and body) to a
// deserializer backed by the complex-record vector's registry.
func FuzzDeserialize(f *testing.F) {
	var v *vectortest.Vector
	for _, x := range vectortest.Load(f, "testdata/vectors", "AVRO") {
		if x.Name == "avro_record_complex" {
			v = x
		}
		if !x.NeedsRules() {
			f.Add(x.Payload(f))
		}
	}
	client := vectortest.Serve(f, v)
	d, err := NewDeserializer[any](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, payload []byte) {
		withinBudget(t, "Deserialize", len(payload), 1024, func() {
			if _, err := d.Deserialize(ctx, v.Topic, payload, nil); err != nil && strings.Contains(err.Error(), "recovered panic") {
				t.Errorf("deserializer panicked: %v", err)
			}
		})
	})
}

// FuzzParse feeds arbitrary schema texts to the format: parsing, the
// canonical and normalized forms and the compatibility check return,
// never panic.
func FuzzParse(f *testing.F) {
	for _, v := range vectortest.Load(f, "testdata/vectors", "AVRO") {
		for _, r := range v.Registry {
			if len(r.References) == 0 {
				f.Add(r.Schema.Schema)
			}
		}
	}
	f.Add(nodeSchema)
	f.Add(logicalSchema)
	f.Add(`{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"DESCENDING","aliases":["b"]}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		withinBudget(t, "Parse", len(text), 64<<10, func() {
			s, err := Parse(text)
			if err != nil {
				return
			}
			c := s.Canonical()
			n := s.Normalized()
			_ = s.CheckRead(s, "new", "old")
			// The registry's forms of a valid schema parse again.
			if _, err := Parse(c); err != nil {
				t.Errorf("canonical %s of %s does not parse: %v", c, text, err)
			}
			if _, err := Parse(n); err != nil {
				t.Errorf("normalized %s of %s does not parse: %v", n, text, err)
			}
		})
	})
}
