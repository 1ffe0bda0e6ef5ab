package protobuf

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// printer renders file descriptors the way Confluent's Go serializer does
// (jhump protoprint, comments omitted), so that a generated type registers
// the same text, and finds the same schema, as it would through
// confluent-kafka-go.
var printer = protoprint.Printer{OmitComments: protoprint.CommentsAll}

// PrintFile renders fd as .proto text, as Confluent's Go serializer
// registers it.
func PrintFile(fd protoreflect.FileDescriptor) (string, error) {
	return printWith(&printer, fd)
}

func printWith(p *protoprint.Printer, fd protoreflect.FileDescriptor) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = "", fmt.Errorf("protobuf: printing %s: %v", fd.Path(), r)
		}
	}()
	var sb strings.Builder
	if err := p.PrintProtoFile(fd, &sb); err != nil {
		return "", fmt.Errorf("protobuf: printing %s: %w", fd.Path(), err)
	}
	return sb.String(), nil
}

// SerializedFile renders fd in the registry's "serialized" format: the
// base64 (standard, padded) of its FileDescriptorProto.
func SerializedFile(fd protoreflect.FileDescriptor) (string, error) {
	fdp := protodesc.ToFileDescriptorProto(fd)
	fdp.SourceCodeInfo = nil
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fdp)
	if err != nil {
		return "", fmt.Errorf("protobuf: serializing %s: %w", fd.Path(), err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
