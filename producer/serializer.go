package producer

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/serde"
)

// Serializer turns values of T into record bytes. *serde.Serializer[T] (what
// avro.NewSerializer, protobuf.NewSerializer and jsonschema.NewSerializer
// return) satisfies it; so do [String], [Bytes] and any [SerializerFunc].
//
// AppendSerialize appends the bytes for v to dst and returns the extended
// slice, plus the record headers to send with them (the schema GUID header
// when the serializer writes the schema reference there; nil otherwise). The
// producer keeps dst for the next record once Kafka has acknowledged this
// one, so AppendSerialize must not retain dst, and must not modify the
// headers it returned before. A nil result is a tombstone (a null key or
// value); an empty value must be returned as a non-nil empty slice.
type Serializer[T any] interface {
	AppendSerialize(ctx context.Context, dst []byte, topic string, v T) ([]byte, []serde.Header, error)
}

// SerializerFunc adapts a function to [Serializer].
type SerializerFunc[T any] func(ctx context.Context, dst []byte, topic string, v T) ([]byte, []serde.Header, error)

// AppendSerialize calls f.
func (f SerializerFunc[T]) AppendSerialize(ctx context.Context, dst []byte, topic string, v T) ([]byte, []serde.Header, error) {
	return f(ctx, dst, topic, v)
}

// String returns a serializer that writes strings as their UTF-8 bytes, with
// no schema: the usual choice for plain string keys.
func String() Serializer[string] { return stringSerializer{} }

type stringSerializer struct{}

// AppendSerialize implements Serializer.
func (stringSerializer) AppendSerialize(_ context.Context, dst []byte, _ string, v string) ([]byte, []serde.Header, error) {
	dst = append(dst, v...)
	if dst == nil {
		dst = []byte{}
	}
	return dst, nil, nil
}

// Bytes returns a serializer that writes byte slices as they are, with no
// schema: for keys or values serialized beforehand. A nil slice is a
// tombstone. The producer hands the slice itself to kgo, without copying:
// do not modify it until Kafka has acknowledged the record (Produce has
// returned, or ProduceAsync's callback has run).
func Bytes() Serializer[[]byte] { return bytesSerializer{} }

type bytesSerializer struct{}

// rawBytes is *v, a key or value of a producer whose serializer is
// [Bytes]: T is []byte (bytesSerializer implements Serializer[[]byte]
// only), and the value is sent as it is, without copying.
func rawBytes[T any](v *T) []byte { return *any(v).(*[]byte) }

// AppendSerialize implements Serializer.
func (bytesSerializer) AppendSerialize(_ context.Context, dst []byte, _ string, v []byte) ([]byte, []serde.Header, error) {
	if v == nil {
		return nil, nil, nil
	}
	dst = append(dst, v...)
	if dst == nil {
		dst = []byte{}
	}
	return dst, nil, nil
}

// Header is a Kafka record header: franz-go's kgo.RecordHeader.
type Header = kgo.RecordHeader
