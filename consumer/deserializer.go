package consumer

import (
	"context"

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

// intoDeserializer is implemented by deserializers that decode into a value
// the caller provides, as *serde.Deserializer[T]'s DeserializeInto does.
type intoDeserializer[T any] interface {
	DeserializeInto(ctx context.Context, topic string, payload []byte, headers []serde.Header, v *T) error
}

// scratch holds the key and value one goroutine decodes into; they are
// zero between records.
type scratch[K, V any] struct {
	key   K
	value V
}

// deserialize decodes payload with d. When d can decode into a value the
// caller provides (into is d's DeserializeInto), it decodes into the
// goroutine's scratch value and copies the result out: a value returned
// through an interface, as Deserialize returns it, escapes to the heap,
// one allocation per record. The scratch value is zero before each decode,
// as Deserialize's own would be, so nothing of an earlier record (a slice,
// a map, a message) is reused, and zero again after, so that it holds on
// to nothing.
func deserialize[T any](ctx context.Context, d Deserializer[T], into intoDeserializer[T], scratch *T, topic string, payload []byte, headers []serde.Header) (T, error) {
	if into == nil {
		return d.Deserialize(ctx, topic, payload, headers)
	}
	err := into.DeserializeInto(ctx, topic, payload, headers, scratch)
	v := *scratch
	var zero T
	*scratch = zero
	return v, err
}
