// Confluent's own .proto files in one program with confluent-kafka-go:
// this test binary links confluent-kafka-go's generated packages for
// confluent/meta.proto and confluent/type/decimal.proto (through its
// Protobuf serde, and through interoppb.Payment's options and
// interoppb.Entry's Decimal field), and srkit's protobuf package and mock
// registry. That it
// starts at all is the first check: srkit registers nothing of Confluent's
// process-wide (it used to, and the binary panicked at init). The tests
// below check that srkit still resolves those files and reads their
// options when confluent-kafka-go's Go types are the ones registered.
package protobufinterop

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	ckgconfluent "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/confluent"
	ckgtypes "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/confluent/types"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoppb"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/protobuf"
	srserde "github.com/srkit-go/srkit/serde"
)

func samplePayment() *interoppb.Payment {
	return &interoppb.Payment{
		Id:      "p-1",
		Card:    "4111111111111111",
		Amount:  &interoppb.Money{Currency: "EUR", Units: 12},
		Channel: interoppb.Channel_WEB,
	}
}

// TestConfluentFilesAreConfluentKafkaGos: the process-wide registry holds
// confluent-kafka-go's Go types for Confluent's files and nothing of
// srkit's, so the tests below read options built with those types.
func TestConfluentFilesAreConfluentKafkaGos(t *testing.T) {
	if fd, err := protoregistry.GlobalFiles.FindFileByPath("confluent/meta.proto"); err != nil || fd != ckgconfluent.File_confluent_meta_proto {
		t.Errorf("confluent/meta.proto registered: %v, %v; want confluent-kafka-go's", fd, err)
	}
	for name, want := range map[protoreflect.FullName]proto.Message{
		"confluent.Meta":         (*ckgconfluent.Meta)(nil),
		"confluent.type.Decimal": (*ckgtypes.Decimal)(nil),
	} {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
		if err != nil || reflect.TypeOf(mt.Zero().Interface()) != reflect.TypeOf(want) {
			t.Errorf("%s registered as %v, %v; want %T", name, mt, err, want)
		}
	}
	xt, err := protoregistry.GlobalTypes.FindExtensionByName("confluent.field_meta")
	if err != nil || xt != ckgconfluent.E_FieldMeta {
		t.Errorf("confluent.field_meta registered: %v, %v; want confluent-kafka-go's", xt, err)
	}
	// confluent-kafka-go registers decimal.proto as confluent/types/decimal.proto.
	if _, err := protoregistry.GlobalFiles.FindFileByPath("confluent/type/variant.proto"); !errors.Is(err, protoregistry.NotFound) {
		t.Errorf("confluent/type/variant.proto is registered (%v): only srkit bundles it, and must not register it", err)
	}
}

// checkPaymentMeta reads Payment's Confluent options from md.
func checkPaymentMeta(t *testing.T, md protoreflect.MessageDescriptor) {
	t.Helper()
	if got, ok := protobuf.FileMeta(md.ParentFile()); !ok || got.Doc != "payments" {
		t.Errorf("file meta = %#v, %v", got, ok)
	}
	if got, ok := protobuf.MessageMeta(md); !ok || !reflect.DeepEqual(got.Tags, []string{"FIN"}) {
		t.Errorf("message meta = %#v, %v", got, ok)
	}
	want := protobuf.Meta{Doc: "card number", Params: map[string]string{"mask": "last4"}, Tags: []string{"PII"}}
	if got, ok := protobuf.FieldMeta(md.Fields().ByName("card")); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("card meta = %#v, %v; want %#v", got, ok, want)
	}
	if got := protobuf.FieldTags(md.Fields().ByName("id")); got != nil {
		t.Errorf("id tags = %v", got)
	}
}

// TestConfluentMetaFromTheirTypes: srkit reads options whose values are
// confluent-kafka-go's *confluent.Meta: in generated code, and in a
// descriptor built by hand with proto.SetExtension.
func TestConfluentMetaFromTheirTypes(t *testing.T) {
	md := (&interoppb.Payment{}).ProtoReflect().Descriptor()
	opts := md.Fields().ByName("card").Options().(*descriptorpb.FieldOptions)
	if _, ok := proto.GetExtension(opts, ckgconfluent.E_FieldMeta).(*ckgconfluent.Meta); !ok {
		t.Fatal("the generated option is not confluent-kafka-go's type; the test would not test that form")
	}
	checkPaymentMeta(t, md)

	fieldOpts := new(descriptorpb.FieldOptions)
	proto.SetExtension(fieldOpts, ckgconfluent.E_FieldMeta, &ckgconfluent.Meta{Doc: "d", Tags: []string{"PII", "X"}})
	enumValueOpts := new(descriptorpb.EnumValueOptions)
	proto.SetExtension(enumValueOpts, ckgconfluent.E_EnumValueMeta, &ckgconfluent.Meta{Params: map[string]string{"a": "b"}})
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:   proto.String("byhand.proto"),
		Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("M"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("f"), Number: proto.Int32(1), Options: fieldOpts,
				Type:  descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
				Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			}},
		}},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name:  proto.String("E"),
			Value: []*descriptorpb.EnumValueDescriptorProto{{Name: proto.String("Z"), Number: proto.Int32(0), Options: enumValueOpts}},
		}},
	}, new(protoregistry.Files))
	if err != nil {
		t.Fatal(err)
	}
	if got := protobuf.FieldTags(fd.Messages().Get(0).Fields().Get(0)); !reflect.DeepEqual(got, []string{"PII", "X"}) {
		t.Errorf("tags = %v", got)
	}
	if got, ok := protobuf.EnumValueMeta(fd.Enums().Get(0).Values().Get(0)); !ok || got.Params["a"] != "b" {
		t.Errorf("enum value meta = %#v, %v", got, ok)
	}
}

