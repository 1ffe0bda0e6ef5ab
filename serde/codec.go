package serde

import (
	"context"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// ResolvedSchema is a schema with everything a format needs to compile it:
// its text, its registry identity when it has one (ID 0 otherwise), and the
// schemas it references, resolved transitively.
type ResolvedSchema struct {
	registry.SubjectSchema
	// Deps holds every referenced schema, directly or not, dependencies
	// before the schemas that use them.
	Deps []compat.Dependency
}

// Encoder writes values of T in one writer schema. A format builds one per
// writer schema; the serializer calls it for every message, from many
// goroutines at once.
type Encoder[T any] interface {
	// AppendEncode appends the format body for v (no schema reference) to
	// dst and returns the extended slice.
	AppendEncode(dst []byte, v T) ([]byte, error)
}

// Decoder reads values of T from bodies written in one writer schema. A
// format builds one per writer (and reader) schema; the deserializer calls it
// for every message, from many goroutines at once.
type Decoder[T any] interface {
	// Decode reads body (the format body, without schema reference) into v.
	// It must not retain body.
	Decode(body []byte, v *T) error
}

// ValueDecoder is a [Decoder] that can also return a new value instead of
// filling one. [Deserializer.Deserialize] uses it when the decoder offers
// it: decoding into a T of its own would cost the deserializer a heap
// allocation of that T (a Protobuf message pointer, say) besides the value
// itself.
type ValueDecoder[T any] interface {
	Decoder[T]
	// DecodeValue reads body into a new value. It must not retain body.
	DecodeValue(body []byte) (T, error)
}

// WriterCodec is what a schema format supplies to [NewSerializer] for Go
// type T. Only the encoders it returns run per message; its own methods run
// once per topic and schema.
type WriterCodec[T any] interface {
	// SchemaType names the format.
	SchemaType() registry.SchemaType

	// UsesMessageIndexes reports whether the wire format carries message
	// indexes after the schema reference (Protobuf).
	UsesMessageIndexes() bool

	// SchemaKey returns a comparable value that tells apart the schemas the
	// codec writes values of T with: a constant when T has one schema (most
	// types), the message descriptor for a proto.Message interface type. The
	// serializer caches per topic and key; SchemaKey runs per message and
	// must be cheap and allocation-free.
	SchemaKey(v T) any

	// Schema returns the schema the serializer registers or looks up for
	// values with v's key, and the fully-qualified name of its top-level type
	// for record-name strategies (empty if it has none). A codec that owns
	// referenced schemas (Protobuf imports) registers them first and returns
	// the references and Deps.
	Schema(ctx context.Context, v T) (schema *ResolvedSchema, recordName string, err error)

	// Encoder compiles an encoder for values like v in writer, which is
	// either what Schema returned or a schema from the registry (fixed ID,
	// latest version). It also returns the message indexes that name v's
	// type in writer (nil for formats without them).
	Encoder(ctx context.Context, writer *ResolvedSchema, v T) (Encoder[T], []int, error)
}

// ReaderCodec is what a schema format supplies to [NewDeserializer] for Go
// type T. Only the decoders it returns run per message.
type ReaderCodec[T any] interface {
	// SchemaType names the format.
	SchemaType() registry.SchemaType

	// UsesMessageIndexes reports whether the wire format carries message
	// indexes after the schema reference (Protobuf).
	UsesMessageIndexes() bool

	// RecordName returns the fully-qualified name of the type that data
	// written in writer with the given message indexes holds, for
	// record-name strategies; empty if it has none.
	RecordName(writer *ResolvedSchema, indexes []int) (string, error)

	// Decoder compiles a decoder for data written in writer (with the given
	// message indexes) into T. reader is nil unless the deserializer reads
	// into a registered schema (use latest, latest with metadata); then the
	// decoder resolves writer data into reader where the format can.
	Decoder(ctx context.Context, writer *ResolvedSchema, indexes []int, reader *ResolvedSchema) (Decoder[T], error)
}
