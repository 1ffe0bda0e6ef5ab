package avro

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"runtime"
	"testing"
	"time"
)

// compiled is a decoder compiled for a test, with the settings it has.
type compiled[T any] struct {
	dec interface{ Decode([]byte, *T) error }
}

// compileLimited compiles a decoder of T for writer (resolved into reader
// unless it is "") with limits lim (zero fields: defaults).
func compileLimited[T any](t testing.TB, writer, reader string, lim Limits) compiled[T] {
	t.Helper()
	g, err := newGoType[T]()
	if err != nil {
		t.Fatal(err)
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
	s := defaultSettings()
	s.limits = lim.withDefaults()
	d, err := compileDecoder[T](newAPI(s), g, w, r, s)
	if err != nil {
		t.Fatal(err)
	}
	return compiled[T]{dec: d}
}

// measure decodes body once and returns the bytes the decode allocated,
// how long it took, and its error.
func (c compiled[T]) measure(body []byte) (uint64, time.Duration, error) {
	var v T
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := c.dec.Decode(body, &v)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took, err
}

func zigzag(n int64) []byte { return binary.AppendVarint(nil, n) }

// nestedNullArrays is the payload of issue 10 item 3: an array of outer
// arrays of null, each claiming inner items (zero bytes each).
func nestedNullArrays(outer int, inner int64) []byte {
	b := zigzag(int64(outer))
	for range outer {
		b = append(b, zigzag(inner)...)
		b = append(b, 0)
	}
	return append(b, 0)
}

const nullArrays = `{"type":"array","items":{"type":"array","items":"null"}}`

// TestNestedNullArraysAllocation is the regression for issue 10 item 3: an
// 82-byte array<array<null>> payload whose 16 inner arrays claim 2^20 null
// items each made generic decoding allocate about 384 MiB (hamba's limit
// was per array). The zero-width items are capped per message: the decode
// fails before allocating.
func TestNestedNullArraysAllocation(t *testing.T) {
	body := nestedNullArrays(16, 1<<20)
	if len(body) != 82 {
		t.Fatalf("payload is %d bytes", len(body))
	}
	for name, decode := range map[string]func([]byte) (uint64, time.Duration, error){
		"any":      compileLimited[any](t, nullArrays, "", Limits{}).measure,
		"[][]any":  compileLimited[[][]any](t, nullArrays, "", Limits{}).measure,
		"resolved": compileLimited[any](t, nullArrays, `{"type":"array","items":{"type":"array","items":["null","string"]}}`, Limits{}).measure,
	} {
		alloc, _, err := decode(body)
		var le *LimitError
		if !errors.Is(err, ErrInvalidData) || !errors.As(err, &le) || le.Limit != "MaxZeroWidthItems" {
			t.Errorf("%s: got %v, want a MaxZeroWidthItems limit error", name, err)
		}
		if alloc > 64<<10 {
			t.Errorf("%s: decoding %d bytes allocated %d bytes", name, len(body), alloc)
		}
	}
}

// TestZeroWidthCapIsPerMessage: the cap counts zero-width items over all
// arrays of a message, and a message within it decodes.
func TestZeroWidthCapIsPerMessage(t *testing.T) {
	c := compileLimited[any](t, nullArrays, "", Limits{MaxZeroWidthItems: 1000})
	if _, _, err := c.measure(nestedNullArrays(4, 250)); err != nil {
		t.Errorf("1000 items: %v", err)
	}
	_, _, err := c.measure(nestedNullArrays(4, 251))
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "MaxZeroWidthItems" || le.Max != 1000 {
		t.Errorf("1004 items: %v", err)
	}
	// Empty records and fixed(0) are zero-width too.
	for _, items := range []string{`{"type":"record","name":"E","fields":[]}`, `{"type":"fixed","name":"F","size":0}`,
		`{"type":"record","name":"E2","fields":[{"name":"n","type":"null"}]}`} {
		c := compileLimited[any](t, `{"type":"array","items":`+items+`}`, "", Limits{MaxZeroWidthItems: 10})
		if _, _, err := c.measure(append(zigzag(11), 0)); !errors.As(err, &le) || le.Limit != "MaxZeroWidthItems" {
			t.Errorf("%s: %v", items, err)
		}
		if _, _, err := c.measure(append(zigzag(10), 0)); err != nil {
			t.Errorf("%s, 10 items: %v", items, err)
		}
	}
}

// TestMaxItemsIsPerMessage: MaxItems counts array items and map entries
// over the whole message, not per array.
func TestMaxItemsIsPerMessage(t *testing.T) {
	schema := `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"int"}},
	  {"name":"b","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"int"}}]}`
	ints := func(n int) []byte {
		return append(append(zigzag(int64(n)), bytes.Repeat([]byte{2}, n)...), 0)
	}
	entries := func(n int) []byte {
		return append(append(zigzag(int64(n)), bytes.Repeat([]byte{2, 'k', 2}, n)...), 0)
	}
	c := compileLimited[map[string]any](t, schema, "", Limits{MaxItems: 90})
	body := append(append(ints(30), ints(30)...), entries(30)...)
	if _, _, err := c.measure(body); err != nil {
		t.Errorf("90 items: %v", err)
	}
	body = append(append(ints(30), ints(30)...), entries(31)...)
	var le *LimitError
	if _, _, err := c.measure(body); !errors.As(err, &le) || le.Limit != "MaxItems" {
		t.Errorf("91 items: %v", err)
	}
}

// TestClaimsBeyondTheBytes: counts and lengths that claim more than the
// message holds fail fast without allocating what they claim, in every
// decoder path (generic, typed, skipped by a reader that lacks the field,
// resolved by hamba, rewritten for recursive schemas).
func TestClaimsBeyondTheBytes(t *testing.T) {
	const (
		writer = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},
		  {"name":"tags","type":{"type":"array","items":{"type":"record","name":"T","fields":[{"name":"k","type":"string"},{"name":"v","type":"long"}]}}},
		  {"name":"attrs","type":{"type":"map","values":"string"}},{"name":"blob","type":"bytes"}]}`
		reader = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"}]}`
		// A recursive reader, so that resolution rewrites the bytes.
		recursiveWriter = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},
		  {"name":"tags","type":{"type":"array","items":"string"}},{"name":"next","type":["null","R"]}]}`
		recursiveReader = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},{"name":"next","type":["null","R"]}]}`
	)
	type tag struct {
		K string `avro:"k"`
		V int64  `avro:"v"`
	}
	type full struct {
		ID    int64             `avro:"id"`
		Tags  []tag             `avro:"tags"`
		Attrs map[string]string `avro:"attrs"`
		Blob  []byte            `avro:"blob"`
	}
	type idOnly struct {
		ID int64 `avro:"id"`
	}
	type rnode struct {
		ID   int64  `avro:"id"`
		Next *rnode `avro:"next"`
	}
	huge := []int64{1 << 62, 1 << 40, 1 << 24, 1 << 20}
	var bodies [][]byte
	for _, n := range huge {
		bodies = append(bodies,
			append([]byte{2}, zigzag(n)...),                    // tags count
			append([]byte{2}, zigzag(-n)...),                   // tags count with a byte size...
			append(append([]byte{2}, zigzag(-n)...), 2),        // ...of one byte
			append([]byte{2, 0}, zigzag(n)...),                 // attrs count
			append([]byte{2, 0, 0}, zigzag(n)...),              // blob length
			append([]byte{2, 2}, append(zigzag(n), 'x')...),    // a tag's key length
			append([]byte{2, 0, 2}, append(zigzag(n), 'x')...), // an attrs key length
		)
	}
	decoders := map[string]func([]byte) (uint64, time.Duration, error){
		"any":            compileLimited[any](t, writer, "", Limits{}).measure,
		"struct":         compileLimited[full](t, writer, "", Limits{}).measure,
		"struct skips":   compileLimited[idOnly](t, writer, "", Limits{}).measure,
		"hamba resolves": compileLimited[idOnly](t, writer, reader, Limits{}).measure,
	}
	for name, decode := range decoders {
		for _, body := range bodies {
			alloc, took, err := decode(body)
			if !errors.Is(err, ErrInvalidData) {
				t.Errorf("%s %x: got %v", name, body, err)
			}
			if alloc > 64<<10 || took > time.Second {
				t.Errorf("%s %x: %d bytes allocated in %v", name, body, alloc, took)
			}
		}
	}
	rewrite := compileLimited[*rnode](t, recursiveWriter, recursiveReader, Limits{})
	for _, n := range huge {
		for _, body := range [][]byte{append([]byte{2}, zigzag(n)...), append([]byte{2, 2}, zigzag(n)...)} {
			alloc, took, err := rewrite.measure(body)
			if !errors.Is(err, ErrInvalidData) || alloc > 64<<10 || took > time.Second {
				t.Errorf("rewrite %x: %v, %d bytes allocated in %v", body, err, alloc, took)
			}
		}
	}
}

