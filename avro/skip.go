package avro

import (
	"fmt"
	"math"

	havro "github.com/hamba/avro/v2"
)

// binReader reads Avro binary values from a byte slice. It never panics;
// the first error sticks and later reads return zero values.
type binReader struct {
	b   []byte
	pos int
	err error
}

func (r *binReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidData}, args...)...)
	}
}

// long reads a zig-zag varint (int and long share the encoding).
func (r *binReader) long() int64 {
	var v uint64
	for i := range 10 {
		if r.pos >= len(r.b) {
			r.fail("unexpected end of data at byte %d", r.pos)
			return 0
		}
		c := r.b[r.pos]
		r.pos++
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return int64(v>>1) ^ -int64(v&1)
		}
	}
	r.fail("varint longer than 10 bytes at byte %d", r.pos)
	return 0
}

// int reads an int as Avro's Java decoder and hamba do: at most 5 bytes,
// bits beyond 32 dropped.
func (r *binReader) int() int32 {
	var v uint32
	for i := range 5 {
		if r.pos >= len(r.b) {
			r.fail("unexpected end of data at byte %d", r.pos)
			return 0
		}
		c := r.b[r.pos]
		r.pos++
		v |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			return int32(v>>1) ^ -int32(v&1)
		}
	}
	r.fail("int varint longer than 5 bytes at byte %d", r.pos)
	return 0
}

// take returns the next n bytes.
func (r *binReader) take(n int64) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > int64(len(r.b)-r.pos) {
		r.fail("length %d exceeds the %d bytes left at byte %d", n, len(r.b)-r.pos, r.pos)
		return nil
	}
	b := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b
}

// blockCount reads an array or map block header and returns its item count
// (0 ends the value). A negative count is followed by the block's byte
// size, which is skipped.
func (r *binReader) blockCount() int64 {
	n := r.long()
	if n < 0 {
		if n == math.MinInt64 {
			r.fail("invalid block count")
			return 0
		}
		n = -n
		r.long()
	}
	return n
}

// skipValue reads past one value of schema s, enforcing the nesting and
// array-length limits.
func skipValue(s havro.Schema, r *binReader, depth, maxDepth, maxItems int) {
	if r.err != nil {
		return
	}
	switch t := deref(s).(type) {
	case *havro.NullSchema:
	case *havro.PrimitiveSchema:
		switch t.Type() {
		case havro.Boolean:
			r.take(1)
		case havro.Int:
			r.int()
		case havro.Long:
			r.long()
		case havro.Float:
			r.take(4)
		case havro.Double:
			r.take(8)
		case havro.Bytes, havro.String:
			r.take(r.long())
		}
	case *havro.RecordSchema:
		if depth >= maxDepth {
			r.fail("value nests deeper than %d records", maxDepth)
			return
		}
		for _, f := range t.Fields() {
			skipValue(f.Type(), r, depth+1, maxDepth, maxItems)
		}
	case *havro.EnumSchema:
		if i := r.int(); r.err == nil && (i < 0 || int(i) >= len(t.Symbols())) {
			r.fail("enum %s index %d out of range", t.FullName(), i)
		}
	case *havro.FixedSchema:
		r.take(int64(t.Size()))
	case *havro.ArraySchema:
		skipBlocks(r, maxItems, func() { skipValue(t.Items(), r, depth, maxDepth, maxItems) })
	case *havro.MapSchema:
		skipBlocks(r, maxItems, func() {
			r.take(r.long())
			skipValue(t.Values(), r, depth, maxDepth, maxItems)
		})
	case *havro.UnionSchema:
		i := r.int()
		if r.err != nil {
			return
		}
		if i < 0 || int(i) >= len(t.Types()) {
			r.fail("union branch %d out of range", i)
			return
		}
		skipValue(t.Types()[i], r, depth, maxDepth, maxItems)
	}
}

func skipBlocks(r *binReader, maxItems int, item func()) {
	total := int64(0)
	for r.err == nil {
		n := r.blockCount()
		if n == 0 || r.err != nil {
			return
		}
		if total += n; total > int64(maxItems) {
			r.fail("more than %d items", maxItems)
			return
		}
		for range n {
			item()
			if r.err != nil {
				return
			}
		}
	}
}
