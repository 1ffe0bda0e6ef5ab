package serde

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/internal/budget"
)

func TestParseSchemaRefID(t *testing.T) {
	payload := []byte{0, 0, 0, 1, 0x2a, 'b', 'o', 'd', 'y'}
	ref, n, err := ParseSchemaRef(payload, NoIndexes)
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
	ref, n, err := ParseSchemaRef(b, ZigzagIndexes)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(b) || ref.Magic != MagicGUID || ref.GUID.String() != "5933d481-eddc-4000-b333-ceecb6de8391" {
		t.Fatalf("got %+v n=%d", ref, n)
	}
	idx, err := ParseMessageIndexes(nil, ref.Indexes, ZigzagIndexes)
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
		indexes IndexEncoding
		want    error
	}{
		{"empty", "", NoIndexes, ErrTruncated},
		{"short id", "000000", NoIndexes, ErrTruncated},
		{"short guid", "01aabbcc", NoIndexes, ErrTruncated},
		{"unknown magic", "7b2261223a317d", NoIndexes, ErrUnknownMagicByte},
		{"magic 2", "020000000001", NoIndexes, ErrUnknownMagicByte},
		{"indexes missing", "0000000001", ZigzagIndexes, ErrTruncated},
		{"negative count", "000000000101", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"count too big", "0000000001feffffff0f", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"indexes cut short", "000000000106", ZigzagIndexes, ErrTruncated},
		{"negative index", "00000000010201", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"bad varint", "0000000001ffffffffffffffffffff01", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"non-minimal count", "00000000018200", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"non-minimal index", "0000000001028000", ZigzagIndexes, ErrInvalidMessageIndexes},
		{"deprecated cut short", "00000000010201", DeprecatedIndexes, ErrTruncated},
		{"deprecated non-minimal", "0000000001810000", DeprecatedIndexes, ErrInvalidMessageIndexes},
		{"deprecated index too big", "000000000101ffffffff0f", DeprecatedIndexes, ErrInvalidMessageIndexes},
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
		idx        []int
		wire       string
		deprecated string // the same path in the deprecated unsigned encoding
	}{
		{[]int{0}, "00", "00"},
		{[]int{1}, "0202", "0101"},
		{[]int{2}, "0204", "0102"},
		{[]int{0, 1}, "040002", "020001"},
		{[]int{2, 0, 3}, "06040006", "03020003"},
		{[]int{2, 1, 0}, "06040200", "03020100"},
		{[]int{200}, "029003", "01c801"},
	}
	for _, c := range cases {
		for _, e := range []struct {
			enc  IndexEncoding
			wire string
		}{{ZigzagIndexes, c.wire}, {DeprecatedIndexes, c.deprecated}} {
			got := hex.EncodeToString(AppendMessageIndexes(nil, c.idx, e.enc))
			if got != e.wire {
				t.Errorf("%v (encoding %d): wire %s, want %s", c.idx, e.enc, got, e.wire)
			}
			b, _ := hex.DecodeString(e.wire)
			back, err := ParseMessageIndexes(nil, b, e.enc)
			if err != nil || !slices.Equal(back, c.idx) {
				t.Fatalf("%s (encoding %d): %v %v", e.wire, e.enc, back, err)
			}
			ref, n, err := ParseSchemaRef(append([]byte{0, 0, 0, 0, 1}, b...), e.enc)
			if err != nil || n != 5+len(b) || !bytes.Equal(ref.Indexes, b) {
				t.Fatalf("%s (encoding %d): ParseSchemaRef = %+v, %d, %v", e.wire, e.enc, ref, n, err)
			}
		}
	}
}

// TestDeprecatedIndexesWithoutOption: deprecated-format indexes read as
// Confluent's fail with an error that says what to do.
func TestDeprecatedIndexesWithoutOption(t *testing.T) {
	b, _ := hex.DecodeString("00000000010101")
	_, _, err := ParseSchemaRef(b, ZigzagIndexes)
	if !errors.Is(err, ErrInvalidMessageIndexes) || !strings.Contains(err.Error(), "UseDeprecatedFormat") {
		t.Fatalf("err = %v, want ErrInvalidMessageIndexes naming the deprecated-format option", err)
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

// wireBudget is what parsing one schema reference may cost: the wire
// format allocates at most the message-index path, a few words per input
// byte.
func wireBudget() budget.Budget {
	b := budget.Default()
	b.AllocBase, b.AllocPerByte = 64<<10, 64
	return b
}

func FuzzParseSchemaRef(f *testing.F) {
	for _, s := range []string{"", "00", "0000000001", "00000000010206", "015933d481eddc4000b333ceecb6de839106040200", "02"} {
		b, _ := hex.DecodeString(s)
		for enc := range DeprecatedIndexes + 1 {
			f.Add(b, uint8(enc))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, enc uint8) {
		indexes := IndexEncoding(enc % 3)
		var (
			ref SchemaRef
			n   int
			err error
		)
		wireBudget().Check(t, "ParseSchemaRef", len(b), func() { ref, n, err = ParseSchemaRef(b, indexes) })
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		if got := AppendSchemaRef(nil, ref); !bytes.Equal(got, b[:n]) {
			t.Fatalf("re-encoding %x gave %x", b[:n], got)
		}
		if indexes != NoIndexes {
			idx, err := ParseMessageIndexes(nil, ref.Indexes, indexes)
			if err != nil {
				t.Fatalf("validated indexes fail to parse: %v", err)
			}
			if got := AppendMessageIndexes(nil, idx, indexes); !bytes.Equal(got, ref.Indexes) && !(len(idx) == 1 && idx[0] == 0) {
				t.Fatalf("indexes %x re-encode as %x", ref.Indexes, got)
			}
		}
	})
}

func FuzzParseMessageIndexes(f *testing.F) {
	for _, s := range []string{"00", "0202", "06040006", "01", "ff"} {
		b, _ := hex.DecodeString(s)
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, deprecated bool) {
		enc := indexEncoding(true, deprecated)
		var (
			idx []int
			err error
		)
		wireBudget().Check(t, "ParseMessageIndexes", len(b), func() { idx, err = ParseMessageIndexes(nil, b, enc) })
		if err != nil {
			return
		}
		for _, i := range idx {
			if i < 0 {
				t.Fatalf("negative index %d", i)
			}
		}
		// Re-encoding must parse back to the same path.
		back, err := ParseMessageIndexes(nil, AppendMessageIndexes(nil, idx, enc), enc)
		if err != nil || len(back) != len(idx) {
			t.Fatalf("%v -> %v %v", idx, back, err)
		}
	})
}

func BenchmarkParseSchemaRef(b *testing.B) {
	payload := []byte{0, 0, 0, 1, 0x2a, 0, 'b', 'o', 'd', 'y'}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseSchemaRef(payload, ZigzagIndexes); err != nil {
			b.Fatal(err)
		}
	}
}
