package avro

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// encodeWith encodes v with schema text through the codec's compiled path.
func encodeWith[T any](t testing.TB, schema string, v T) []byte {
	t.Helper()
	g, err := newGoType[T]()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := parseSchema(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := compileEncoder[T](newAPI(defaultSettings()), g, ps)
	if err != nil {
		t.Fatal(err)
	}
	b, err := enc.AppendEncode(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeWith decodes body written with writer into T, resolving into
// reader when it is not "".
func decodeWith[T any](t testing.TB, writer, reader string, body []byte) (T, error) {
	t.Helper()
	var zero T
	g, err := newGoType[T]()
	if err != nil {
		return zero, err
	}
	w, err := parseSchema(writer, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r *parsed
	if reader != "" {
		if r, err = parseSchema(reader, nil); err != nil {
			t.Fatal(err)
		}
	}
	dec, err := compileDecoder[T](newAPI(defaultSettings()), g, w, r, defaultSettings())
	if err != nil {
		return zero, err
	}
	var v T
	err = dec.Decode(body, &v)
	return v, err
}

type logicalRec struct {
	DecBytes  *big.Rat              `avro:"decBytes"`
	DecFixed  *big.Rat              `avro:"decFixed"`
	UUID      string                `avro:"uuid"`
	Date      time.Time             `avro:"date"`
	TimeOfDay time.Duration         `avro:"timeMs"`
	TimeUs    time.Duration         `avro:"timeUs"`
	TsMs      time.Time             `avro:"tsMs"`
	TsUs      time.Time             `avro:"tsUs"`
	LocalMs   time.Time             `avro:"localMs"`
	LocalUs   time.Time             `avro:"localUs"`
	TsNs      int64                 `avro:"tsNs"`
	LocalNs   int64                 `avro:"localNs"`
	Duration  havro.LogicalDuration `avro:"duration"`
	OptionalT *time.Time            `avro:"optionalT"`
}

const logicalSchema = `{"type":"record","name":"L","fields":[
 {"name":"decBytes","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
 {"name":"decFixed","type":{"type":"fixed","name":"DF","size":8,"logicalType":"decimal","precision":18,"scale":2}},
 {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"timeMs","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"timeUs","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsMs","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsUs","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"localMs","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"localUs","type":{"type":"long","logicalType":"local-timestamp-micros"}},
 {"name":"tsNs","type":{"type":"long","logicalType":"timestamp-nanos"}},
 {"name":"localNs","type":{"type":"long","logicalType":"local-timestamp-nanos"}},
 {"name":"duration","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}},
 {"name":"optionalT","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}`

// TestLogicalTypes round-trips every logical type through the specific and
// the generic path, and checks the bytes against hamba's own Marshal (what
// Confluent's Go serializer calls). timestamp-nanos and
// local-timestamp-nanos are int64 nanoseconds: hamba, and so Confluent's Go
// serializer, reads them as plain longs.
func TestLogicalTypes(t *testing.T) {
	ts := time.Date(2024, 3, 15, 12, 34, 56, 789_123_000, time.UTC)
	in := logicalRec{
		DecBytes: big.NewRat(-12345678, 10000), DecFixed: big.NewRat(31415, 100),
		UUID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Date: time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC),
		TimeOfDay: 13*time.Hour + 5*time.Millisecond, TimeUs: 13*time.Hour + 7*time.Microsecond,
		TsMs: ts.Truncate(time.Millisecond), TsUs: ts.Truncate(time.Microsecond),
		LocalMs: ts.Truncate(time.Millisecond), LocalUs: ts.Truncate(time.Microsecond),
		TsNs: ts.UnixNano(), LocalNs: ts.UnixNano(),
		Duration: havro.LogicalDuration{Months: 2, Days: 3, Milliseconds: 4000}, OptionalT: &ts,
	}
	body := encodeWith(t, logicalSchema, in)
	ref, err := havro.Marshal(havro.MustParse(logicalSchema), in) // test-only: the raw codec for comparison
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, ref) {
		t.Errorf("bytes differ from hamba's:\n got %x\nwant %x", body, ref)
	}
	out, err := decodeWith[logicalRec](t, logicalSchema, "", body)
	if err != nil {
		t.Fatal(err)
	}
	if out.DecBytes.Cmp(in.DecBytes) != 0 || out.DecFixed.Cmp(in.DecFixed) != 0 || out.UUID != in.UUID ||
		!out.Date.Equal(in.Date) || out.TimeOfDay != in.TimeOfDay || out.TimeUs != in.TimeUs ||
		!out.TsMs.Equal(in.TsMs) || !out.TsUs.Equal(in.TsUs) || out.Duration != in.Duration ||
		out.TsNs != in.TsNs || out.LocalNs != in.LocalNs ||
		out.OptionalT == nil || !out.OptionalT.Equal(ts.Truncate(time.Millisecond)) {
		t.Errorf("round trip\n got %+v\nwant %+v", out, in)
	}
	if out.LocalMs.Format("2006-01-02T15:04:05.000") != in.LocalMs.Format("2006-01-02T15:04:05.000") ||
		out.LocalUs.Format("2006-01-02T15:04:05.000000") != in.LocalUs.Format("2006-01-02T15:04:05.000000") {
		t.Errorf("local timestamps: %v %v", out.LocalMs, out.LocalUs)
	}

	// Generic values read back the same bytes.
	g, err := decodeWith[map[string]any](t, logicalSchema, "", body)
	if err != nil {
		t.Fatal(err)
	}
	if got := encodeWith(t, logicalSchema, g); !bytes.Equal(got, body) {
		t.Errorf("generic re-encoding differs:\n got %x\nwant %x", got, body)
	}
	if g["tsNs"] != ts.UnixNano() || g["localNs"] != ts.UnixNano() {
		t.Errorf("generic nanos: %v %v", g["tsNs"], g["localNs"])
	}

	// time.Time cannot hold a nanos timestamp: refused when the codec is
	// built, not at the first message.
	type nanosTime struct {
		TsNs time.Time `avro:"tsNs"`
	}
	gt, _ := newGoType[nanosTime]()
	ps, _ := parseSchema(`{"type":"record","name":"N","fields":[{"name":"tsNs","type":{"type":"long","logicalType":"timestamp-nanos"}}]}`, nil)
	if _, err := compileEncoder[nanosTime](newAPI(defaultSettings()), gt, ps); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("time.Time for timestamp-nanos: %v", err)
	}
}

type unionRec struct {
	Name  *string        `avro:"name"`
	Inner *dInner        `avro:"inner"`
	Any   any            `avro:"any"`
	Multi map[string]any `avro:"multi"`
}

func TestUnions(t *testing.T) {
	schema := `{"type":"record","name":"U","fields":[
	 {"name":"name","type":["null","string"]},
	 {"name":"inner","type":["null",{"type":"record","name":"dInner","fields":[{"name":"x","type":"int"}]}]},
	 {"name":"any","type":["null","long","string"]},
	 {"name":"multi","type":["null","int","dInner"]}]}`
	name := "x"
	in := unionRec{Name: &name, Inner: &dInner{X: 7}, Any: "s", Multi: map[string]any{"dInner": map[string]any{"x": 3}}}
	body := encodeWith(t, schema, in)
	// Branch indexes: name 1, inner 1, any 2 (string), multi 2 (dInner).
	if want := "020278" + "020e" + "040273" + "0406"; hex.EncodeToString(body) != want {
		t.Errorf("body %x, want %s", body, want)
	}
	out, err := decodeWith[map[string]any](t, schema, "", body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "x", "inner": map[string]any{"dInner": map[string]any{"x": 7}},
		"any": "s", "multi": map[string]any{"dInner": map[string]any{"x": 7 - 4}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("generic\n got %#v\nwant %#v", out, want)
	}
	nulls := encodeWith(t, schema, unionRec{})
	if hex.EncodeToString(nulls) != "00000000" {
		t.Errorf("nulls %x", nulls)
	}
}

type node struct {
	Value int32 `avro:"value"`
	Next  *node `avro:"next"`
}

const nodeSchema = `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}`

func list(n int) *node {
	var head *node
	for i := n; i > 0; i-- {
		head = &node{Value: int32(i), Next: head}
	}
	return head
}

// TestRecursive writes and reads a recursive record, resolves it into a
// changed recursive reader schema (which hamba's Resolve cannot), and
// rejects input nested deeper than the limit.
func TestRecursive(t *testing.T) {
	body := encodeWith(t, nodeSchema, list(5))
	got, err := decodeWith[*node](t, nodeSchema, "", body)
	if err != nil || !reflect.DeepEqual(got, list(5)) {
		t.Fatalf("got %+v, %v", got, err)
	}

	reader := `{"type":"record","name":"Node","fields":[{"name":"value","type":"long"},
	  {"name":"label","type":"string","default":"none"},{"name":"next","type":["null","Node"]}]}`
	type wide struct {
		Value int64  `avro:"value"`
		Label string `avro:"label"`
		Next  *wide  `avro:"next"`
	}
	w, err := decodeWith[*wide](t, nodeSchema, reader, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 5; i++ {
		if w == nil || w.Value != i || w.Label != "none" {
			t.Fatalf("node %d: %+v", i, w)
		}
		w = w.Next
	}
	if w != nil {
		t.Fatalf("list too long")
	}
	gen, err := decodeWith[any](t, nodeSchema, reader, body)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := gen.(map[string]any); m["label"] != "none" || m["value"] != int64(1) {
		t.Errorf("generic %#v", gen)
	}

	// Deeper than DefaultMaxDepth: rejected, not a stack overflow.
	deep := bytes.Repeat([]byte{0x02, 0x02}, DefaultMaxDepth+1) // value 1, branch 1 ...
	deep = append(deep, 0x02, 0x00)
	if _, err := decodeWith[*node](t, nodeSchema, "", deep); !errors.Is(err, ErrInvalidData) {
		t.Errorf("deep input: %v", err)
	}
	if _, err := decodeWith[*wide](t, nodeSchema, reader, deep); !errors.Is(err, ErrInvalidData) {
		t.Errorf("deep input, resolving: %v", err)
	}
}

// TestBlockEncodings reads arrays and maps whether their blocks carry byte
// sizes (negative counts, as hamba and Confluent's Go serializer write) or
// not (as Java writes), in one block or several.
func TestBlockEncodings(t *testing.T) {
	schema := `{"type":"record","name":"B","fields":[{"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"int"}}]}`
	type rec struct {
		A []int32          `avro:"a"`
		M map[string]int32 `avro:"m"`
	}
	want := rec{A: []int32{1, 2, 3}, M: map[string]int32{"k": 5}}
	for _, body := range []string{
		"06020406" + "00" + "02026b0a" + "00",     // positive counts
		"0506020406" + "00" + "0106026b0a" + "00", // negative counts with byte sizes
		"0202" + "040406" + "00" + "02026b0a00",   // several blocks
	} {
		b, _ := hex.DecodeString(body)
		got, err := decodeWith[rec](t, schema, "", b)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, %v", body, got, err)
		}
		g, err := decodeWith[any](t, schema, "", b)
		if err != nil || len(g.(map[string]any)["a"].([]any)) != 3 {
			t.Errorf("%s generic: got %+v, %v", body, g, err)
		}
	}
	// hamba writes negative counts with byte sizes.
	if got := hex.EncodeToString(encodeWith(t, schema, want)); got != "0506020406000106026b0a00" {
		t.Errorf("encoded %s", got)
	}
}

func TestRawBytes(t *testing.T) {
	type blob []byte
	body := encodeWith(t, `"bytes"`, blob{1, 2, 3})
	if !bytes.Equal(body, []byte{1, 2, 3}) {
		t.Errorf("raw %x", body)
	}
	if body := encodeWith[any](t, `"bytes"`, []byte{4}); !bytes.Equal(body, []byte{4}) {
		t.Errorf("generic raw %x", body)
	}
	in := []byte{9, 8}
	got, err := decodeWith[blob](t, `"bytes"`, "", in)
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("got %x %v", got, err)
	}
	in[0] = 0
	if got[0] != 9 {
		t.Error("decoded bytes alias the body")
	}
	if _, err := decodeWith[string](t, `"bytes"`, "", in); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("string from raw bytes: %v", err)
	}
	if g, _ := newGoType[string](); g != nil {
		ps, _ := parseSchema(`"bytes"`, nil)
		if _, err := compileEncoder[string](newAPI(defaultSettings()), g, ps); !errors.Is(err, ErrUnsupportedType) {
			t.Errorf("string as raw bytes: %v", err)
		}
	}
	g, _ := newGoType[any]()
	ps, _ := parseSchema(`"bytes"`, nil)
	enc, _ := compileEncoder[any](newAPI(defaultSettings()), g, ps)
	if _, err := enc.AppendEncode(nil, "not bytes"); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("generic non-bytes: %v", err)
	}
}

