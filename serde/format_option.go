package serde

// FormatOption turns a format package's own option type into an [Option]
// that serde itself ignores. Embed it, and pick your options out of the list
// by type in your constructors:
//
//	type option struct {
//		serde.FormatOption
//		apply func(*settings)
//	}
//
//	func Deterministic() serde.SerializerOption { return option{apply: ...} }
//
//	for _, o := range opts {
//		if fo, ok := o.(option); ok {
//			fo.apply(&s)
//		}
//	}
//
// That way format-only settings travel in the same option lists as serde's.
type FormatOption struct{}

func (FormatOption) applySerializer(*SerializerConfig)     {}
func (FormatOption) applyDeserializer(*DeserializerConfig) {}