// TestConfluentImportsInterop: a message that imports confluent/meta.proto
// (with options set) goes both ways between the two clients: the same schema (the builtins
// never registered as references) and the same bytes, each deserializer
// reading the other's; and srkit reads the options of the schema it
// compiled from the registry's text.
func TestConfluentImportsInterop(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirDe, err := ckgpb.NewDeserializer(c, serde.ValueSerde, ckgpb.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := theirDe.ProtoRegistry.RegisterMessage((&interoppb.Payment{}).ProtoReflect().Type()); err != nil {
		t.Fatal(err)
	}
	ourSer, err := protobuf.NewSerializer[*interoppb.Payment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ourDe, err := protobuf.NewDeserializer[*interoppb.Payment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	dynDe, err := protobuf.NewDeserializer[proto.Message](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	msg := samplePayment()

	mine, _, err := ourSer.Serialize(ctx, "payments", msg)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("payments", msg)
	if err != nil {
		t.Fatal(err)
	}
	if string(mine) != string(theirs) {
		t.Errorf("bytes differ:\n srkit % x\n ckg   % x", mine, theirs)
	}
	vs, err := client.Versions(ctx, "payments-value")
	if err != nil || len(vs) != 1 {
		t.Fatalf("payments-value versions %v, %v: the two clients registered different schemas", vs, err)
	}
	latest, err := client.LatestSchema(ctx, "payments-value")
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range latest.References {
		refs = append(refs, r.Name)
	}
	if !reflect.DeepEqual(refs, []string{"interop/common.proto"}) {
		t.Errorf("references %v, want only interop/common.proto (Confluent's files are builtins)", refs)
	}
	for _, want := range []string{`import "confluent/meta.proto"`, `(confluent.field_meta)`} {
		if !strings.Contains(latest.Schema.Schema, want) {
			t.Errorf("registered schema lacks %s:\n%s", want, latest.Schema.Schema)
		}
	}

	if got, err := ourDe.Deserialize(ctx, "payments", theirs, nil); err != nil || !proto.Equal(got, msg) {
		t.Errorf("srkit reading confluent-kafka-go: %v, %v", got, err)
	}
	got, err := theirDe.Deserialize("payments", mine)
	if m, ok := got.(proto.Message); err != nil || !ok || !proto.Equal(m, msg) {
		t.Errorf("confluent-kafka-go reading srkit: %v, %v", got, err)
	}
	// A dynamic message: the writer schema compiled from the registry's
	// text by srkit, Confluent's imports resolved by srkit's private copy.
	dyn, err := dynDe.Deserialize(ctx, "payments", theirs, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPaymentMeta(t, dyn.ProtoReflect().Descriptor())
	want, _ := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if b, _ := (proto.MarshalOptions{Deterministic: true}).Marshal(dyn); string(b) != string(want) {
		t.Errorf("dynamic message encodes as % x, want % x", b, want)
	}
}

// TestConfluentDecimal: a message with a confluent.type.Decimal field (Go
// type from confluent-kafka-go, which registers decimal.proto) goes through
// srkit: written with no reference for the builtin import, read back into
// the generated type and into a dynamic message whose Decimal comes from
// srkit's private copy of the file. confluent-kafka-go v2.15.1 itself
// handles neither direction for this import (see ledger.proto), so it is
// not a party here.
func TestConfluentDecimal(t *testing.T) {
	ctx := context.Background()
	_, client := interoptest.BothClients(t)
	ourSer, err := protobuf.NewSerializer[*interoppb.Entry](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ourDe, err := protobuf.NewDeserializer[*interoppb.Entry](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	dynDe, err := protobuf.NewDeserializer[proto.Message](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	msg := &interoppb.Entry{Id: "e-1", Amount: &ckgtypes.Decimal{Value: []byte{0x30, 0x39}, Precision: 6, Scale: 2}}
	payload, _, err := ourSer.Serialize(ctx, "ledger", msg)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := client.LatestSchema(ctx, "ledger-value")
	if err != nil {
		t.Fatal(err)
	}
	if len(latest.References) != 0 || !strings.Contains(latest.Schema.Schema, `import "confluent/type/decimal.proto"`) {
		t.Errorf("registered %v, schema:\n%s\n(want the builtin imported, no reference)", latest.References, latest.Schema.Schema)
	}
	if got, err := ourDe.Deserialize(ctx, "ledger", payload, nil); err != nil || !proto.Equal(got, msg) {
		t.Errorf("read back %v, %v", got, err)
	}
	dyn, err := dynDe.Deserialize(ctx, "ledger", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	amount := dyn.ProtoReflect().Descriptor().Fields().ByName("amount").Message()
	if amount.FullName() != "confluent.type.Decimal" || amount.ParentFile().Path() != "confluent/type/decimal.proto" || amount == msg.Amount.ProtoReflect().Descriptor() {
		t.Errorf("amount is %s of %s (want srkit's own compiled descriptor)", amount.FullName(), amount.ParentFile().Path())
	}
	want, _ := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if b, _ := (proto.MarshalOptions{Deterministic: true}).Marshal(dyn); string(b) != string(want) {
		t.Errorf("dynamic message encodes as % x, want % x", b, want)
	}
}
