package consumer

import (
	"context"

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

// intoDeserializer is implemented by deserializers that decode into a value
// the caller provides, as *serde.Deserializer[T]'s DeserializeInto does.
type intoDeserializer[T any] interface {
	DeserializeInto(ctx context.Context, topic string, payload []byte, headers []serde.Header, v *T) error
}

// part is how one part of a record (its key or its value) is deserialized:
// chosen once, in New, so that a record pays for one branch and at most one
// call through an interface.
type part[T any] struct {
	d Deserializer[T] // nil: the part is always the zero T
	// into is d's DeserializeInto, if it has one: it decodes into the
	// Record the consumer holds, where a value returned through an
	// interface would escape to the heap (one allocation per record).
	into intoDeserializer[T]
	// bytes and text: d is [Bytes] (T is []byte) or [String] (T is
	// string), done here without a call.
	bytes, text bool
}

func newPart[T any](d Deserializer[T]) part[T] {
	p := part[T]{d: d}
	switch any(d).(type) {
	case bytesDeserializer:
		p.bytes = true
	case stringDeserializer:
		p.text = true
	default:
		p.into, _ = d.(intoDeserializer[T])
	}
	return p
}

// decode sets *dst to payload, r's key or value, deserialized. It is small
// enough to be inlined: [Bytes] and a missing deserializer cost no call.
func (p *part[T]) decode(ctx context.Context, r *kgo.Record, payload []byte, dst *T) error {
	switch {
	case p.bytes:
		// T is []byte: bytesDeserializer implements Deserializer[[]byte] only.
		*any(dst).(*[]byte) = payload
		return nil
	case p.d == nil:
		return nil
	}
	return p.call(ctx, r, payload, dst)
}

// call is decode through the deserializer. With DeserializeInto, *dst is
// zeroed first, as Deserialize's own value would be, so that nothing of an
// earlier record (a slice, a map, a message) is reused.
func (p *part[T]) call(ctx context.Context, r *kgo.Record, payload []byte, dst *T) error {
	if p.text {
		*any(dst).(*string) = string(payload)
		return nil
	}
	hs := serde.HeadersFrom(r.Headers)
	if p.into != nil {
		var zero T
		*dst = zero
		return p.into.DeserializeInto(ctx, r.Topic, payload, hs, dst)
	}
	v, err := p.d.Deserialize(ctx, r.Topic, payload, hs)
	*dst = v
	return err
}
