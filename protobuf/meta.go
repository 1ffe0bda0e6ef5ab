package protobuf

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/srkit-go/srkit/protobuf/confluentpb"
)

// Confluent's schema metadata lives in options declared by
// confluent/meta.proto: (confluent.file_meta), (confluent.message_meta),
// (confluent.field_meta), (confluent.enum_meta) and
// (confluent.enum_value_meta), each a confluentpb.Meta with a doc, params
// and tags. Data-contract rules select fields by their tags.
//
// The functions below read them from any descriptor: generated code, or a
// schema compiled from registry text, where the options may still be in
// encoded form.

// FileMeta returns the (confluent.file_meta) option of fd, or nil.
func FileMeta(fd protoreflect.FileDescriptor) *confluentpb.Meta {
	return metaOf(fd, &descriptorpb.FileOptions{}, confluentpb.E_FileMeta)
}

// MessageMeta returns the (confluent.message_meta) option of md, or nil.
func MessageMeta(md protoreflect.MessageDescriptor) *confluentpb.Meta {
	return metaOf(md, &descriptorpb.MessageOptions{}, confluentpb.E_MessageMeta)
}

// FieldMeta returns the (confluent.field_meta) option of fd, or nil.
func FieldMeta(fd protoreflect.FieldDescriptor) *confluentpb.Meta {
	return metaOf(fd, &descriptorpb.FieldOptions{}, confluentpb.E_FieldMeta)
}

// EnumMeta returns the (confluent.enum_meta) option of ed, or nil.
func EnumMeta(ed protoreflect.EnumDescriptor) *confluentpb.Meta {
	return metaOf(ed, &descriptorpb.EnumOptions{}, confluentpb.E_EnumMeta)
}

// EnumValueMeta returns the (confluent.enum_value_meta) option of vd, or nil.
func EnumValueMeta(vd protoreflect.EnumValueDescriptor) *confluentpb.Meta {
	return metaOf(vd, &descriptorpb.EnumValueOptions{}, confluentpb.E_EnumValueMeta)
}

// FieldTags returns the tags of fd's (confluent.field_meta) option: the
// inline tags that data-contract rules match (metadata.tags in the
// registered schema add more, by path).
func FieldTags(fd protoreflect.FieldDescriptor) []string {
	return FieldMeta(fd).GetTags()
}

// metaResolver resolves only Confluent's extensions, so that decoding
// options never depends on what else the program links in.
var metaResolver = func() *protoregistry.Types {
	t := new(protoregistry.Types)
	for _, x := range []protoreflect.ExtensionType{
		confluentpb.E_FileMeta, confluentpb.E_MessageMeta, confluentpb.E_FieldMeta,
		confluentpb.E_EnumMeta, confluentpb.E_EnumValueMeta,
	} {
		_ = t.RegisterExtension(x)
	}
	return t
}()

func metaOf(d protoreflect.Descriptor, empty proto.Message, xt protoreflect.ExtensionType) (meta *confluentpb.Meta) {
	defer func() {
		if recover() != nil {
			meta = nil
		}
	}()
	opts, ok := d.Options().(proto.Message)
	if !ok || opts == nil || !opts.ProtoReflect().IsValid() {
		return nil
	}
	num := xt.TypeDescriptor().Number()
	found, typed := false, false
	opts.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.IsExtension() && fd.Number() == num {
			found = true
			// Generated code (or a compiler that knew confluentpb): typed.
			meta, typed = v.Message().Interface().(*confluentpb.Meta)
			return false
		}
		return true
	})
	if typed {
		return meta
	}
	if !found && len(opts.ProtoReflect().GetUnknown()) == 0 {
		return nil
	}
	// Compiled at run time: the option is a dynamic message or unknown
	// bytes. Decode the options again with the extension known.
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(opts)
	if err != nil {
		return nil
	}
	if err := (proto.UnmarshalOptions{Resolver: metaResolver, AllowPartial: true}).Unmarshal(b, empty); err != nil {
		return nil
	}
	if !proto.HasExtension(empty, xt) {
		return nil
	}
	meta, _ = proto.GetExtension(empty, xt).(*confluentpb.Meta)
	return meta
}
