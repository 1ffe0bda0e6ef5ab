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
// the types of map fields and proto2 groups not counted (Confluent's Java
// ProtobufSchema reading the registry's text; see [MessageIndexes]). The serializer computes the path once per type;
// the deserializer resolves it against the writer schema, and a path that
// names no message is an [ErrUnknownMessage] error, never a panic. With
// serde.HeaderGUID placement the indexes travel in the header value.
// [UseDeprecatedFormat] reads and writes them in the deprecated unsigned
// encoding of older Python and .NET clients.
//
// # Reading schemas
//
// A deserializer fetches each writer schema once, with its references,
// compiles it (github.com/bufbuild/protocompile, in memory: references by
// name, builtins from the linked well-known types and from bundled
// confluent/* and google/type/* sources, each compiled once, privately)
// and keeps the descriptor — up to serde.CacheCapacity compiled schemas
// per serializer or deserializer (serde.DefaultCacheCapacity by default),
// the least recently used evicted by CLOCK and compiled again when met
// again; nothing is registered in the process-wide protoregistry. The registry's "serialized" format (a base64
// FileDescriptorProto) is understood wherever .proto text is; see
// [FetchSerialized] and [RegisterSerialized]. Fields of a serialized
// descriptor without a json_name (protoc leaves it out of the descriptors it
// embeds in generated code, which confluent-kafka-python registers, and
// Confluent's registry serves format=serialized without it) get protoc's
// default JSON name first.
//
// # Limits
//
// Every schema this package compiles (a writer schema fetched by a
// deserializer, a latest version a serializer writes with, a schema the
// mock registry is sent) is first checked by a linear scan that allocates
// nothing, against [Limits]: the length of the schema and its references
// together ([DefaultMaxSchemaBytes], 1 MiB), their tokens
// ([DefaultMaxSchemaTokens], 256 Ki) and, in each file, how deeply
// brackets nest in .proto text or messages in a serialized descriptor
// ([DefaultMaxSchemaDepth], 64). A schema over a limit is a [*LimitError]
// matching [ErrInvalidSchema] that names the limit; [WithLimits],
// [ParseWithLimits] and [FormatWithLimits] change them.
//
// # Options
//
// Besides the serde options: [RegisterSerialized], [Deterministic],
// [WithSchema] and [QualifiedReferenceSubjects] for serializers;
// [FetchSerialized] and [SkipTypeCheck] for deserializers;
// [UseDeprecatedFormat] and [WithLimits] for both.
//
// # Confluent metadata
//
// [FieldMeta], [FieldTags], [MessageMeta], [FileMeta], [EnumMeta] and
// [EnumValueMeta] read the (confluent.field_meta) and related options of
// confluent/meta.proto into a [Meta] from generated and compiled
// descriptors alike; data-contract rules select fields by these tags.
//
// This package links no generated Go code for Confluent's .proto files
// (confluent/meta.proto, confluent/type/decimal.proto,
// confluent/type/variant.proto) and registers nothing of them
// process-wide, so a program may link confluent-kafka-go's Protobuf serde,
// or its own generated copy of those files, next to srkit. Go types for
// confluent/meta.proto, for code generated from .proto files that import
// it, are confluent-kafka-go's schemaregistry/confluent package (the
// go_package of Confluent's meta.proto; confluent/type/decimal.proto is
// schemaregistry/confluent/types), or a package of the program's own.
//
// # Data-contract rules
//
// The encoders and decoders of schemas with rules offer serde's rule
// engine its view of the messages (serde.RuleCodec), generated and dynamic
// alike: the message itself as the generic form (CEL reads Protobuf
// natively); field walking for CEL_FIELD and ENCRYPT — every leaf field
// (scalars, enums as their symbols, each element of a repeated field, each
// value of a map, the set branch of a oneof; fields with presence that are
// not set are not visited, nor are map keys), named by the schema field's
// full name ("pkg.Order.email"), typed as Confluent's clients type them
// (32-bit integers INT, 64-bit ones LONG, ...), tagged by the schema's
// (confluent.field_meta).tags and its metadata.tags; runtime fields are
// matched with the schema's by number. As in Confluent's clients, a value
// of a map of scalars is handed over as the map field itself: its name and
// tags, typed MAP; so ENCRYPT refuses to write a tagged map
// (encryption.ErrFieldType) and leaves one on read, and CEL_FIELD leaves
// it (no Confluent client encrypts or rewrites those values). The values
// of a map of messages are walked as messages, with their own fields'
// tags. As in Confluent's Java client, a tag on a singular or repeated
// message field reaches the primitive fields directly in its messages:
// those whose own tags miss the rule's are handed over as the message
// field (its name and tags, typed RECORD), so ENCRYPT refuses to write a
// tagged message field (encryption.ErrFieldType) and leaves its values
// on read, and CEL_FIELD leaves them. Field walks are planned once per
// message type, skip subtrees without a wanted tag, and never modify the
// caller's message: the messages on the path to a changed field are
// copied, the rest shared. A message renders as JSON (the DLQ action) and
// migrates (JSONATA) in the JSON form Confluent's clients give it: protojson
// with JSON names and default values. A migrated message is read into the
// reader schema's message of the writer's full name, else its first.
//
// # Compatibility
//
// [Format] is the compat.Format the mock registry uses: it validates
// schemas (an invalid schema or a missing reference is an error matching
// [ErrInvalidSchema]) and applies Confluent's Protobuf compatibility rules
// ([Compare] of a reader and a writer schema, [DifferenceType.Compatible]):
// changed field numbers' types outside the wire-compatible groups, labels
// changed (compared as written in the text, as Confluent does: a proto3
// field without a label has none), removed messages, fields moved into
// oneofs, removed oneof fields, package changes, required fields added or
// removed ... reported as Confluent's verbose messages, e.g.
// Difference{fullPath='#/Order/2', type=FIELD_SCALAR_KIND_CHANGED}.
//
// # Performance
//
// Schemas are printed, registered, fetched and compiled once per type and
// per writer schema, never per message: serializing and deserializing a
// generated message then cost what proto.MarshalAppend and proto.Unmarshal
// cost, within a few percent (figures and method in the repository's
// BENCHMARKS.md).
package protobuf
