package serde

import (
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// ErrForeignOption: an option given to one format's constructor belongs to
// another format (avro.NewSerializer given protobuf.Deterministic(), or a
// schema of another type given with [WithSchema]). Such an option would do
// nothing, so the constructor refuses it.
var ErrForeignOption = errors.New("serde: option of another format")

// FormatOption makes a format package's own option type travel in serde's
// option lists, tagged with the format it belongs to. Embed it, build it
// with [NewFormatOption], and pick your options out of the list by type in
// your constructors:
//
//	type option struct {
//		serde.FormatOption
//		apply func(*settings)
//	}
//
//	func Deterministic() serde.SerializerOption {
//		return option{serde.NewFormatOption(registry.Protobuf), ...}
//	}
//
// [NewSerializerConfig] and [NewDeserializerConfig] refuse a FormatOption of
// another format with [ErrForeignOption]; serde itself ignores the option.
type FormatOption struct{ format registry.SchemaType }

// NewFormatOption returns the FormatOption of schemaType's options.
func NewFormatOption(schemaType registry.SchemaType) FormatOption {
	return FormatOption{format: schemaType}
}

// OptionFormat returns the format the option belongs to.
func (o FormatOption) OptionFormat() registry.SchemaType { return o.format }

func (FormatOption) applySerializer(*SerializerConfig)     {}
func (FormatOption) applyDeserializer(*DeserializerConfig) {}

// formatOwned is implemented by options that belong to one format.
type formatOwned interface{ OptionFormat() registry.SchemaType }

// checkFormat refuses o when it belongs to another format than schemaType.
func checkFormat(schemaType registry.SchemaType, o any) error {
	fo, ok := o.(formatOwned)
	if !ok || fo.OptionFormat() == schemaType {
		return nil
	}
	return fmt.Errorf("%w: %T is a %s option, given to a %s serde", ErrForeignOption, o, fo.OptionFormat(), schemaType)
}

// checkSchemaType refuses a schema given with WithSchema for another format.
func checkSchemaType(schemaType registry.SchemaType, s *registry.Schema) error {
	if s == nil || s.Type() == schemaType {
		return nil
	}
	return fmt.Errorf("%w: the schema given with WithSchema is %s, given to a %s serde", ErrForeignOption, s.Type(), schemaType)
}
