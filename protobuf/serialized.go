package protobuf

import (
	"encoding/base64"
	"errors"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// errTooDeep: a serialized descriptor nests deeper than the limit.
var errTooDeep = errors.New("serialized descriptor nests too deeply")

// errMalformed: bytes that are not a well-formed protobuf message.
var errMalformed = errors.New("malformed protobuf message")

// decodeSerialized decodes schema text in the registry's "serialized"
// format: a base64 FileDescriptorProto. .proto text is never valid base64
// (it has spaces, quotes or semicolons), so the two do not mix up. ok is
// false when text is not a serialized descriptor; err ([errTooDeep]) when it
// is one that nests deeper than maxDepth, which is checked before it is
// decoded.
func decodeSerialized(text string, maxDepth int) (fdp *descriptorpb.FileDescriptorProto, ok bool, err error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return nil, false, nil
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return nil, false, nil
		}
	}
	raw, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		return nil, false, nil
	}
	fdp = new(descriptorpb.FileDescriptorProto)
	switch err := wireDepth(raw, fdp.ProtoReflect().Descriptor(), 0, maxDepth); err {
	case nil:
	case errTooDeep:
		return nil, false, err
	default:
		return nil, false, nil
	}
	if err := proto.Unmarshal(raw, fdp); err != nil {
		// Not a descriptor: left to the .proto parser to refuse.
		return nil, false, nil
	}
	fillJSONNames(fdp)
	return fdp, true, nil
}

// wireDepth checks that the encoded message b of type md nests its
// message fields at most max levels below depth, without decoding it: each
// byte is read once, at the level of the innermost message holding it.
func wireDepth(b []byte, md protoreflect.MessageDescriptor, depth, max int) error {
	fields := md.Fields()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errMalformed
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errMalformed
			}
			b = b[n:]
			if f := fields.ByNumber(num); f != nil && f.Kind() == protoreflect.MessageKind {
				if depth+1 > max {
					return errTooDeep
				}
				if err := wireDepth(v, f.Message(), depth+1, max); err != nil {
					return err
				}
			}
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return errMalformed
		}
		b = b[n:]
	}
	return nil
}

// fillJSONNames gives every field without a json_name protoc's default
// one, as protoc does for the descriptors it hands to plugins. protoc leaves
// json_name out of the descriptors it embeds in generated code (Python's,
// which confluent-kafka-python registers), and Confluent's registry serves
// format=serialized without it; protocompile's linker would read each
// missing name as a custom name "" and refuse any message with two fields.
func fillJSONNames(fdp *descriptorpb.FileDescriptorProto) {
	fillFields(fdp.GetExtension())
	for _, md := range fdp.GetMessageType() {
		fillMessage(md)
	}
}

func fillMessage(md *descriptorpb.DescriptorProto) {
	fillFields(md.GetField())
	fillFields(md.GetExtension())
	for _, nested := range md.GetNestedType() {
		fillMessage(nested)
	}
}

func fillFields(fields []*descriptorpb.FieldDescriptorProto) {
	for _, f := range fields {
		if f.JsonName == nil {
			f.JsonName = proto.String(defaultJSONName(f.GetName()))
		}
	}
}

// defaultJSONName is protoc's default JSON name of a field: its name with
// each underscore dropped and the letter after it upper-cased
// ("order_id" → "orderId").
func defaultJSONName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	upper := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_':
			upper = true
		case upper && c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
			upper = false
		default:
			b.WriteByte(c)
			upper = false
		}
	}
	return b.String()
}