// TestLimitErrors: each limit is reported by name, matches ErrInvalidData,
// and says which option raises it.
func TestLimitErrors(t *testing.T) {
	strs := `{"type":"array","items":"string"}`
	tests := []struct {
		name   string
		schema string
		lim    Limits
		body   []byte
		limit  string
	}{
		{"MaxBytesLen", `"string"`, Limits{MaxBytesLen: 4}, append(zigzag(5), "hello"...), "MaxBytesLen"},
		{"MaxBytesLen in a map key", `{"type":"map","values":"int"}`, Limits{MaxBytesLen: 4}, append(append(zigzag(1), zigzag(5)...), "hello\x02\x00"...), "MaxBytesLen"},
		{"MaxAllocBytes", strs, Limits{MaxAllocBytes: 1000}, append(append(zigzag(60), bytes.Repeat([]byte{0}, 60)...), 0), "MaxAllocBytes"},
		{"MaxDepth", nodeSchema, Limits{MaxDepth: 3}, []byte{2, 2, 2, 2, 2, 2, 2, 0}, "MaxDepth"},
	}
	for _, tt := range tests {
		c := compileLimited[any](t, tt.schema, "", tt.lim)
		_, _, err := c.measure(tt.body)
		var le *LimitError
		if !errors.Is(err, ErrInvalidData) || !errors.As(err, &le) || le.Limit != tt.limit {
			t.Errorf("%s: got %v", tt.name, err)
			continue
		}
		if msg := err.Error(); !bytes.Contains([]byte(msg), []byte("Limits."+tt.limit)) || !bytes.Contains([]byte(msg), []byte("avro.WithLimits")) {
			t.Errorf("%s: message %q does not name the limit and its option", tt.name, msg)
		}
	}
	// Within the limits, the same shapes decode.
	c := compileLimited[any](t, nodeSchema, "", Limits{MaxDepth: 4})
	if _, _, err := c.measure([]byte{2, 2, 2, 2, 2, 2, 2, 0}); err != nil {
		t.Errorf("depth 4: %v", err)
	}
}

