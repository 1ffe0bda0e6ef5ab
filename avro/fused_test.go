package avro

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/internal/budget"
)

// fusedSchema has every family the fused path reads: arrays of records
// and of longs, maps, strings, an enum, a nullable union, a small fixed
// type and a timestamp.
const fusedSchema = `{"type":"record","name":"F","fields":[
 {"name":"id","type":"string"},
 {"name":"n","type":"long"},
 {"name":"status","type":{"type":"enum","name":"S","symbols":["A","B","C"]}},
 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"items","type":{"type":"array","items":{"type":"record","name":"I","fields":[
   {"name":"sku","type":"string"},{"name":"q","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"longs","type":{"type":"array","items":"long"}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"nested","type":{"type":"map","values":{"type":"array","items":"int"}}},
 {"name":"note","type":["null","string"]},
 {"name":"tag","type":{"type":"fixed","name":"T","size":4}},
 {"name":"ok","type":"boolean"}]}`

type fusedItem struct {
	SKU   string  `avro:"sku"`
	Q     int32   `avro:"q"`
	Price float64 `avro:"price"`
}

type fusedRec struct {
	ID     string             `avro:"id"`
	N      int64              `avro:"n"`
	Status string             `avro:"status"`
	At     time.Time          `avro:"at"`
	Items  []fusedItem        `avro:"items"`
	Longs  []int64            `avro:"longs"`
	Attrs  map[string]string  `avro:"attrs"`
	Nested map[string][]int32 `avro:"nested"`
	Note   *string            `avro:"note"`
	Tag    [4]byte            `avro:"tag"`
	OK     bool               `avro:"ok"`
}

