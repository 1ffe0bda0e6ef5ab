package serde

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// Magic bytes that start a schema reference.
const (
	// MagicID starts a 4-byte big-endian schema ID (5 bytes in all).
	MagicID byte = 0
	// MagicGUID starts a 16-byte schema GUID (17 bytes in all).
	MagicGUID byte = 1
)

// Record header names that carry a schema GUID when it is not in the payload.
const (
	KeySchemaIDHeader   = "__key_schema_id"
	ValueSchemaIDHeader = "__value_schema_id"
)

// maxMessageIndexes bounds the message-index path length a reader accepts:
// Protobuf nesting deeper than this is not a schema anyone registers, and the
// bound keeps a hostile count from allocating.
const maxMessageIndexes = 256

// GUID is a schema GUID in RFC 4122 byte order, as it travels on the wire.
type GUID [16]byte

// ParseGUID parses the registry's textual GUID form
// ("6db60d7f-ee4a-46f5-9857-ce8458e2a78f").
func ParseGUID(s string) (GUID, error) {
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("serde: invalid GUID %q", s)
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		if _, err := hex.Decode(g[j:j+1], []byte(s[i:i+2])); err != nil {
			return GUID{}, fmt.Errorf("serde: invalid GUID %q", s)
		}
		i += 2
		j++
	}
	return g, nil
}

// String renders g in the registry's textual form.
func (g GUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], g[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], g[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], g[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], g[8:10])
	b[23] = '-'
	hex.Encode(b[24:], g[10:])
	return string(b[:])
}

// Errors of the wire format. Parsing functions wrap them with details; test
// with [errors.Is].
var (
	// ErrUnknownMagicByte: the payload does not start with a magic byte this
	// library knows: it was not written by a Schema Registry serializer.
	ErrUnknownMagicByte = errors.New("serde: unknown magic byte")
	// ErrTruncated: the payload or header ends inside the schema reference or
	// the message indexes.
	ErrTruncated = errors.New("serde: truncated schema reference")
	// ErrInvalidMessageIndexes: the Protobuf message indexes are negative,
	// too many, or malformed varints.
	ErrInvalidMessageIndexes = errors.New("serde: invalid message indexes")
	// ErrMalformedHeader: a schema-ID record header holds more than a schema
	// reference (and, for Protobuf, message indexes).
	ErrMalformedHeader = errors.New("serde: malformed schema-ID header")
)

// SchemaRef is the schema reference found in (or written to) a message: a
// schema ID or a GUID, plus the Protobuf message indexes when the format
// uses them.
type SchemaRef struct {
	// Magic is MagicID or MagicGUID: which of ID and GUID is set.
	Magic byte
	ID    int
	GUID  GUID
	// Indexes is the raw message-index bytes (Protobuf only; empty
	// otherwise). Use [ParseMessageIndexes] to read them.
	Indexes []byte
}

// String renders the reference for error messages: "id 42" or "guid ...".
func (r SchemaRef) String() string {
	if r.Magic == MagicGUID {
		return "guid " + r.GUID.String()
	}
	return fmt.Sprintf("id %d", r.ID)
}

// IndexEncoding says whether Protobuf message indexes follow a schema
// reference, and how they are written.
type IndexEncoding uint8

// Message-index encodings.
const (
	// NoIndexes: the format has no message indexes (Avro, JSON Schema).
	NoIndexes IndexEncoding = iota
	// ZigzagIndexes: Confluent's encoding, zig-zag varints (Java, Go, JS,
	// and Python from 1.8.2 on).
	ZigzagIndexes
	// DeprecatedIndexes: the same layout in unsigned varints, as
	// confluent-kafka-python before 1.8.2 and .NET before 1.8.0 write it
	// (Confluent's use.deprecated.format). [1] is 01 01 here, 02 02 in
	// Confluent's encoding; [0] is the single byte 0 in both.
	DeprecatedIndexes
)

// ParseSchemaRef reads a schema reference from the start of b (a payload or
// a schema-ID header value). enc says whether (and how) Protobuf message
// indexes follow. It returns the reference and the number of bytes it used.
// The returned Indexes alias b. It never panics.
func ParseSchemaRef(b []byte, enc IndexEncoding) (SchemaRef, int, error) {
	var r SchemaRef
	if len(b) == 0 {
		return r, 0, fmt.Errorf("%w: empty payload", ErrTruncated)
	}
	n := 0
	switch b[0] {
	case MagicID:
		if len(b) < 5 {
			return r, 0, fmt.Errorf("%w: %d bytes, a schema ID needs 5", ErrTruncated, len(b))
		}
		r.Magic, r.ID, n = MagicID, int(binary.BigEndian.Uint32(b[1:5])), 5
	case MagicGUID:
		if len(b) < 17 {
			return r, 0, fmt.Errorf("%w: %d bytes, a schema GUID needs 17", ErrTruncated, len(b))
		}
		r.Magic, n = MagicGUID, 17
		copy(r.GUID[:], b[1:17])
	default:
		return r, 0, fmt.Errorf("%w 0x%02x", ErrUnknownMagicByte, b[0])
	}
	if enc != NoIndexes {
		m, err := messageIndexesLen(b[n:], enc)
		if err != nil {
			return SchemaRef{}, 0, err
		}
		r.Indexes = b[n : n+m : n+m]
		n += m
	}
	return r, n, nil
}

