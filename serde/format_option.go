package serde

// FormatOption carries a format-specific setting through the option lists
// of the format constructors (protobuf.NewSerializer(client, part, opts...)),
// next to the generic options. serde ignores it when it builds its config;
// the format package that made Value reads it from the options itself, and
// other formats skip values that are not theirs. It is an [Option], so it
// fits serializer and deserializer option lists alike.
type FormatOption struct {
	// Value is the format's setting, of a type the format package owns.
	Value any
}

func (FormatOption) applySerializer(*SerializerConfig)     {}
func (FormatOption) applyDeserializer(*DeserializerConfig) {}
