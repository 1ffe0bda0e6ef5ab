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
// [*ValidationError] (matching [ErrInvalid]) naming the failing value (a
// JSON pointer into the message), the schema keyword and what is wrong.
// Validation reads the JSON text itself: a serializer validates the bytes
// encoding/json wrote for the value, a deserializer the body before it
// decodes it, so what is validated is exactly what is written or decoded
// (numbers exact, a repeated key by its last member, as encoding/json
// keeps it).
//
// The validator is this package's own, compiled once per schema: drafts 4,
// 6, 7, 2019-09 and 2020-12 with the official test suite's results
// (testdata/json-schema-test-suite-failures.txt lists the few it fails and
// why); formats are checked up to draft-07 and are annotations after, and
// patterns are Go regular expressions (RE2), as with
// github.com/santhosh-tekuri/jsonschema/v5 (confluent-kafka-go's validator,
// and srkit's before): it accepts what that accepted, with the same
// messages.
//
// Messages are held to [Limits] while they are read, before they are
// validated: arrays and objects may nest [DefaultMaxDepth] (128) levels
// deep and the JSON text may be [DefaultMaxBytes] (16 MiB) long; a message
// over them is refused with a [*LimitError] (matching [ErrInvalid]), and
// [WithLimits] changes them (nesting up to [MaxMaxDepth], encoding/json's
// own limit). Within them, validating a message costs at
// most a fixed multiple of the schema's size times the message's, however
// the schema's combinators branch: results are memoized once a message
// needs more than a few evaluations per value, and a walk past that bound
// is refused with a [*ValidationError].
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
// value along the schema and returns a copy in which a function has
// replaced primitive values of its fields (the value given is never
// modified): the walk serializers and deserializers run field rules
// (field encryption, CEL_FIELD) with.
//
// # Rules
//
// Serializers and deserializers run the data-contract rules of their
// schemas (with executors such as rules.Standard() and encryption's):
// CEL conditions see the message's JSON form, field rules (CEL_FIELD,
// ENCRYPT) visit the leaf properties whose tags (inline "confluent:tags"
// plus metadata tags matched by path) match, named "$.customer.email", on
// a copy of the value. As in Confluent's Java client, a tag on a property
// holding objects (directly, in an array or a combined schema) reaches the
// string, number, integer, boolean and null properties directly in those
// objects whose own tags miss the rule's: they are visited as the tagged
// property (its name and tags, their own types), so ENCRYPT encrypts their
// strings and refuses to write other primitives (encryption.ErrFieldType);
// enum, combined (nullable too), array and object properties inside are
// not reached. JSONATA migration rules rewrite the decoded body
// between versions of a subject. Field tags are resolved once per schema,
// not per message. Rules see a struct as its JSON form, without an
// encoding/json round trip: field rules walk the struct itself (fields
// named as encoding/json names them; a subtree of a type that writes
// itself, such as time.Time, or held in an interface goes through
// encoding/json), copying what they change, and a rule's result that does
// not fit its Go field is an [ErrInvalid] error; conditions read a
// reflective conversion to what the JSON text would decode to. Generic
// values (map[string]any, any) are walked as they are.
//
// # Cost
//
// Per message, a serializer or deserializer does the work of encoding/json
// plus one validation pass over the JSON text, which allocates nothing for a
// valid message; see
// BENCHMARKS.md for the figures.
package jsonschema
