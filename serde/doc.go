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
// A schema's ruleSet runs here, as Confluent's clients run it, at three
// seams: domain rules on the value (WRITE before encoding; READ after
// decoding, in reverse order), encoding rules on the encoded body (payload
// encryption), and migration rules on the message's JSON form when a
// deserializer reads one version of a subject into another (UPGRADE through
// each newer version, DOWNGRADE back in reverse). Rules are compiled once
// per schema; a schema without rules costs one nil check per message.
//
// Executors ([RuleExecutor]) run a rule type and are given explicitly with
// [WithRuleExecutors] (package rules has CEL, CEL_FIELD and JSONATA;
// package encryption ENCRYPT and ENCRYPT_PAYLOAD); a rule whose type has no
// executor fails with [ErrNoRuleExecutor] rather than being skipped.
// After each rule its onSuccess or onFailure action runs (defaults NONE and
// ERROR; "A,B" means A on write and upgrade, B on read and downgrade):
// ERROR fails the message with a [*RuleError], NONE goes on, DLQ fails it
// with a [*DeadLetter] that producers and consumers write to a dead-letter
// topic, and [WithRuleActions] adds others. A rule that fails because a
// service is down ([IsTransient]) fails the message without running an
// action, so that it is retried, never passed on or dead-lettered.
// Disabled rules, rule sets enabled elsewhere than on clients (enableAt),
// and client-side [RuleOverride]s are honoured.
//
// Formats let rules see their messages by implementing [RuleCodec] on
// their compiled encoders and decoders (the generic form, field walking
// with tags) and [MigrationCodec] on their reader codecs (the JSON form);
// write-side transforms never modify the caller's value.
//
// # Observability
//
// [WithHooks] installs values implementing [HookSerialize],
// [HookDeserialize] (one event per call, its error classified by
// [ErrorKindOf]), [HookResolve] (schema resolutions on the serde's cache
// misses, timed) and [HookRule] (each rule run: name, type, kind, mode,
// phase, the action that followed, the failure). Without hooks the
// per-message path is unchanged; with a no-op hook it allocates nothing.
// plugin/srkitprom and plugin/srkitotel turn the events into metrics.
package serde
