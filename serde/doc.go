// Package serde is the format-independent heart of srkit: Confluent's wire
// format, subject-name strategies, and the generic [Serializer] and
// [Deserializer] that every schema format (avro, protobuf, jsonschema) plugs
// into.
//
// # Wire format
//
// A Confluent-framed message names its writer schema in one of three ways:
//
//	payload:  0x00 | schema ID (4 bytes, big-endian) | [message indexes] | body
//	payload:  0x01 | schema GUID (16 bytes)          | [message indexes] | body
//	header:   __value_schema_id / __key_schema_id = 0x01 | GUID | [message indexes]; payload = body
//
// Message indexes (Protobuf only) locate the message type in its .proto file:
// a zig-zag varint count and one zig-zag varint per index, with [0] written as
// the single byte 0. [ParseSchemaRef], [AppendSchemaRef],
// [ParseMessageIndexes] and [AppendMessageIndexes] read and write these
// forms without panicking on any input.
//
// # Serializers and deserializers
//
// A format supplies a small codec ([WriterCodec], [ReaderCodec]): the schema
// for a Go type, and an [Encoder] or [Decoder] compiled for one schema.
// [Serializer] does the rest once per topic and schema: choose the subject
// ([SubjectNameStrategy]), register or look up the schema (or take a fixed
// ID, or the latest version), precompute the schema reference. From then on
// serializing a message is: one lock-free cache lookup, append the
// precomputed prefix, append the codec's body. Deserializing is: parse the
// reference, one lock-free lookup of the compiled decoder, decode.
//
// Options ([SerializerOption], [DeserializerOption], [Option]) configure
// both; format packages accept them in their constructors.
//
// # Data-contract rules
//
// The serializer and deserializer carry each writer schema's rule set along
// with the compiled codec; the rule engine (domain, migration and encoding
// phases) plugs in at the points marked in [Serializer.AppendSerialize] and
// [Deserializer.DeserializeInto].
package serde
