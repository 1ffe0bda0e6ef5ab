package registrycheck_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// schema imports every Confluent file srkit bundles and uses each.
const schema = `syntax = "proto3";
package check;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "confluent/type/variant.proto";

option (confluent.file_meta).doc = "checked";

message Payment {
  option (confluent.message_meta) = { tags: ["FIN"] };
  string card = 1 [(confluent.field_meta) = { tags: ["PII"], params: [{ key: "mask", value: "last4" }] }];
  confluent.type.Decimal amount = 2;
  confluent.type.Variant extra = 3;
}
`

// confluentNames are what generated code for confluent/*.proto registers.
var (
	confluentFiles    = []string{"confluent/meta.proto", "confluent/type/decimal.proto", "confluent/type/variant.proto"}
	confluentMessages = []protoreflect.FullName{"confluent.Meta", "confluent.type.Decimal", "confluent.type.Variant"}
	confluentExts     = []protoreflect.FullName{"confluent.file_meta", "confluent.message_meta", "confluent.field_meta", "confluent.enum_meta", "confluent.enum_value_meta"}
)

func checkNothingRegistered(t *testing.T) {
	t.Helper()
	for _, p := range confluentFiles {
		if fd, err := protoregistry.GlobalFiles.FindFileByPath(p); !errors.Is(err, protoregistry.NotFound) {
			t.Errorf("%s is registered process-wide (%v, %v)", p, fd, err)
		}
	}
	for _, n := range confluentMessages {
		if _, err := protoregistry.GlobalTypes.FindMessageByName(n); !errors.Is(err, protoregistry.NotFound) {
			t.Errorf("message %s is registered process-wide (%v)", n, err)
		}
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(n); !errors.Is(err, protoregistry.NotFound) {
			t.Errorf("descriptor %s is registered process-wide (%v)", n, err)
		}
	}
	for _, n := range confluentExts {
		if _, err := protoregistry.GlobalTypes.FindExtensionByName(n); !errors.Is(err, protoregistry.NotFound) {
			t.Errorf("extension %s is registered process-wide (%v)", n, err)
		}
	}
	protoregistry.GlobalFiles.RangeFilesByPackage("confluent", func(fd protoreflect.FileDescriptor) bool {
		t.Errorf("package confluent registered by %s", fd.Path())
		return true
	})
}

func checkPayment(t *testing.T, md protoreflect.MessageDescriptor) {
	t.Helper()
	if got, ok := protobuf.FileMeta(md.ParentFile()); !ok || got.Doc != "checked" {
		t.Errorf("file meta = %v, %v", got, ok)
	}
	if got, _ := protobuf.MessageMeta(md); !reflect.DeepEqual(got.Tags, []string{"FIN"}) {
		t.Errorf("message tags = %v", got.Tags)
	}
	card, ok := protobuf.FieldMeta(md.Fields().ByName("card"))
	if want := (protobuf.Meta{Tags: []string{"PII"}, Params: map[string]string{"mask": "last4"}}); !ok || !reflect.DeepEqual(card, want) {
		t.Errorf("card meta = %#v, %v; want %#v", card, ok, want)
	}
	if got := md.Fields().ByName("amount").Message().FullName(); got != "confluent.type.Decimal" {
		t.Errorf("amount type = %s", got)
	}
	if got := md.Fields().ByName("extra").Message().FullName(); got != "confluent.type.Variant" {
		t.Errorf("extra type = %s", got)
	}
}

// TestNoConfluentFilesRegistered parses, registers, serializes and reads
// back a schema that imports Confluent's files, and checks that nothing
// of them was registered process-wide, before and after.
func TestNoConfluentFilesRegistered(t *testing.T) {
	checkNothingRegistered(t)
	ctx := context.Background()

	s, err := protobuf.Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.MessageAt(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPayment(t, md)
	// The serialized form: options decoded without the extension known.
	ser, err := protobuf.SerializedFile(s.Descriptor())
	if err != nil {
		t.Fatal(err)
	}
	s2, err := protobuf.Parse(ser)
	if err != nil {
		t.Fatal(err)
	}
	md2, _ := s2.MessageAt(nil)
	checkPayment(t, md2)

	// Through the mock registry: a dynamic message of the parsed schema is
	// printed, registered and read back into a dynamic message built from
	// the registered text.
	reg, err := mockregistry.New(mockregistry.WithFormats(protobuf.Format()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := reg.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := dynamicpb.NewMessage(md)
	msg.Set(md.Fields().ByName("card"), protoreflect.ValueOfString("4111"))
	amount := msg.Mutable(md.Fields().ByName("amount")).Message()
	amount.Set(amount.Descriptor().Fields().ByName("scale"), protoreflect.ValueOfInt32(2))
	sz, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err := sz.Serialize(ctx, "payments", msg)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := c.LatestSchema(ctx, "payments-value")
	if err != nil {
		t.Fatal(err)
	}
	if len(latest.References) != 0 || !strings.Contains(latest.Schema.Schema, `(confluent.field_meta)`) {
		t.Errorf("registered %v refs, schema:\n%s\n(want no reference, the options printed)", latest.References, latest.Schema.Schema)
	}
	dz, err := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	back, err := dz.Deserialize(ctx, "payments", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Different descriptors (the registered text compiled anew): compare
	// the encodings.
	want, _ := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	got, _ := proto.MarshalOptions{Deterministic: true}.Marshal(back)
	if string(got) != string(want) || len(want) == 0 {
		t.Errorf("read back %v, want %v", back, msg)
	}
	checkPayment(t, back.ProtoReflect().Descriptor())
	if _, err := c.Register(ctx, "other", registry.Schema{Schema: schema, SchemaType: registry.Protobuf}); err != nil {
		t.Errorf("register with builtin imports: %v", err)
	}

	checkNothingRegistered(t)
}