// AppendSchemaRef appends the wire form of r (magic byte, ID or GUID, then
// r.Indexes as they are) to dst.
func AppendSchemaRef(dst []byte, r SchemaRef) []byte {
	if r.Magic == MagicGUID {
		dst = append(dst, MagicGUID)
		dst = append(dst, r.GUID[:]...)
	} else {
		dst = append(dst, MagicID, byte(uint32(r.ID)>>24), byte(uint32(r.ID)>>16), byte(uint32(r.ID)>>8), byte(uint32(r.ID)))
	}
	return append(dst, r.Indexes...)
}

// deprecatedHint is added to errors of zig-zag message indexes that would
// have parsed in the deprecated encoding.
const deprecatedHint = " (written in the deprecated unsigned encoding? read with the deprecated-format option, protobuf.UseDeprecatedFormat)"

// readVarint reads one varint of enc from b: the value, the bytes it took
// (0: b ends inside it), and whether its encoding is the shortest one.
func readVarint(b []byte, enc IndexEncoding) (v int64, n int, minimal bool) {
	var buf [binary.MaxVarintLen64]byte
	if enc == DeprecatedIndexes {
		u, n := binary.Uvarint(b)
		if n <= 0 || u > 1<<31-1 {
			return -1, n, false
		}
		return int64(u), n, binary.PutUvarint(buf[:], u) == n
	}
	v, n = binary.Varint(b)
	return v, n, n > 0 && binary.PutVarint(buf[:], v) == n
}

// messageIndexesLen validates the message-index array at the start of b and
// returns its length in bytes. Varints must be minimal, as every writer
// writes them: one path then has one encoding, so that readers can key
// their caches by the raw bytes.
func messageIndexesLen(b []byte, enc IndexEncoding) (int, error) {
	count, n, minimal := readVarint(b, enc)
	if n == 0 {
		return 0, fmt.Errorf("%w: message indexes missing", ErrTruncated)
	}
	if n < 0 || count < 0 || count > maxMessageIndexes || !minimal {
		hint := ""
		if enc == ZigzagIndexes && count < 0 {
			if _, err := messageIndexesLen(b, DeprecatedIndexes); err == nil {
				hint = deprecatedHint
			}
		}
		return 0, fmt.Errorf("%w: count %d%s", ErrInvalidMessageIndexes, count, hint)
	}
	for i := int64(0); i < count; i++ {
		idx, m, minimal := readVarint(b[n:], enc)
		if m == 0 {
			return 0, fmt.Errorf("%w: message indexes cut short", ErrTruncated)
		}
		if m < 0 || idx < 0 || idx > 1<<31-1 || !minimal {
			return 0, fmt.Errorf("%w: index %d", ErrInvalidMessageIndexes, idx)
		}
		n += m
	}
	return n, nil
}

// ParseMessageIndexes decodes a message-index array written in enc (as
// found in SchemaRef.Indexes) and appends the indexes to dst. The single
// byte 0 decodes as [0]: the first message of the file.
func ParseMessageIndexes(dst []int, b []byte, enc IndexEncoding) ([]int, error) {
	if enc == NoIndexes {
		return dst, fmt.Errorf("%w: no message-index encoding given", ErrInvalidMessageIndexes)
	}
	count, n, _ := readVarint(b, enc)
	if n == 0 {
		return dst, fmt.Errorf("%w: message indexes missing", ErrTruncated)
	}
	if n < 0 || count < 0 || count > maxMessageIndexes {
		return dst, fmt.Errorf("%w: count %d", ErrInvalidMessageIndexes, count)
	}
	if count == 0 {
		return append(dst, 0), nil
	}
	for i := int64(0); i < count; i++ {
		idx, m, _ := readVarint(b[n:], enc)
		if m == 0 {
			return dst, fmt.Errorf("%w: message indexes cut short", ErrTruncated)
		}
		if m < 0 || idx < 0 || idx > 1<<31-1 {
			return dst, fmt.Errorf("%w: index %d", ErrInvalidMessageIndexes, idx)
		}
		dst = append(dst, int(idx))
		n += m
	}
	return dst, nil
}

// AppendMessageIndexes appends the wire form of a message-index path in enc
// to dst: [0] is the single byte 0, anything else a varint count followed by
// one varint per index (zig-zag, or unsigned in [DeprecatedIndexes]).
func AppendMessageIndexes(dst []byte, indexes []int, enc IndexEncoding) []byte {
	if len(indexes) == 0 || (len(indexes) == 1 && indexes[0] == 0) {
		return append(dst, 0)
	}
	put := func(dst []byte, v int) []byte { return binary.AppendVarint(dst, int64(v)) }
	if enc == DeprecatedIndexes {
		put = func(dst []byte, v int) []byte { return binary.AppendUvarint(dst, uint64(v)) }
	}
	dst = put(dst, len(indexes))
	for _, i := range indexes {
		dst = put(dst, i)
	}
	return dst
}

// indexEncoding returns the encoding of a serde whose format uses message
// indexes (or not), in the deprecated encoding (or not).
func indexEncoding(uses, deprecated bool) IndexEncoding {
	switch {
	case !uses:
		return NoIndexes
	case deprecated:
		return DeprecatedIndexes
	}
	return ZigzagIndexes
}
