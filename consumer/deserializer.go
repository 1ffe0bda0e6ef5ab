package consumer

import (
	"context"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/serde"
)

// Deserializer turns record bytes back into values of T.
// *serde.Deserializer[T] (what avro.NewDeserializer, protobuf.NewDeserializer
// and jsonschema.NewDeserializer return) satisfies it; so do [String],
// [Bytes] and any [DeserializerFunc].
//
// Deserialize gets the record's headers (where the schema GUID may travel)
// and must not retain payload or headers beyond the call unless it copies
// them. A nil payload is a tombstone.
type Deserializer[T any] interface {
	Deserialize(ctx context.Context, topic string, payload []byte, headers []serde.Header) (T, error)
}

// DeserializerFunc adapts a function to [Deserializer].
type DeserializerFunc[T any] func(ctx context.Context, topic string, payload []byte, headers []serde.Header) (T, error)

// Deserialize calls f.
func (f DeserializerFunc[T]) Deserialize(ctx context.Context, topic string, payload []byte, headers []serde.Header) (T, error) {
	return f(ctx, topic, payload, headers)
}

// String returns a deserializer that reads record bytes as UTF-8 text, with
// no schema: the usual choice for plain string keys.
func String() Deserializer[string] { return stringDeserializer{} }

type stringDeserializer struct{}

// Deserialize implements Deserializer.
func (stringDeserializer) Deserialize(_ context.Context, _ string, payload []byte, _ []serde.Header) (string, error) {
	return string(payload), nil
}

// Bytes returns a deserializer that hands the record bytes over as they are
// (they alias the fetched record; no copy), with no schema.
func Bytes() Deserializer[[]byte] { return bytesDeserializer{} }

type bytesDeserializer struct{}

// Deserialize implements Deserializer.
func (bytesDeserializer) Deserialize(_ context.Context, _ string, payload []byte, _ []serde.Header) ([]byte, error) {
	return payload, nil
}

// The compiler checks that serde.Header and kgo.RecordHeader keep the same
// shape (identical underlying types), which makes serdeHeaders sound.
var _ = serde.Header(kgo.RecordHeader{})

// serdeHeaders views a record's headers as serde headers, without copying:
// the two types have identical underlying types, so identical layouts.
func serdeHeaders(hs []kgo.RecordHeader) []serde.Header {
	if len(hs) == 0 {
		return nil
	}
	return unsafe.Slice((*serde.Header)(unsafe.Pointer(unsafe.SliceData(hs))), len(hs))
}
