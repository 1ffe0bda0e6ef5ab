// Package protobuf serializes and deserializes Protobuf messages in
// Confluent's wire format, through a Schema Registry, byte for byte as
// Confluent's serializers do; and it parses Protobuf schemas and checks
// their compatibility for the mock registry.
//
// # Go types
//
// [NewSerializer] and [NewDeserializer] take the message type T:
//
//   - a generated message type (*pb.Order, from protoc-gen-go): one
//     schema, computed once when the serializer first meets the type;
//   - proto.Message (or another interface that *dynamicpb.Message
//     implements, or *dynamicpb.Message itself): a serializer writes
//     messages of any type, each under the schema of its own file (the
//     message descriptor is the cache key); a deserializer returns dynamic
//     messages (dynamicpb) built from the writer schema fetched from the
//     registry, so no generated code is needed. Generated types linked into
//     the program are deliberately not looked up: the result's type depends
//     on the data, not on what the binary happens to import.
//
// Other types are rejected by the constructors.
//
// # Schemas and references
//
// The schema a serializer registers is the message's .proto file, printed
// from its descriptor as Confluent's Go serializer prints it (jhump
// protoprint, no comments), so that Go, Java and other clients agree on the
// text and find each other's schema IDs. Each imported file is registered
// first under its own subject — the import path by default,
// [QualifiedReferenceSubjects] or serde.WithReferenceSubjectNameStrategy
// otherwise — and referenced by name (its import path), subject and version;
// recursively, plain imports before public ones. Builtins are never
// registered: google/protobuf/*, google/type/* and confluent/* (see
// [IsKnownDependency]). With serde.AutoRegister(false) the files are looked
// up instead; with serde.UseLatest, serde.UseLatestWithMetadata or
// serde.UseSchemaID nothing is registered and the message is found by full
// name in the registered schema.
//
// # Message indexes
//
// Every payload names its message by its path in the file: the index of the
// top-level message, then of each nested message down to it, enums and
// map-entry types not counted (Confluent's Java ProtobufSchema; see
// [MessageIndexes]). The serializer computes the path once per type;
// the deserializer resolves it against the writer schema, and a path that
// names no message is an [ErrUnknownMessage] error, never a panic. With
// serde.HeaderGUID placement the indexes travel in the header value.
//
// # Reading schemas
//
// A deserializer fetches each writer schema once, with its references,
// compiles it (github.com/bufbuild/protocompile, in memory: references by
// name, builtins from the linked well-known types, confluentpb and bundled
// google/type sources) and keeps the descriptor; nothing is registered in
// the process-wide protoregistry. The registry's "serialized" format (a
// base64 FileDescriptorProto) is understood wherever .proto text is; see
// [FetchSerialized] and [RegisterSerialized].
//
// # Options
//
// Besides the serde options: [RegisterSerialized], [Deterministic],
// [WithSchema] and [QualifiedReferenceSubjects] for serializers;
// [FetchSerialized] and [SkipTypeCheck] for deserializers.
//
// # Confluent metadata
//
// [FieldMeta], [FieldTags], [MessageMeta], [FileMeta], [EnumMeta] and
// [EnumValueMeta] read the (confluent.field_meta) and related options of
// confluent/meta.proto (Go types in package confluentpb) from generated and
// compiled descriptors alike; data-contract rules select fields by these
// tags.
//
// # Compatibility
//
// [Format] is the compat.Format the mock registry uses: it validates
// schemas (an invalid schema or a missing reference is an error matching
// [ErrInvalidSchema]) and applies Confluent's Protobuf compatibility rules
// ([Compare], [CompatibleChanges]): changed field numbers' types outside the
// wire-compatible groups, removed messages, fields moved into oneofs,
// removed oneof fields, package changes, required fields added or removed
// ... reported as Confluent's verbose messages, e.g.
// Difference{fullPath='#/Order/2', type=FIELD_SCALAR_KIND_CHANGED}.
//
// # Performance
//
// Printing and parsing .proto text happen once per type and per writer
// schema, never per message. Measured here (2 cores shared with other
// work, so the best of 6 runs of 1 s each; -benchmem; the representative
// message of the project's performance notes, 251 bytes), serializing and
// deserializing cost what plain proto.Marshal and proto.Unmarshal cost:
//
//	BenchmarkProtoMarshal             1.86 µs   512 B  13 allocs
//	BenchmarkProtobufSerialize        1.90 µs   520 B  14 allocs   1.02× raw
//	BenchmarkProtoMarshalAppend       1.54 µs   192 B  12 allocs
//	BenchmarkProtobufAppendSerialize  1.62 µs   194 B  12 allocs   1.05× raw
//	BenchmarkProtoUnmarshal           2.80 µs  1464 B  41 allocs
//	BenchmarkProtobufDeserialize      2.61 µs  1488 B  42 allocs   0.93× raw
//
// A CPU profile of Deserialize puts 94% of its time in proto.Unmarshal and
// the new message, 4% in parsing the prefix and the lock-free lookup of the
// decoder. The extra allocation of Serialize is the wire prefix written into
// a nil buffer (AppendSerialize into a reused buffer avoids it). Dynamic
// messages (dynamicpb) decode about 4× slower than generated ones, which is
// dynamicpb's own cost.
package protobuf