// TestBlockSizeMustMatch: a block whose byte size disagrees with its items
// is invalid (hamba skips by the size and decodes by the items: they would
// read different values).
func TestBlockSizeMustMatch(t *testing.T) {
	schema := `{"type":"array","items":"int"}`
	c := compileLimited[[]int32](t, schema, "", Limits{})
	for _, h := range []string{"0506020406" + "00", "0504020406" + "00", "0508020406" + "00"} {
		b, _ := hex.DecodeString(h)
		_, _, err := c.measure(b)
		if (h[2:4] == "06") != (err == nil) {
			t.Errorf("%s: %v", h, err)
		}
	}
}

// TestInfiniteRecord: a record that contains itself without a union or
// array has no finite value; checking one hits the depth limit instead of
// the stack's.
func TestInfiniteRecord(t *testing.T) {
	schema := `{"type":"record","name":"Inf","fields":[{"name":"self","type":"Inf"}]}`
	ps, err := parseSchema(schema, nil)
	if err != nil {
		t.Skipf("hamba rejects it: %v", err)
	}
	lim := DefaultLimits()
	var le *LimitError
	if err := checkMessage(ps.check, nil, &lim); !errors.As(err, &le) || le.Limit != "MaxDepth" {
		t.Errorf("got %v", err)
	}
	arr, err := parseSchema(`{"type":"array","items":`+schema+`}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkMessage(arr.check, append(zigzag(3), 0), &lim); !errors.As(err, &le) || le.Limit != "MaxDepth" {
		t.Errorf("array: got %v", err)
	}
}
