package protobuf

import (
	"strings"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// settings are the Protobuf-only options. They travel in the generic option
// lists as option values (a serde.FormatOption).
type settings struct {
	registerSerialized bool
	fetchSerialized    bool
	deterministic      bool
	skipTypeCheck      bool
	deprecatedIndexes  bool
	limits             Limits
}

// option is a Protobuf-only setting; serde ignores it, the constructors pick
// it out of the option list by type.
type option struct {
	serde.FormatOption
	apply func(*settings)
}

func formatOption(f func(*settings)) option {
	return option{FormatOption: serde.NewFormatOption(registry.Protobuf), apply: f}
}

// collect applies the Protobuf settings found among opts.
func collect[O any](opts []O) settings {
	var s settings
	for _, o := range opts {
		if po, ok := any(o).(option); ok && po.apply != nil {
			po.apply(&s)
		}
	}
	return s
}

// RegisterSerialized makes a serializer register (or look up) its schemas,
// and the imports it registers as references, in the registry's
// "serialized" format, a base64 FileDescriptorProto, instead of .proto text,
// as Confluent's JavaScript serializer does. The registry stores and serves
// the schema as .proto text either way.
func RegisterSerialized() serde.SerializerOption {
	return formatOption(func(s *settings) { s.registerSerialized = true })
}

// FetchSerialized makes a deserializer fetch each writer schema (and its
// references) again with format=serialized, as a descriptor, and build its
// message types from that instead of parsing .proto text. It costs one more
// registry call per schema, once. Whatever a registry sends, .proto text or
// a serialized descriptor, is understood with or without this option.
func FetchSerialized() serde.DeserializerOption {
	return formatOption(func(s *settings) { s.fetchSerialized = true })
}

// Deterministic makes a serializer marshal generated messages with
// proto.MarshalOptions{Deterministic: true} (map entries sorted by key), so
// that equal messages give equal bytes. Confluent's serializers do not.
// Dynamic messages (dynamicpb), whose fields would otherwise come out in a
// different order on every run, are always marshaled in that order, with
// or without this option: it costs them about a fifth more, where
// Deterministic nearly doubles their cost (see BENCHMARKS.md).
func Deterministic() serde.SerializerOption {
	return formatOption(func(s *settings) { s.deterministic = true })
}

// UseDeprecatedFormat makes a serializer write, and a deserializer read,
// message indexes in the deprecated encoding: unsigned varints instead of
// zig-zag ones (serde.DeprecatedIndexes; indexes [1] are 01 01 instead of
// 02 02, [2, 1, 0] are 03 02 01 00 instead of 06 04 02 00), as
// confluent-kafka-python before 1.8.2 and Confluent's .NET client before
// 1.8.0 write them. It is Confluent's use.deprecated.format. Without it a
// record in the deprecated encoding fails with an error that names this
// option (when its index count is odd; an even one reads as other
// indexes, so a topic's readers and writers must agree on the encoding).
// The first message's indexes, a single 0, are alike in both.
func UseDeprecatedFormat() serde.Option {
	return formatOption(func(s *settings) { s.deprecatedIndexes = true })
}

// SkipTypeCheck lets a deserializer into a generated type T decode data
// whose writer message has another full name (a renamed package or
// message). By default that is an [ErrTypeMismatch] error; Confluent's
// clients do not check.
func SkipTypeCheck() serde.DeserializerOption {
	return formatOption(func(s *settings) { s.skipTypeCheck = true })
}

// WithSchema makes a serializer register (or look up) the given schema
// text, with the references it names, instead of the one printed from the
// Go type; the message written is found in it by full name. It is
// serde.WithSchema for [registry.Protobuf].
func WithSchema(schema string, refs ...registry.Reference) serde.Option {
	return serde.WithSchema(registry.Protobuf, schema, refs...)
}

// QualifiedReferenceSubjectName names the subject of a referenced file after
// its path with the ".proto" suffix removed and slashes turned into dots
// ("vectors/common/types.proto" → "vectors.common.types"), like Confluent's
// QualifiedReferenceSubjectNameStrategy. Use it with
// serde.WithReferenceSubjectNameStrategy, or use [QualifiedReferenceSubjects].
func QualifiedReferenceSubjectName(referenceName string) string {
	return strings.ReplaceAll(strings.ReplaceAll(referenceName, ".proto", ""), "/", ".")
}

// QualifiedReferenceSubjects registers imported files under
// [QualifiedReferenceSubjectName] subjects instead of their import paths.
func QualifiedReferenceSubjects() serde.SerializerOption {
	return serde.WithReferenceSubjectNameStrategy(QualifiedReferenceSubjectName)
}