// TestResolution reads data written with one schema through another, with
// hamba's resolution (non-recursive schemas) and with the byte rewriter
// (recursive ones): both must give the same reader values.
func TestResolution(t *testing.T) {
	tests := []struct {
		name           string
		writer, reader string
		value          any // generic value in the writer schema
		want           any // generic value in the reader schema
	}{
		{"field added with default", rec(`{"name":"a","type":"int"}`),
			rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"d"},{"name":"c","type":["null","int"],"default":null}`),
			map[string]any{"a": 1}, map[string]any{"a": 1, "b": "d", "c": nil}},
		{"field removed", rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`), rec(`{"name":"b","type":"string"}`),
			map[string]any{"a": 1, "b": "x"}, map[string]any{"b": "x"}},
		{"renamed via alias and reordered", rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`),
			rec(`{"name":"bee","type":"string","aliases":["b"]},{"name":"a","type":"int"}`),
			map[string]any{"a": 1, "b": "x"}, map[string]any{"a": 1, "bee": "x"}},
		{"promotions", rec(`{"name":"a","type":"int"},{"name":"b","type":"long"},{"name":"c","type":"float"},{"name":"d","type":"string"}`),
			rec(`{"name":"a","type":"long"},{"name":"b","type":"double"},{"name":"c","type":"double"},{"name":"d","type":"bytes"}`),
			map[string]any{"a": 1, "b": int64(2), "c": float32(1.5), "d": "z"},
			map[string]any{"a": int64(1), "b": float64(2), "c": float64(1.5), "d": []byte("z")}},
		{"enum default", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}`),
			rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["C","A","X"],"default":"X"}}`),
			map[string]any{"e": "B"}, map[string]any{"e": "X"}},
		{"enum reordered", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}`),
			rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["C","B","A"]}}`),
			map[string]any{"e": "A"}, map[string]any{"e": "A"}},
		{"plain to union", rec(`{"name":"a","type":"string"}`), rec(`{"name":"a","type":["null","string"]}`),
			map[string]any{"a": "x"}, map[string]any{"a": "x"}},
		{"union branches reordered and widened", rec(`{"name":"u","type":["null","int","string"]}`),
			rec(`{"name":"u","type":["string","long","null"]}`),
			map[string]any{"u": 5}, map[string]any{"u": int64(5)}},
		{"union to plain", rec(`{"name":"u","type":["string"]},{"name":"v","type":["int","long"]}`),
			rec(`{"name":"u","type":"string"},{"name":"v","type":"double"}`),
			map[string]any{"u": "x", "v": int64(7)}, map[string]any{"u": "x", "v": float64(7)}},
		{"nested records and enum in union", rec(`{"name":"n","type":["null",{"type":"record","name":"N","fields":[{"name":"a","type":"int"},{"name":"gone","type":"string"}]}]}`),
			rec(`{"name":"n","type":["null",{"type":"record","name":"N","fields":[{"name":"a","type":"long"},{"name":"added","type":{"type":"array","items":"int"},"default":[1,2]}]}]}`),
			map[string]any{"n": map[string]any{"ns.N": map[string]any{"a": 1, "gone": "x"}}},
			map[string]any{"n": map[string]any{"ns.N": map[string]any{"a": int64(1), "added": []any{1, 2}}}}},
		{"array and map values widened", rec(`{"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"int"}}`),
			rec(`{"name":"a","type":{"type":"array","items":"long"}},{"name":"m","type":{"type":"map","values":"double"}}`),
			map[string]any{"a": []any{1, 2}, "m": map[string]any{"k": 3}},
			map[string]any{"a": []any{int64(1), int64(2)}, "m": map[string]any{"k": float64(3)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := encodeWith[any](t, tt.writer, tt.value)
			got, err := decodeWith[any](t, tt.writer, tt.reader, body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("hamba resolution\n got %#v\nwant %#v", got, tt.want)
			}
			// The byte rewriter gives the same.
			w, _ := parseSchema(tt.writer, nil)
			r, _ := parseSchema(tt.reader, nil)
			api := newAPI(defaultSettings())
			tr, err := newTranscoder(api, r.schema, w.schema, defaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			rb, err := tr.run(body)
			if err != nil {
				t.Fatal(err)
			}
			got2, err := decodeWith[any](t, tt.reader, "", rb)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got2, tt.want) {
				t.Errorf("rewriter\n got %#v\nwant %#v", got2, tt.want)
			}
		})
	}
}

