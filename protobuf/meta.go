package protobuf

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/protobuf/internal/confluentproto"
)

// Meta is the value of one of Confluent's metadata options, declared by
// confluent/meta.proto: (confluent.file_meta), (confluent.message_meta),
// (confluent.field_meta), (confluent.enum_meta) and
// (confluent.enum_value_meta), each a confluent.Meta message with a doc,
// params and tags. Data-contract rules select fields by their tags.
//
// It is srkit's own plain copy of the option's value: srkit links no Go
// code for confluent/meta.proto. A program that wants the generated type
// uses confluent-kafka-go's schemaregistry/confluent package (the
// go_package of Confluent's meta.proto) or generates its own.
type Meta struct {
	// Doc is the documentation of the element.
	Doc string
	// Params are free-form parameters; nil when there are none.
	Params map[string]string
	// Tags are the element's tags (e.g. "PII"); nil when there are none.
	Tags []string
}

// Full names of Confluent's options, and the field number they all use.
const (
	fileMetaName      protoreflect.FullName = "confluent.file_meta"
	messageMetaName   protoreflect.FullName = "confluent.message_meta"
	fieldMetaName     protoreflect.FullName = "confluent.field_meta"
	enumMetaName      protoreflect.FullName = "confluent.enum_meta"
	enumValueMetaName protoreflect.FullName = "confluent.enum_value_meta"
	metaNumber        protowire.Number      = 1088
	metaMessageName   protoreflect.Name     = "Meta"
)

// The functions below read Confluent's options from any descriptor, by the
// option's full name and the Meta fields' names, whatever form the options
// take: built with confluent-kafka-go's generated types, with a program's
// own generated copy of confluent/meta.proto or as dynamic messages; or,
// for a schema compiled from registry text or a descriptor decoded without
// the extension known, still encoded (unknown fields), which they decode
// with a private copy of confluent/meta.proto. ok is false when the
// element has no such option. They never panic, and do the work on every
// call: read a schema's options once, not per message.

// FileMeta returns the (confluent.file_meta) option of fd.
func FileMeta(fd protoreflect.FileDescriptor) (meta Meta, ok bool) {
	return metaOf(fd, fileMetaName)
}

// MessageMeta returns the (confluent.message_meta) option of md.
func MessageMeta(md protoreflect.MessageDescriptor) (meta Meta, ok bool) {
	return metaOf(md, messageMetaName)
}

// FieldMeta returns the (confluent.field_meta) option of fd.
func FieldMeta(fd protoreflect.FieldDescriptor) (meta Meta, ok bool) {
	return metaOf(fd, fieldMetaName)
}

// EnumMeta returns the (confluent.enum_meta) option of ed.
func EnumMeta(ed protoreflect.EnumDescriptor) (meta Meta, ok bool) {
	return metaOf(ed, enumMetaName)
}

// EnumValueMeta returns the (confluent.enum_value_meta) option of vd.
func EnumValueMeta(vd protoreflect.EnumValueDescriptor) (meta Meta, ok bool) {
	return metaOf(vd, enumValueMetaName)
}

// FieldTags returns the tags of fd's (confluent.field_meta) option, or nil:
// the inline tags that data-contract rules match (metadata.tags in the
// registered schema add more, by path).
func FieldTags(fd protoreflect.FieldDescriptor) []string {
	meta, _ := FieldMeta(fd)
	return meta.Tags
}

func metaOf(d protoreflect.Descriptor, name protoreflect.FullName) (meta Meta, ok bool) {
	defer func() {
		// A hostile or broken descriptor (a nil interface inside, a
		// lazily built part that fails) is reported as no option.
		if recover() != nil {
			meta, ok = Meta{}, false
		}
	}()
	if d == nil {
		return Meta{}, false
	}
	opts := d.Options()
	if opts == nil {
		return Meta{}, false
	}
	m := opts.ProtoReflect()
	if !m.IsValid() {
		return Meta{}, false
	}
	// A known extension: generated code of any package, or dynamic.
	var val protoreflect.Message
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.IsExtension() && fd.FullName() == name && fd.Kind() == protoreflect.MessageKind && !fd.IsList() {
			val = v.Message()
			return false
		}
		return true
	})
	if val != nil {
		return readMeta(val), true
	}
	// Still encoded: the option's occurrences among the unknown fields.
	raw, found := unknownField(m.GetUnknown(), metaNumber)
	if !found {
		return Meta{}, false
	}
	md, err := metaDescriptor()
	if err != nil {
		return Meta{}, false
	}
	dm := dynamicpb.NewMessage(md)
	if err := (proto.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true}).Unmarshal(raw, dm); err != nil {
		return Meta{}, false
	}
	return readMeta(dm), true
}

// metaDescriptor returns confluent.Meta from the privately compiled
// confluent/meta.proto.
func metaDescriptor() (protoreflect.MessageDescriptor, error) {
	files, err := confluentFiles()
	if err != nil {
		return nil, err
	}
	md := files[confluentproto.MetaPath].Messages().ByName(metaMessageName)
	if md == nil {
		return nil, errNoMeta
	}
	return md, nil
}

var errNoMeta = errors.New("protobuf: bundled confluent/meta.proto declares no Meta")

// unknownField returns the payloads of every length-delimited occurrence
// of field num in b, concatenated (the encoding of their merge, as the
// message they hold is merged when decoded), and whether there was one.
// One occurrence, the usual case, is returned without a copy. Malformed
// bytes end the scan.
func unknownField(b []byte, num protowire.Number) ([]byte, bool) {
	var out []byte
	n := 0
	for len(b) > 0 {
		fnum, typ, tagLen := protowire.ConsumeTag(b)
		if tagLen < 0 {
			break
		}
		valLen := protowire.ConsumeFieldValue(fnum, typ, b[tagLen:])
		if valLen < 0 {
			break
		}
		if fnum == num && typ == protowire.BytesType {
			v, _ := protowire.ConsumeBytes(b[tagLen : tagLen+valLen])
			switch n {
			case 0:
				out = v
			case 1:
				out = append(append(make([]byte, 0, len(out)+len(v)), out...), v...)
			default:
				out = append(out, v...)
			}
			n++
		}
		b = b[tagLen+valLen:]
	}
	return out, n > 0
}

// readMeta copies a confluent.Meta message, of whatever Go type, by its
// fields' names; fields of an unexpected shape are left out.
func readMeta(m protoreflect.Message) Meta {
	var meta Meta
	fields := m.Descriptor().Fields()
	if f := fields.ByName("doc"); f != nil && f.Kind() == protoreflect.StringKind && f.Cardinality() != protoreflect.Repeated {
		meta.Doc = m.Get(f).String()
	}
	if f := fields.ByName("tags"); f != nil && f.IsList() && f.Kind() == protoreflect.StringKind {
		if l := m.Get(f).List(); l.Len() > 0 {
			meta.Tags = make([]string, l.Len())
			for i := range meta.Tags {
				meta.Tags[i] = l.Get(i).String()
			}
		}
	}
	if f := fields.ByName("params"); f != nil && f.IsMap() &&
		f.MapKey().Kind() == protoreflect.StringKind && f.MapValue().Kind() == protoreflect.StringKind {
		if pm := m.Get(f).Map(); pm.Len() > 0 {
			meta.Params = make(map[string]string, pm.Len())
			pm.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				meta.Params[k.String()] = v.String()
				return true
			})
		}
	}
	return meta
}
