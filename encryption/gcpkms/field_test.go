package gcpkms

import (
	"bytes"
	"context"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

const protoSchema = `syntax = "proto3";
package shop;
import "confluent/meta.proto";
message Payment {
  string id = 1;
  string card = 2 [(confluent.field_meta).tags = "PII"];
  int64 amount = 3;
}`

// Field-level encryption end to end: an ENCRYPT rule on the PII-tagged
// field of a Protobuf schema, its KEK in the fake Cloud KMS, the record read
// back by a cold executor.
func TestEndToEndFieldEncryption(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	keyName := f.addKey("global", "ring", "cards", testEmail)
	k := newTestKMS(t, f, sa)
	e := newE2E(t, keyName)
	ctx := context.Background()
	_, err := e.client.Register(ctx, "cards-value", registry.Schema{
		Schema: protoSchema, SchemaType: registry.Protobuf,
		RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{{
			Name: "encrypt-pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncrypt, Tags: []string{"PII"},
			Params: map[string]string{
				encryption.ParamKEKName: "cards-kek", encryption.ParamKMSType: Type, encryption.ParamKMSKeyID: keyName,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := protobuf.Parse(protoSchema)
	if err != nil {
		t.Fatal(err)
	}
	md := parsed.Descriptor().Messages().ByName("Payment")
	msg := dynamicpb.NewMessage(md)
	msg.Set(md.Fields().ByName("id"), protoreflect.ValueOfString("p-1"))
	msg.Set(md.Fields().ByName("card"), protoreflect.ValueOfString(card.Card))
	msg.Set(md.Fields().ByName("amount"), protoreflect.ValueOfInt64(card.Amount))

	writer := e.executor(encryption.WithKMS(k))
	s, err := protobuf.NewSerializer[*dynamicpb.Message](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(writer.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	b, hs, err := s.Serialize(ctx, "cards", msg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(card.Card)) || !bytes.Contains(b, []byte("p-1")) {
		t.Fatalf("payload %q: want the id in the clear and the card encrypted", b)
	}
	reader := e.executor(encryption.WithKMSDriver(driverFor(f)), encryption.WithConfig(saConfig(sa)))
	d, err := protobuf.NewDeserializer[*dynamicpb.Message](e.client, serde.Value, serde.WithRuleExecutors(reader.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "cards", b, hs)
	if err != nil {
		t.Fatal(err)
	}
	gmd := got.Descriptor()
	if c := got.Get(gmd.Fields().ByName("card")).String(); c != card.Card {
		t.Fatalf("card read back %q", c)
	}
	if a := got.Get(gmd.Fields().ByName("amount")).Int(); a != card.Amount {
		t.Fatalf("amount read back %d", a)
	}
	var ops []string
	for _, r := range f.log() {
		ops = append(ops, r.Op)
	}
	if len(ops) != 4 || ops[1] != "encrypt" || ops[3] != "decrypt" {
		t.Fatalf("requests %v: want the writer's token and encrypt, the reader's token and decrypt", ops)
	}
}