func TestIncompatibleReader(t *testing.T) {
	body := encodeWith[any](t, rec(`{"name":"a","type":"int"}`), map[string]any{"a": 1})
	_, err := decodeWith[any](t, rec(`{"name":"a","type":"int"}`), rec(`{"name":"b","type":"int"}`), body)
	if !errors.Is(err, ErrIncompatibleSchemas) {
		t.Errorf("got %v", err)
	}
	_, err = decodeWith[*node](t, nodeSchema, `{"type":"record","name":"Node","fields":[{"name":"value","type":"string"},{"name":"next","type":["null","Node"]}]}`, body)
	if !errors.Is(err, ErrIncompatibleSchemas) {
		t.Errorf("recursive: got %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	schema := rec(`{"name":"a","type":"string"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`)
	for _, body := range []string{"", "08", "0261", "026102", "02610a", "ff", "0261"} {
		b, _ := hex.DecodeString(body)
		if _, err := decodeWith[map[string]any](t, schema, "", b); !errors.Is(err, ErrInvalidData) {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	schema := rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`)
	g, _ := newGoType[map[string]any]()
	ps, _ := parseSchema(schema, nil)
	enc, _ := compileEncoder[map[string]any](newAPI(defaultSettings()), g, ps)
	if _, err := enc.AppendEncode(nil, map[string]any{"e": "Z"}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("unknown symbol: %v", err)
	}
	if _, err := enc.AppendEncode(nil, map[string]any{}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("missing field: %v", err)
	}
	type wrong struct {
		E int `avro:"e"`
	}
	gw, _ := newGoType[wrong]()
	if _, err := compileEncoder[wrong](newAPI(defaultSettings()), gw, ps); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("int for enum: %v", err)
	}
	type missing struct {
		X int `avro:"x"`
	}
	gm, _ := newGoType[*missing]()
	if _, err := compileEncoder[*missing](newAPI(defaultSettings()), gm, ps); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("missing field: %v", err)
	}
}

// TestConstructorErrors checks what NewSerializer and NewDeserializer
// reject up front.
func TestConstructorErrors(t *testing.T) {
	client, err := registry.New(registry.URLs("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSerializer[map[string]any](client, serde.Value); !errors.Is(err, ErrNoSchema) {
		t.Errorf("generic without schema: %v", err)
	}
	if _, err := NewSerializer[map[string]any](client, serde.Value, serde.UseLatest()); err != nil {
		t.Errorf("generic with use latest: %v", err)
	}
	if _, err := NewSerializer[chan int](client, serde.Value); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("chan: %v", err)
	}
	if _, err := NewDeserializer[func()](client, serde.Value); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("func: %v", err)
	}
	if _, err := NewDeserializer[error](client, serde.Value); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("non-empty interface: %v", err)
	}
	if _, err := NewSerializer[any](client, serde.Value, WithSchema(`{"type":"nope"}`)); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("bad schema: %v", err)
	}
	if _, err := NewSerializer[string](client, serde.Value, WithSchema(`"int"`)); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("string for int: %v", err)
	}
	if _, err := NewDeserializer[string](client, serde.Value, WithSchema(`"int"`)); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("deserializer string for int: %v", err)
	}
	if _, err := NewSerializer[any](client, serde.Value, serde.WithSchema(registry.JSON, `{}`)); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("JSON schema: %v", err)
	}
	if _, err := NewSerializer[customerKey](client, serde.Key); err != nil {
		t.Errorf("derived: %v", err)
	}
}

// TestHugeFixed: a schema whose fixed type is larger than the byte limit is
// refused when the decoder is built (hamba would allocate its size up
// front), and one beyond Java's int range is not a valid schema.
func TestHugeFixed(t *testing.T) {
	if _, err := decodeWith[any](t, `{"type":"fixed","name":"F","size":1000000000}`, "", nil); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("got %v", err)
	}
	if _, err := Parse(`{"type":"fixed","name":"F","size":10000000000000}`); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("got %v", err)
	}
}

// TestForeignOptions: another format's option is refused, not ignored.
func TestForeignOptions(t *testing.T) {
	client, err := registry.New(registry.URLs("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	foreign := struct{ serde.FormatOption }{serde.NewFormatOption(registry.Protobuf)}
	if _, err := NewSerializer[customerKey](client, serde.Key, foreign); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("serializer: %v", err)
	}
	if _, err := NewDeserializer[customerKey](client, serde.Key, foreign); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("deserializer: %v", err)
	}
}
