package serde

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestParseSchemaRefID(t *testing.T) {
	payload := []byte{0, 0, 0, 1, 0x2a, 'b', 'o', 'd', 'y'}
	ref, n, err := ParseSchemaRef(payload, false)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Magic != MagicID || ref.ID != 298 || n != 5 || len(ref.Indexes) != 0 {
		t.Fatalf("got %+v n=%d", ref, n)
	}
	if got := AppendSchemaRef(nil, ref); !bytes.Equal(got, payload[:5]) {
		t.Fatalf("round trip %x", got)
	}
}

func TestParseSchemaRefGUIDWithIndexes(t *testing.T) {
	// From protobuf_guid_header.json: header value 01 + GUID + indexes [2,1,0].
	b, _ := hex.DecodeString("015933d481eddc4000b333ceecb6de839106040200")
	ref, n, err := ParseSchemaRef(b, true)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(b) || ref.Magic != MagicGUID || ref.GUID.String() != "5933d481-eddc-4000-b333-ceecb6de8391" {
		t.Fatalf("got %+v n=%d", ref, n)
	}
	idx, err := ParseMessageIndexes(nil, ref.Indexes)
	if err != nil || len(idx) != 3 || idx[0] != 2 || idx[1] != 1 || idx[2] != 0 {
		t.Fatalf("indexes %v %v", idx, err)
	}
	if got := AppendSchemaRef(nil, ref); !bytes.Equal(got, b) {
		t.Fatalf("round trip %x want %x", got, b)
	}
}

func TestParseSchemaRefErrors(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		indexes bool
		want    error
	}{
		{"empty", "", false, ErrTruncated},
		{"short id", "000000", false, ErrTruncated},
		{"short guid", "01aabbcc", false, ErrTruncated},
		{"unknown magic", "7b2261223a317d", false, ErrUnknownMagicByte},
		{"magic 2", "020000000001", false, ErrUnknownMagicByte},
		{"indexes missing", "0000000001", true, ErrTruncated},
		{"negative count", "000000000101", true, ErrInvalidMessageIndexes},
		{"count too big", "0000000001feffffff0f", true, ErrInvalidMessageIndexes},
		{"indexes cut short", "000000000106", true, ErrTruncated},
		{"negative index", "00000000010201", true, ErrInvalidMessageIndexes},
		{"bad varint", "0000000001ffffffffffffffffffff01", true, ErrInvalidMessageIndexes},
		{"non-minimal count", "00000000018200", true, ErrInvalidMessageIndexes},
		{"non-minimal index", "0000000001028000", true, ErrInvalidMessageIndexes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := hex.DecodeString(c.in)
			_, _, err := ParseSchemaRef(b, c.indexes)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestMessageIndexes(t *testing.T) {
	cases := []struct {
		idx  []int
		wire string
	}{
		{[]int{0}, "00"},
		{[]int{1}, "0202"},
		{[]int{2}, "0204"},
		{[]int{0, 1}, "040002"},
		{[]int{2, 0, 3}, "06040006"},
		{[]int{2, 1, 0}, "06040200"},
	}
	for _, c := range cases {
		got := hex.EncodeToString(AppendMessageIndexes(nil, c.idx))
		if got != c.wire {
			t.Errorf("%v: wire %s, want %s", c.idx, got, c.wire)
		}
		b, _ := hex.DecodeString(c.wire)
		back, err := ParseMessageIndexes(nil, b)
		if err != nil || len(back) != len(c.idx) {
			t.Fatalf("%s: %v %v", c.wire, back, err)
		}
		for i := range back {
			if back[i] != c.idx[i] {
				t.Fatalf("%s: %v", c.wire, back)
			}
		}
	}
}

func TestGUID(t *testing.T) {
	const s = "6db60d7f-ee4a-46f5-9857-ce8458e2a78f"
	g, err := ParseGUID(s)
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != s {
		t.Fatalf("String() = %s", g)
	}
	for _, bad := range []string{"", "6db60d7f", "6db60d7f-ee4a-46f5-9857-ce8458e2a78g", "6db60d7fxee4a-46f5-9857-ce8458e2a78f"} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("ParseGUID(%q) succeeded", bad)
		}
	}
}

func FuzzParseSchemaRef(f *testing.F) {
	for _, s := range []string{"", "00", "0000000001", "00000000010206", "015933d481eddc4000b333ceecb6de839106040200", "02"} {
		b, _ := hex.DecodeString(s)
		f.Add(b, true)
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, b []byte, indexes bool) {
		ref, n, err := ParseSchemaRef(b, indexes)
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		if got := AppendSchemaRef(nil, ref); !bytes.Equal(got, b[:n]) {
			t.Fatalf("re-encoding %x gave %x", b[:n], got)
		}
		if indexes {
			if _, err := ParseMessageIndexes(nil, ref.Indexes); err != nil {
				t.Fatalf("validated indexes fail to parse: %v", err)
			}
		}
	})
}

func FuzzParseMessageIndexes(f *testing.F) {
	for _, s := range []string{"00", "0202", "06040006", "01", "ff"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := ParseMessageIndexes(nil, b)
		if err != nil {
			return
		}
		for _, i := range idx {
			if i < 0 {
				t.Fatalf("negative index %d", i)
			}
		}
		// Re-encoding must parse back to the same path.
		back, err := ParseMessageIndexes(nil, AppendMessageIndexes(nil, idx))
		if err != nil || len(back) != len(idx) {
			t.Fatalf("%v -> %v %v", idx, back, err)
		}
	})
}

func BenchmarkParseSchemaRef(b *testing.B) {
	payload := []byte{0, 0, 0, 1, 0x2a, 0, 'b', 'o', 'd', 'y'}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseSchemaRef(payload, true); err != nil {
			b.Fatal(err)
		}
	}
}
