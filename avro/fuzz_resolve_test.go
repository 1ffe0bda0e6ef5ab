package avro

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/internal/vectortest"
)

// resolvePair is a writer schema and a reader schema that differs from it.
type resolvePair struct {
	name           string
	writer, reader string
}

// resolvePairs are the reader ≠ writer cases the resolution fuzzer
// decodes: writer-only fields skipped (arrays, maps, unions, records),
// reader-only fields from defaults, promotions, enum defaults, union
// branches, recursion, and writer unions hamba's Resolve refuses.
func resolvePairs(tb testing.TB) []resolvePair {
	tb.Helper()
	var complexSchema string
	for _, v := range vectortest.Load(tb, "testdata/vectors", "AVRO") {
		if v.Name == "avro_record_complex" {
			complexSchema = v.Registry[0].Schema.Schema
		}
	}
	rec := func(name, fields string) string {
		return `{"type":"record","name":"` + name + `","fields":[` + fields + `]}`
	}
	return []resolvePair{
		{"complex, reader lacks most fields", complexSchema, `{"type":"record","name":"Account","namespace":"io.vectors.avro","fields":[
		  {"name":"id","type":"long"},{"name":"status","type":{"type":"enum","name":"Status","symbols":["ACTIVE","SUSPENDED","CLOSED"]}},
		  {"name":"externalId","type":"string"}]}`},
		{"complex, reader widens and adds", complexSchema, strings.Replace(complexSchema, `{"name": "count", "type": "int"}`,
			`{"name": "count", "type": "double"}, {"name": "extra", "type": {"type":"array","items":"string"}, "default": ["a"]}`, 1)},
		{"skipped containers", rec("R", `{"name":"a","type":{"type":"array","items":{"type":"map","values":["null","string",{"type":"array","items":"null"}]}}},
		  {"name":"b","type":{"type":"map","values":{"type":"array","items":{"type":"record","name":"E","fields":[]}}}},{"name":"k","type":"int"}`),
			rec("R", `{"name":"k","type":"long"}`)},
		{"promotions and enum default", rec("P", `{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"},
		  {"name":"s","type":"string"},{"name":"b","type":"bytes"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}`),
			rec("P", `{"name":"i","type":"double"},{"name":"l","type":"float"},{"name":"f","type":"double"},
		  {"name":"s","type":"bytes"},{"name":"b","type":"string"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}}`)},
		{"union branches", rec("U", `{"name":"u","type":["null","int","string",{"type":"array","items":"long"}]},{"name":"v","type":"int"}`),
			rec("U", `{"name":"u","type":["null","long","bytes",{"type":"array","items":"double"}]},{"name":"v","type":["null","long"]}`)},
		{"writer union into one type", rec("W", `{"name":"n","type":["int","long"]}`), rec("W", `{"name":"n","type":"double"}`)},
		{"recursive", `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},
		  {"name":"tags","type":{"type":"array","items":"string"}},{"name":"next","type":["null","Node"]}]}`,
			`{"type":"record","name":"Node","fields":[{"name":"value","type":"long"},
		  {"name":"label","type":"string","default":"none"},{"name":"next","type":["null","Node"]}]}`},
		{"alias and reordered", rec("A", `{"name":"x","type":"int"},{"name":"y","type":"string"},{"name":"z","type":{"type":"map","values":"int"}}`),
			rec("A", `{"name":"z2","aliases":["z"],"type":{"type":"map","values":"long"}},{"name":"x","type":"long"},{"name":"w","type":"int","default":7}`)},
	}
}

// resolvers compiles, for each pair, the decoder a deserializer would use
// (hamba's Resolve, or the byte rewriter where it cannot) into generic
// values, and, where hamba resolves, the byte rewriter too, so that the
// two resolutions can be compared.
func resolvers(tb testing.TB) (names []string, primary, rewriter []func([]byte) (any, error)) {
	s := defaultSettings()
	s.limits.MaxBytesLen, s.limits.MaxItems, s.limits.MaxZeroWidthItems = 1<<16, 1<<12, 1<<10
	api := newAPI(s)
	g, _ := newGoType[any]()
	for _, p := range resolvePairs(tb) {
		w, err := parseSchema(p.writer, nil)
		if err != nil {
			tb.Fatalf("%s: writer: %v", p.name, err)
		}
		r, err := parseSchema(p.reader, nil)
		if err != nil {
			tb.Fatalf("%s: reader: %v", p.name, err)
		}
		d, err := compileDecoder[any](api, g, w, r, s)
		if err != nil {
			tb.Fatalf("%s: %v", p.name, err)
		}
		names = append(names, p.name)
		primary = append(primary, func(b []byte) (any, error) { var v any; err := d.Decode(b, &v); return v, err })
		vd := d.(*valueDecoder[any])
		if vd.trans != nil {
			rewriter = append(rewriter, nil)
			continue
		}
		// Force the rewriting path on the same pair.
		t, err := newTranscoder(api, r.schema, w.schema, s)
		if err != nil {
			tb.Fatalf("%s: rewriter: %v", p.name, err)
		}
		alt := &valueDecoder[any]{check: w.check, limits: s.limits, trans: t, dec: api.DecoderOf(r.schema, g.ptrRT)}
		alt.pool.New = vd.pool.New
		rewriter = append(rewriter, func(b []byte) (any, error) { var v any; err := alt.Decode(b, &v); return v, err })
	}
	return names, primary, rewriter
}

