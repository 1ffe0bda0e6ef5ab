package avro

import (
	"fmt"

	"github.com/srkit-go/srkit/serde"
)

// Default decoding limits. They bound what one hostile message can make a
// deserializer do and allocate; no honest message comes near them. Change
// them with [WithLimits].
const (
	// DefaultMaxBytesLen is the longest string or bytes value a
	// deserializer reads, and the largest fixed type it accepts in a
	// schema (16 MiB).
	DefaultMaxBytesLen = 16 << 20
	// DefaultMaxItems is the most array items and map entries one message
	// may hold, counted over all its arrays and maps (4,194,304).
	DefaultMaxItems = 1 << 22
	// DefaultMaxZeroWidthItems is the most array items of a zero-width
	// type (null, fixed(0), a record of zero-width fields: items that take
	// no bytes) one message may hold (65,536).
	DefaultMaxZeroWidthItems = 1 << 16
	// DefaultMaxAllocBytes is the most memory decoding one message may
	// take by the deserializer's estimate (256 MiB).
	DefaultMaxAllocBytes = 256 << 20
	// DefaultMaxDepth is how deeply records may nest in a value (linked
	// lists, trees of a recursive schema) before a deserializer rejects
	// it. Deeper input would exhaust the goroutine stack.
	DefaultMaxDepth = 10_000
)

// Limits bounds what a deserializer accepts from one message. A
// deserializer checks every message against its writer schema, before or
// (typed values read with their writer schema) while decoding it, without
// allocating for it: each value must be present in the bytes (an array of n items of a type that takes at least
// one byte needs at least n bytes), and the message must stay within these
// limits. A message that does not is an error matching [ErrInvalidData]
// (and [*LimitError] with errors.As) that names the limit. Zero fields take
// the defaults.
type Limits struct {
	// MaxBytesLen is the longest string or bytes value, and the largest
	// fixed type a schema may declare. Default [DefaultMaxBytesLen].
	MaxBytesLen int
	// MaxItems is the most array items and map entries in one message,
	// over all its arrays and maps. Default [DefaultMaxItems].
	MaxItems int
	// MaxZeroWidthItems is the most array items of a type that takes no
	// bytes (null, fixed(0), a record of such fields) in one message.
	// Other items are bounded by the bytes they take. Default
	// [DefaultMaxZeroWidthItems].
	MaxZeroWidthItems int
	// MaxAllocBytes is the most memory decoding one message may allocate,
	// by an estimate made from the writer's data: the size of each decoded
	// value as a generic value (strings and bytes by their length, 16
	// bytes a slot, record and map overheads). Typed values take less.
	// Default [DefaultMaxAllocBytes].
	MaxAllocBytes int
	// MaxDepth is how deeply records may nest in a value. Default
	// [DefaultMaxDepth].
	MaxDepth int
}

// DefaultLimits returns the limits a deserializer has without
// [WithLimits].
func DefaultLimits() Limits {
	return Limits{
		MaxBytesLen:       DefaultMaxBytesLen,
		MaxItems:          DefaultMaxItems,
		MaxZeroWidthItems: DefaultMaxZeroWidthItems,
		MaxAllocBytes:     DefaultMaxAllocBytes,
		MaxDepth:          DefaultMaxDepth,
	}
}

// withDefaults returns l with zero or negative fields set to the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	for _, f := range []struct{ v, def *int }{
		{&l.MaxBytesLen, &d.MaxBytesLen},
		{&l.MaxItems, &d.MaxItems},
		{&l.MaxZeroWidthItems, &d.MaxZeroWidthItems},
		{&l.MaxAllocBytes, &d.MaxAllocBytes},
		{&l.MaxDepth, &d.MaxDepth},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// WithLimits sets what a deserializer accepts from one message (see
// [Limits]); zero fields keep their defaults.
//
//	avro.NewDeserializer[Batch](client, serde.Value,
//		avro.WithLimits(avro.Limits{MaxItems: 50_000_000, MaxAllocBytes: 2 << 30}))
func WithLimits(l Limits) serde.Option {
	return newOption(func(s *settings) { s.limits = l.withDefaults() })
}

// LimitError reports a message that exceeds one of the deserializer's
// [Limits]. It matches [ErrInvalidData] with errors.Is.
type LimitError struct {
	// Limit is the name of the Limits field, such as "MaxItems".
	Limit string
	// Max is the limit's value.
	Max int
	// What says what exceeded it.
	What string
}

// Error implements error.
func (e *LimitError) Error() string {
	return fmt.Sprintf("%v: %s exceeds Limits.%s = %d (raise it with avro.WithLimits)", ErrInvalidData, e.What, e.Limit, e.Max)
}

// Is makes a LimitError match ErrInvalidData.
func (e *LimitError) Is(target error) bool { return target == ErrInvalidData }
