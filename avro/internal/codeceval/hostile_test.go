package codeceval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"time"

	tavro "github.com/twmb/avro"
)

// cost is what one decode took.
type cost struct {
	alloc uint64
	took  time.Duration
	hung  bool
	err   error
}

// measure runs decode once, giving up (hung) after 3 s.
func measure(decode func() error) cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- decode() }()
	select {
	case err := <-done:
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		return cost{alloc: after.TotalAlloc - before.TotalAlloc, took: took, err: err}
	case <-time.After(3 * time.Second):
		return cost{hung: true, took: 3 * time.Second}
	}
}

func zigzag(n int64) []byte { return binary.AppendVarint(nil, n) }

// nestedNullArrays is issue 10's amplification payload: outer arrays of
// null arrays, each claiming inner items of zero bytes.
func nestedNullArrays(outer int, inner int64) []byte {
	b := zigzag(int64(outer))
	for range outer {
		b = append(b, zigzag(inner)...)
		b = append(b, 0)
	}
	return append(b, 0)
}

// TestTwmbHostile runs the hostile inputs of issue 10 through twmb alone
// (without srkit's pre-decode check): it bounds counts by the bytes present
// (no hang, no allocation of what a count claims), but its cap on
// zero-width items holds per array (4,096), not per message, so nested
// null arrays still amplify: 82 bytes allocate about a megabyte, and a
// message of n bytes about n×64 KiB. srkit's per-message limits are needed
// with either codec.
func TestTwmbHostile(t *testing.T) {
	v2 := tavro.MustParse(`{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"long"}}]}`)
	v1 := tavro.MustParse(`{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`)
	resolved, err := tavro.Resolve(v2, v1)
	if err != nil {
		t.Fatal(err)
	}
	type orderV1 struct {
		ID int64 `avro:"id"`
	}
	skip := append([]byte{2}, zigzag(1<<62)...)
	c := measure(func() error { var o orderV1; _, err := resolved.Decode(skip, &o); return err })
	t.Logf("16-byte record, v1 reader of v2 data (skipped 2^62 count): %+v", c)
	if c.hung || c.err == nil || c.alloc > 64<<10 {
		t.Errorf("skip: %+v", c)
	}

	nulls := tavro.MustParse(`{"type":"array","items":{"type":"array","items":"null"}}`)
	for _, body := range [][]byte{nestedNullArrays(16, 1<<20), nestedNullArrays(16, 4096), nestedNullArrays(400, 4096)} {
		c := measure(func() error { var v any; _, err := nulls.Decode(body, &v); return err })
		t.Logf("array<array<null>>, %d bytes: %d bytes allocated, %v, err %v", len(body), c.alloc, c.took, c.err)
		if c.hung {
			t.Errorf("%d bytes: hung", len(body))
		}
		if c.err == nil && c.alloc < uint64(len(body))*16<<10 {
			t.Errorf("%d bytes decoded with %d bytes allocated: the amplification is gone, update the write-up", len(body), c.alloc)
		}
	}

	// Claims beyond the bytes: counts and lengths, decoded and skipped.
	writer := tavro.MustParse(`{"type":"record","name":"R","fields":[{"name":"id","type":"long"},
	  {"name":"tags","type":{"type":"array","items":{"type":"record","name":"T","fields":[{"name":"k","type":"string"},{"name":"v","type":"long"}]}}},
	  {"name":"attrs","type":{"type":"map","values":"string"}},{"name":"blob","type":"bytes"}]}`)
	idOnly, err := tavro.Resolve(writer, v1Like())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{1 << 62, 1 << 40, 1 << 24, 1 << 20} {
		for _, body := range [][]byte{
			append([]byte{2}, zigzag(n)...), append([]byte{2}, zigzag(-n)...), append([]byte{2, 0}, zigzag(n)...),
			append([]byte{2, 0, 0}, zigzag(n)...), append([]byte{2, 2}, append(zigzag(n), 'x')...),
		} {
			for name, decode := range map[string]func() error{
				"any":      func() error { var v any; _, err := writer.Decode(body, &v); return err },
				"resolved": func() error { var v orderV1; _, err := idOnly.Decode(body, &v); return err },
			} {
				if c := measure(decode); c.hung || c.err == nil || c.alloc > 64<<10 {
					t.Errorf("%s %x: %+v", name, body, c)
				}
			}
		}
	}

	// Deep recursion: an error, not a stack overflow.
	node := tavro.MustParse(`{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}`)
	deep := append(bytes.Repeat([]byte{0x02, 0x02}, 100_000), 0x02, 0x00)
	c = measure(func() error { var v any; _, err := node.Decode(deep, &v); return err })
	t.Logf("100,000 nested records: %+v", c)
	if c.hung || c.err == nil {
		t.Errorf("deep: %+v", c)
	}
	var sb *tavro.ShortBufferError
	_, err = node.Decode([]byte{2, 2}, new(any))
	t.Logf("truncated input: %v (ShortBufferError: %v)", err, errors.As(err, &sb))
}

func v1Like() *tavro.Schema {
	return tavro.MustParse(`{"type":"record","name":"R","fields":[{"name":"id","type":"long"}]}`)
}