// fusedPair compiles the decoder of schema into T twice: with the fused
// path (it must have one) and without (the check, then hamba).
func fusedPair[T any](t testing.TB, schema string, s settings) (fusedDec, checked *valueDecoder[T]) {
	t.Helper()
	w, err := parseSchema(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGoType[T]()
	if err != nil {
		t.Fatal(err)
	}
	a, err := compileDecoder[T](newAPI(s), g, w, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := compileDecoder[T](newAPI(s), g, w, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	fusedDec, checked = a.(*valueDecoder[T]), b.(*valueDecoder[T])
	if fusedDec.fused == nil {
		t.Fatalf("%s into %T: no fused path", schema, *new(T))
	}
	checked.fused = nil
	return fusedDec, checked
}

// fusedSample encodes a fusedRec with hamba in blocks of blockLen items
// (negative counts with byte sizes, as Confluent's Go serializer writes).
func fusedSample(t testing.TB, blockLen int) []byte {
	t.Helper()
	note := "leave at the door"
	v := fusedRec{ID: "order-1", N: -123456789, Status: "B", At: time.UnixMilli(1710505696789).UTC(),
		Items:  []fusedItem{{"A-1", 1, 9.5}, {"B-2", 2, 19.25}, {"C-3", 3, 0}},
		Longs:  []int64{1, -2, 300, 1 << 40, 5},
		Attrs:  map[string]string{"gift": "yes", "channel": "web"},
		Nested: map[string][]int32{"x": {1, 2, 3}, "": {}},
		Note:   &note, Tag: [4]byte{1, 2, 3, 4}, OK: true}
	api := havro.Config{TagKey: "avro", BlockLength: blockLen}.Freeze()
	b, err := api.Marshal(havro.MustParse(fusedSchema), &v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFusedPathWhere pins which decoders read in one pass: typed values
// read with their writer schema, without recursion, zero-width items,
// generic values or skipped arrays.
func TestFusedPathWhere(t *testing.T) {
	s := defaultSettings()
	cases := []struct {
		name, schema string
		g            func() (*goType, error)
		want         bool
	}{
		{"typed record", fusedSchema, newGoType[fusedRec], true},
		{"pointer to record", fusedSchema, newGoType[*fusedRec], true},
		{"generic", fusedSchema, newGoType[any], false},
		{"generic map", fusedSchema, newGoType[map[string]any], false},
		{"recursive", nodeSchema, newGoType[*node], false},
		{"zero-width items", nullArrays, newGoType[[][]*struct{}], false},
		{"skipped array", `{"type":"record","name":"R","fields":[{"name":"sku","type":"string"},
		  {"name":"tags","type":{"type":"array","items":"long"}}]}`, newGoType[fusedItem], false},
		{"skipped long", `{"type":"record","name":"R","fields":[{"name":"sku","type":"string"},{"name":"x","type":"long"}]}`,
			newGoType[fusedItem], true},
		{"large fixed", `{"type":"fixed","name":"X","size":1024}`, newGoType[[1024]byte], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := parseSchema(c.schema, nil)
			if err != nil {
				t.Fatal(err)
			}
			g, err := c.g()
			if err != nil {
				t.Fatal(err)
			}
			if got := newFused(w, g, s) != nil; got != c.want {
				t.Fatalf("fused path: %v, want %v", got, c.want)
			}
		})
	}
	// Limits a short body can reach keep the check.
	w, _ := parseSchema(fusedSchema, nil)
	g, _ := newGoType[fusedRec]()
	small := s
	small.limits.MaxItems = 10
	if f := newFused(w, g, small); f == nil || f.max != 10 {
		t.Fatalf("MaxItems 10: fused %+v, want bodies up to 10 bytes", f)
	}
	small.limits.MaxDepth = 1
	if newFused(w, g, small) != nil {
		t.Fatal("MaxDepth 1 below the schema's nesting of 2: fused path")
	}
}

// TestFusedCostCountsCalls pins the allocation bound's cost of one value:
// a record type used three times is inlined once and called twice, and
// each call counts.
func TestFusedCostCountsCalls(t *testing.T) {
	w, err := parseSchema(`{"type":"record","name":"A","fields":[
	  {"name":"x","type":{"type":"record","name":"R","fields":[{"name":"s","type":"string"}]}},
	  {"name":"y","type":"R"},{"name":"z","type":"R"}]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls []int64
	for _, o := range w.check.ops {
		if o.code == opCall {
			calls = append(calls, o.sub.cost)
		}
	}
	f, ok := planFactsOf(w.check, map[*program]planFacts{})
	if len(calls) != 2 || !ok || f.maxCost != w.check.cost+calls[0]+calls[1] {
		t.Fatalf("calls %v, facts %+v (ok %v), own cost %d", calls, f, ok, w.check.cost)
	}
}

// TestFusedHostile feeds the fused path the counts and lengths that hamba
// trusts: each fails as the check fails it, within the fuzz budget.
func TestFusedHostile(t *testing.T) {
	fz, checked := fusedPair[fusedRec](t, fusedSchema, defaultSettings())
	// id "", n 0, status 0, at 0, then items' block header.
	head := "00" + "00" + "00" + "00"
	rest := "00" + "00" + "00" + "00" + "00000000" + "01" // longs, attrs, nested, note, tag, ok
	item := "02" + "41" + "02" + "0000000000000000"       // sku "A", q 1, price 0
	cases := map[string]string{
		"count MinInt64":                head + "ffffffffffffffffff01" + "00" + rest,
		"counts overflowing":            head + "02" + item + "fdffffffffffffffff01" + "02" + item + "00" + rest,
		"count beyond the bytes":        head + "feffffffffffffffff01" + item + "00" + rest,
		"block size too small":          head + "01" + "02" + item + "00" + rest,
		"block size too large":          head + "01" + "40" + item + "00" + rest,
		"string beyond the bytes":       "feffffff07" + "00",
		"map count beyond the bytes":    head + "00" + "00" + "feffffffffffffffff01" + "0241" + "0241",
		"map block size wrong":          head + "00" + "00" + "01" + "02" + "0241" + "0241" + "00" + "00000000000000",
		"map of arrays count too large": head + "00" + "00" + "00" + "02" + "00" + "feffffff0f",
		"truncated":                     head + "02" + item[:6],
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			body, err := hex.DecodeString(h)
			if err != nil {
				t.Fatal(err)
			}
			var v1, v2 fusedRec
			var err1 error
			budget.Default().Check(t, "fused decode", len(body), func() { err1 = fz.Decode(body, &v1) })
			err2 := checked.Decode(body, &v2)
			if !errors.Is(err1, ErrInvalidData) || err2 == nil || err1.Error() != err2.Error() {
				t.Fatalf("fused: %v\nchecked: %v", err1, err2)
			}
			if strings.Contains(err1.Error(), "panic") {
				t.Fatalf("panicked: %v", err1)
			}
		})
	}
}

// TestFusedAgreesWithCheck reads an honest message and every one-byte
// change and truncation of it both ways: the same error or the same value.
func TestFusedAgreesWithCheck(t *testing.T) {
	for _, lim := range []Limits{DefaultLimits(), {MaxItems: 12}, {MaxAllocBytes: 150_000}, {MaxBytesLen: 20}} {
		s := defaultSettings()
		s.limits = lim.withDefaults()
		fusedAgreeAll(t, s)
	}
}

func fusedAgreeAll(t *testing.T, s settings) {
	fz, checked := fusedPair[fusedRec](t, fusedSchema, s)
	for _, blockLen := range []int{1, 2, 100} {
		body := fusedSample(t, blockLen)
		var v fusedRec
		if err := checked.Decode(body, &v); s.limits == DefaultLimits() && (err != nil || v.Note == nil || len(v.Items) != 3 || len(v.Nested["x"]) != 3) {
			t.Fatalf("honest message (blocks of %d): %v, %+v", blockLen, err, v)
		}
		fusedAgree(t, fz, checked, body)
		for i := range body {
			fusedAgree(t, fz, checked, body[:i])
			for _, x := range []byte{0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, body[i] + 2, body[i] - 2} {
				mut := bytes.Clone(body)
				mut[i] = x
				fusedAgree(t, fz, checked, mut)
			}
		}
	}
}

// fusedRender prints v for comparison: NaN equals NaN, the note by value,
// maps in key order.
func fusedRender(v *fusedRec) string {
	c := *v
	note := "<nil>"
	if c.Note != nil {
		note = *c.Note
	}
	c.Note = nil
	return fmt.Sprintf("%+v note=%q", c, note)
}

func fusedAgree(t *testing.T, fz, checked *valueDecoder[fusedRec], body []byte) {
	t.Helper()
	var v1, v2 fusedRec
	err1, err2 := fz.Decode(body, &v1), checked.Decode(body, &v2)
	switch {
	case (err1 == nil) != (err2 == nil):
		t.Fatalf("%x: fused %v, checked %v", body, err1, err2)
	case err1 != nil && err1.Error() != err2.Error():
		t.Fatalf("%x: fused %v\nchecked %v", body, err1, err2)
	case err1 == nil && fusedRender(&v1) != fusedRender(&v2):
		t.Fatalf("%x: fused %+v, checked %+v", body, v1, v2)
	}
}

// FuzzFused compares the fused path with the check on arbitrary bodies,
// within the fuzz budget.
func FuzzFused(f *testing.F) {
	fz, checked := fusedPair[fusedRec](f, fusedSchema, defaultSettings())
	for _, n := range []int{1, 2, 100} {
		f.Add(fusedSample(f, n))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		withinBudget(t, "fused", len(body), 1024, func() {
			var v1, v2 fusedRec
			err1, err2 := fz.Decode(body, &v1), checked.Decode(body, &v2)
			switch {
			case (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()):
				t.Errorf("fused %v, checked %v", err1, err2)
			case err1 == nil && fusedRender(&v1) != fusedRender(&v2):
				t.Errorf("fused %+v, checked %+v", v1, v2)
			}
		})
	})
}

// TestFusedDecodeValue reads a pointer T on the fused path with
// DecodeValue (one allocation, the value) and compares it with the check's
// Decode on the honest message and every truncation of it.
func TestFusedDecodeValue(t *testing.T) {
	fz, checked := fusedPair[*fusedRec](t, fusedSchema, defaultSettings())
	if fz.fused.elemDec == nil {
		t.Fatal("no element decoder for *fusedRec")
	}
	body := fusedSample(t, 2)
	for i := len(body); i >= 0; i-- {
		got, err1 := fz.DecodeValue(body[:i])
		var want *fusedRec
		err2 := checked.Decode(body[:i], &want)
		switch {
		case (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()):
			t.Fatalf("%d bytes: DecodeValue %v, checked %v", i, err1, err2)
		case err1 != nil && got != nil:
			t.Fatalf("%d bytes: DecodeValue returned %+v with %v", i, got, err1)
		case err1 == nil && (got == nil || fusedRender(got) != fusedRender(want)):
			t.Fatalf("%d bytes: DecodeValue %+v, checked %+v", i, got, want)
		}
	}
	if v, err := fz.DecodeValue(body); err != nil || v.ID != "order-1" || len(v.Items) != 3 {
		t.Fatalf("honest message: %+v, %v", v, err)
	}
}