// FuzzResolve feeds arbitrary bodies to decoders whose reader schema
// differs from the writer's (schema resolution: the path that hung on a
// skipped array's block count). Each decode stays within the time and
// allocation budget, never panics, and where both hamba's resolution and
// srkit's byte rewriting apply they agree.
func FuzzResolve(f *testing.F) {
	names, primary, rewriter := resolvers(f)
	for _, v := range vectortest.Load(f, "testdata/vectors", "AVRO") {
		if v.Name == "avro_record_complex" {
			f.Add(v.Payload(f)[v.WireSchemaID.BodyOffset:])
		}
	}
	for _, h := range []string{"", "00", "02", "0202020200", "0280808080808080808001", "02" + "020202" + "00",
		"0506020406000106026b0a00", "0202026100020400", "0402610a00", "0200020002000200"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	for _, b := range resolveSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i := range primary {
			var got, alt any
			var err, altErr error
			withinBudget(t, names[i], len(body), 1024, func() { got, err = primary[i](body) })
			if err != nil && strings.Contains(err.Error(), "recovered panic") {
				t.Fatalf("%s: decoder panicked: %v", names[i], err)
			}
			if rewriter[i] == nil {
				continue
			}
			withinBudget(t, names[i]+" (rewriter)", len(body), 1024, func() { alt, altErr = rewriter[i](body) })
			if altErr != nil && strings.Contains(altErr.Error(), "recovered panic") {
				t.Fatalf("%s: rewriter panicked: %v", names[i], altErr)
			}
			if (err == nil) != (altErr == nil) || (err == nil && !sameValue(got, alt)) {
				t.Fatalf("%s: resolutions disagree on %x:\n hamba    %#v, %v\n rewriter %#v, %v", names[i], body, got, err, alt, altErr)
			}
		}
	})
}

// sameValue reports whether two decoded values are equal: decimals by
// value, NaN equal to NaN.
func sameValue(a, b any) bool { return reflect.DeepEqual(normalizeDecoded(a), normalizeDecoded(b)) }

// normalizeDecoded rewrites decoded values that reflect.DeepEqual cannot compare.
func normalizeDecoded(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeDecoded(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeDecoded(e)
		}
		return out
	case *big.Rat:
		return "rat:" + x.RatString()
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
	case float32:
		if math.IsNaN(float64(x)) {
			return "NaN"
		}
	}
	return v
}

// sampleBody encodes a value of s: zero numbers, one-letter strings,
// one-item arrays and maps, and union branch pick (0: the first, 1: the
// last), nesting recursive records at most depth deep.
func sampleBody(s havro.Schema, pick, depth int) []byte {
	switch t := deref(s).(type) {
	case *havro.PrimitiveSchema:
		switch t.Type() {
		case havro.Boolean, havro.Int, havro.Long:
			return []byte{0}
		case havro.Float:
			return make([]byte, 4)
		case havro.Double:
			return make([]byte, 8)
		default:
			return []byte{2, 'a'}
		}
	case *havro.FixedSchema:
		return make([]byte, t.Size())
	case *havro.EnumSchema:
		return []byte{0}
	case *havro.RecordSchema:
		var b []byte
		for _, f := range t.Fields() {
			b = append(b, sampleBody(f.Type(), pick, depth-1)...)
		}
		return b
	case *havro.ArraySchema:
		return append(append([]byte{2}, sampleBody(t.Items(), pick, depth)...), 0)
	case *havro.MapSchema:
		return append(append([]byte{2, 2, 'k'}, sampleBody(t.Values(), pick, depth)...), 0)
	case *havro.UnionSchema:
		i := 0
		if pick == 1 && depth > 0 {
			i = len(t.Types()) - 1
		}
		return append(binary.AppendVarint(nil, int64(i)), sampleBody(t.Types()[i], pick, depth)...)
	}
	return nil
}

// resolveSeeds are sample bodies of every pair's writer schema.
func resolveSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, p := range resolvePairs(tb) {
		w, err := parseSchema(p.writer, nil)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, sampleBody(w.schema, 0, 3), sampleBody(w.schema, 1, 3))
	}
	// Hostile seeds: each array or map field of a record writer claims
	// 2^62 items after sample values of the fields before it.
	for _, p := range resolvePairs(tb) {
		w, _ := parseSchema(p.writer, nil)
		rs, ok := w.schema.(*havro.RecordSchema)
		if !ok {
			continue
		}
		var prefix []byte
		for _, f := range rs.Fields() {
			switch deref(f.Type()).(type) {
			case *havro.ArraySchema, *havro.MapSchema:
				seeds = append(seeds, binary.AppendVarint(slices.Clone(prefix), 1<<62))
			}
			prefix = append(prefix, sampleBody(f.Type(), 0, 3)...)
		}
	}
	return seeds
}

// TestResolvePairs: every pair FuzzResolve uses resolves sample data of
// its writer, and hamba's resolution and the byte rewriter agree on it, so
// that the fuzzer's oracle is checked on real values too.
func TestResolvePairs(t *testing.T) {
	names, primary, rewriter := resolvers(t)
	seeds := resolveSeeds(t)
	for i := range primary {
		for _, body := range seeds[2*i : 2*i+2] {
			got, err := primary[i](body)
			if err != nil {
				t.Errorf("%s: %x: %v", names[i], body, err)
				continue
			}
			if rewriter[i] == nil {
				continue
			}
			if alt, err := rewriter[i](body); err != nil || !sameValue(got, alt) {
				t.Errorf("%s: %x: hamba %#v, rewriter %#v, %v", names[i], body, got, alt, err)
			}
		}
	}
}
