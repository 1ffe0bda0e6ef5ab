// Package jsonschema is srkit's JSON Schema format: serializers and
// deserializers of Go values as Confluent-framed JSON, validated against
// JSON Schema, and Confluent Schema Registry's JSON Schema compatibility
// rules for the mock registry and for checking schema changes.
//
// # Serializing and deserializing
//
// [NewSerializer] and [NewDeserializer] build serde.Serializer[T] and
// serde.Deserializer[T] (see package serde for the wire format, subject-name
// strategies and options):
//
//	ser, _ := jsonschema.NewSerializer[Order](client, serde.Value)
//	payload, headers, err := ser.Serialize(ctx, "orders", order)
//
//	de, _ := jsonschema.NewDeserializer[Order](client, serde.Value)
//	order, err := de.Deserialize(ctx, "orders", payload, headers)
//
// T is any type encoding/json handles: structs (json tags apply),
// pointers to them, map[string]any, []any, any. The body is encoding/json's
// output, so maps are written with sorted keys, exactly as
// confluent-kafka-go writes them; a struct whose fields are declared in
// sorted json-name order gives the same bytes as the equivalent map. For
// any, map[string]any and []any the deserializer decodes a body once and
// returns the decoded value (numbers as float64). A T that JSON cannot
// carry (channels, functions, complex numbers, unsupported map keys, and,
// for deserializers, interfaces with methods) is rejected by the
// constructor.
//
// # The writer schema
//
// In order of precedence: a registered schema by ID (serde.UseSchemaID), the
// subject's latest version (serde.UseLatest, serde.UseLatestWithMetadata),
// a schema given as text ([WithSchema], registered as given, with its
// references), or the schema [DeriveSchema] derives from T. Generated schemas
// are what confluent-kafka-go registers for the same type
// (invopop/jsonschema's Reflect with default settings, printed by
// encoding/json), so a Go service using either client registers the same
// schema. When T is an interface type and no schema is given, each value's
// dynamic type gets its own schema, derived once per type.
//
// # Validation
//
// Values are validated against the writer schema before they are written,
// and bodies against their writer schema when they are read; both are on by
// default and switched off with serde.Validate(false). A mismatch is a
// [*ValidationError] (matching [ErrInvalid]) whose Path is the JSON pointer
// of the failing value and whose Err is the validator's full error
// (github.com/santhosh-tekuri/jsonschema/v5). Structs are validated in
// their JSON form (marshalled once, decoded with exact numbers, validated,
// and the marshalled bytes written); generic values (map[string]any, []any)
// are validated as they are when they hold only JSON types.
//
// Before a message is validated it is held to [Limits], in one pass that
// allocates nothing: arrays and objects may nest [DefaultMaxDepth] (128)
// levels deep and the JSON text may be [DefaultMaxBytes] (16 MiB) long.
// Validating a recursive schema costs more the deeper its instance nests,
// so a hostile message is refused with a [*LimitError] (matching
// [ErrInvalid]) instead; [WithLimits] changes the limits.
//
// Each schema is compiled once per serializer or deserializer and writer
// schema ID, by a compiler of its own: drafts 4, 6, 7, 2019-09 and 2020-12
// are chosen by "$schema" (draft-07 without one, as the registry reads
// it). "$ref"s to other subjects are resolved through the registry, by
// reference name ("$ref": "address.json" names the reference called
// "address.json", relative to the base URI mem://input/ or the schema's
// "$id", as Confluent's clients resolve them); the compiler never reads the
// filesystem or the network.
//
// # Compatibility
//
// [Format] is the compat.Format the mock registry uses: [Parse] validates
// schemas (malformed JSON, keywords of the wrong type, unknown drafts,
// unresolvable references are [ErrInvalidSchema]); [Schema.Canonical] and
// [Schema.Normalized] print them as the registry stores them (compact, in
// member order or sorted); [Schema.CheckRead] implements Confluent's
// JSON Schema rules (io.confluent.kafka.schemaregistry.json.diff): open,
// closed and partially open content models for properties and items,
// required properties (with and without defaults), types and nullable
// unions, enums and consts, string, numeric, item and property bounds,
// dependencies, allOf/anyOf/oneOf/not, references. Messages are the
// registry's verbose messages, in the order the registry reports them.
// [Compare] lists every change, compatible or not.
//
// # Tags and fields
//
// [Schema.Fields] lists the properties a schema describes with their
// Confluent field paths ("$.customer.email"), types and inline
// "confluent:tags"; [Field.TagsWith] adds the tags registry metadata
// assigns by path pattern ("**.email"). [Schema.Transform] walks a decoded
// value along the schema and lets a function replace the primitive values
// of tagged fields: the field walker Confluent's data-contract rules
// (field encryption, CEL_FIELD) need.
//
// # Cost
//
// Per message, a serializer or deserializer does the work of encoding/json
// plus one validation with a schema compiled once per writer schema; see
// BENCHMARKS.md for the figures.
package jsonschema
