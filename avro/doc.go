// Package avro reads and writes Avro messages in Confluent's wire format,
// with schemas from a Schema Registry, on top of github.com/hamba/avro/v2.
//
//	s, _ := avro.NewSerializer[Order](client, serde.Value)   // schema derived from Order
//	payload, headers, _ := s.Serialize(ctx, "orders", order)
//
//	d, _ := avro.NewDeserializer[Order](client, serde.Value)
//	order, _ = d.Deserialize(ctx, "orders", payload, headers)
//
// # Go types
//
// Specific values are Go structs with avro tags (`avro:"name"`), as hamba
// maps them: records, enums as strings, fixed as [N]byte, nullable unions
// as pointers, arrays as slices, maps as map[string]X, and the logical
// types: decimal (bytes or fixed) as *big.Rat, uuid as string, date,
// timestamp-millis, timestamp-micros, local-timestamp-millis and
// local-timestamp-micros as time.Time, time-millis and time-micros as
// time.Duration, duration as avro.LogicalDuration (hamba's).
// timestamp-nanos and local-timestamp-nanos are int64 nanoseconds: hamba,
// and so Confluent's Go serializer, reads them as plain longs (its
// canonical form, [CanonicalSchemaText], drops the logical type); a
// time.Time field for one is refused by the constructor. A
// union of several non-null types is an any field: it holds generic values
// ({"ns.Name": map[string]any{...}} for a named branch), or Go values of the
// named types mapped with [WithUnionType]. Recursive records (a *Node field
// in Node) work both ways.
//
// The schema of a specific type is, in this order: the one given with
// [WithSchema]; the one its Schema() method returns ([Schemer]: a method
// Schema() returning hamba's avro.Schema, as Confluent's Go serializer
// avrov2 expects; a Schema method of any other signature, such as one
// returning this package's Schema, makes the constructors fail rather than
// be ignored); or the one derived from the Go type ([DeriveSchema]; records
// are named by an AvroName method, [Named]). Primitives derive too: a
// Serializer[string] registers "string".
//
// Generic values are hamba's: map[string]any for records and maps, []any,
// primitives, time.Time, *big.Rat, [N]byte; a union is its value for
// primitive branches and {"type name": value} for the others. Generic T
// (any, map[string]any) needs a schema: WithSchema, or the registered one
// with serde.UseLatest, serde.UseLatestWithMetadata or serde.UseSchemaID.
//
// # Reading
//
// A deserializer reads each message with its writer schema, fetched once
// per schema ID (or GUID) and compiled once. When there is a reader schema
// (T's own, from WithSchema or a Schema method, else the subject's latest
// with serde.UseLatest) and it differs from the writer's, the data is
// resolved into it following Avro's rules: fields by name and alias, reader
// defaults for fields the writer lacks, writer-only fields skipped, int →
// long → float → double, string ↔ bytes, enum symbols by name with the
// reader's default for unknown ones, union branches by type. Resolution
// uses hamba's SchemaCompatibility.Resolve; for recursive schemas, which it
// cannot handle, writer schemas with a null outside a union, which its
// decoders cannot skip, and the few resolutions it refuses, the writer's
// bytes are rewritten into the reader's encoding first. A struct without a schema of
// its own reads the writer schema directly: fields match by name, writer
// fields the struct lacks are skipped.
//
// Decoded values never alias the payload. hamba does hand out short
// strings and bytes (up to 1 KiB) from a shared allocation slab, and a
// decoded []byte keeps the slab's spare capacity: appending to it in place
// would overwrite strings decoded after it. Clip or copy a decoded []byte
// before appending to it (slices.Clip, bytes.Clone).
//
// # Data-contract rules
//
// Serializers and deserializers run a schema's rules (serde's rule engine,
// executors from package rules and package encryption) on Avro values, typed
// or generic. Whole-message rules (CEL) see the message in hamba's generic
// form, map[string]any by Avro field names; field rules (CEL_FIELD,
// ENCRYPT) visit the leaf fields whose tags match: a field's full name is
// its record's full name and its name ("io.example.Customer.email"), its
// tags are its confluent:tags property merged with the schema's
// metadata.tags whose path patterns match the full name, and a nullable or
// union field is visited as the branch present (NULL when null). As in
// Confluent's Java client, a tag on a field holding records (directly, in
// an array, a map or a union) reaches the primitive fields of those records
// whose own tags miss the rule's: they are visited as the tagged field (its
// name and tags, their own types), so ENCRYPT encrypts their strings and
// bytes and refuses to write other primitives (encryption.ErrFieldType).
// Written values are never modified: changed fields are set in copies. Migration
// rules (JSONATA) rewrite the message's JSON form: hamba's generic form as
// JSON, bytes and fixed as base64, decimals as strings.
//
// # Confluent conventions
//
//   - A top-level "bytes" value is written raw, without the length prefix,
//     and read as the rest of the payload (T = []byte or any).
//   - Arrays and maps are written as hamba writes them (blocks with byte
//     sizes, as Confluent's Go serializer does) and read whether their
//     blocks carry sizes or not (Java writes none).
//   - The registered schema is the full schema: the text given with
//     [WithSchema], the JSON of a Schema method's schema, or the derived
//     text ([DeriveSchema], where pointer fields default to null), with
//     docs, defaults, aliases, logical types and custom properties (such
//     as confluent:tags). That keeps a subject evolvable under BACKWARD
//     compatibility: a new field needs its default in the registered
//     schema. [CanonicalSchemaText] registers hamba's canonical form, which
//     drops all of those, instead: the exact text Confluent's Go serializer
//     registers, for subjects shared with it. A derived schema without
//     pointer fields is that text either way. A schema with references is
//     always registered as given.
//   - References: named types from other subjects (reference name = the
//     type's full name) are fetched through the registry and parsed with a
//     schema cache of the serializer's own, never hamba's global one.
//   - Subject-name strategies see the full name of the top-level record,
//     enum or fixed; primitives have none.
//
// # Schema format
//
// [Format] is the Avro format of package compat, used by the mock registry:
// [Parse] validates like Avro's Java parser (the registry's), Canonical is
// the text the registry stores (Avro's Schema.toString), Normalized its
// normalized form, and CheckRead applies Avro's SchemaCompatibility with
// Confluent's verbose messages. [Compare] returns the incompatibilities as
// values.
//
// # Limits and errors
//
// Errors match [ErrInvalidSchema], [ErrUnsupportedType], [ErrNoSchema],
// [ErrIncompatibleSchemas], [ErrInvalidData] and [ErrInvalidValue] with
// errors.Is. No input makes a deserializer panic or hang.
//
// A deserializer checks every message against its writer schema before
// hamba can allocate or loop on its counts and lengths (in a pass of its
// own that allocates nothing, or, for a typed value read with its writer
// schema, while decoding it): each value must be in the bytes (an array of n items that take at least a byte each needs n
// bytes, a string its length), and per message, over all its arrays,
// maps and strings, the [Limits] hold. A message that breaks one is an
// error matching [ErrInvalidData] and [*LimitError] naming the limit.
// [WithLimits] changes them; the defaults are far above what honest
// messages reach:
//
//   - MaxBytesLen ([DefaultMaxBytesLen], 16 MiB): the longest string or
//     bytes value or map key, and the largest fixed type a schema may
//     declare.
//   - MaxItems ([DefaultMaxItems], 4,194,304): array items and map entries
//     in one message.
//   - MaxZeroWidthItems ([DefaultMaxZeroWidthItems], 65,536): array items
//     of a type that takes no bytes (null, fixed(0), a record of such
//     fields) in one message; only this cap bounds them.
//   - MaxAllocBytes ([DefaultMaxAllocBytes], 256 MiB): the memory decoding
//     one message takes, by an estimate made from its data.
//   - MaxDepth ([DefaultMaxDepth], 10,000): how deeply records nest (in
//     recursive schemas).
//
// # Performance
//
// Everything that depends on T and the schema (reflection, hamba's compiled
// encoder and decoder, resolution, the message check) is built once per
// schema, so that per message a serializer costs hamba's Marshal and a
// deserializer hamba's Unmarshal plus one allocation-free pass over the
// bytes (figures and method in BENCHMARKS.md).
package avro
