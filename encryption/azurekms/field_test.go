package azurekms_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

const paymentProto = `syntax = "proto3";
package shop;
import "confluent/meta.proto";
message Payment {
  string id = 1;
  string card = 2 [(confluent.field_meta) = { tags: "PII" }];
  int64 amount = 3;
}
`

// Field-level encryption: a Protobuf record written with an ENCRYPT rule
// on the fields tagged PII, whose KEK is in Key Vault, carries the card number
// encrypted and the rest in the clear, and another client reads it back.
func TestEndToEndFieldEncryption(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "pii", 0)
	f.AddApp("writer", "writer-secret", "encrypt")
	f.AddApp("reader", "reader-secret", "decrypt")
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	_, err := client.Register(ctx, "payments-value", registry.Schema{
		Schema: paymentProto, SchemaType: registry.Protobuf,
		RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{{
			Name: "encrypt-pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncrypt, Tags: []string{"PII"},
			Params: map[string]string{
				encryption.ParamKEKName:  "pii-kek",
				encryption.ParamKMSType:  azurekms.Type,
				encryption.ParamKMSKeyID: "https://srkit-test.vault.azure.net/keys/pii/" + v,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	executor := func(app string) serde.Option {
		enc, err := encryption.New(client, encryption.WithKMSDriver(azurekms.Driver(config(f))),
			encryption.WithConfig(appConfig(app, app+"-secret")))
		if err != nil {
			t.Fatal(err)
		}
		return serde.WithRuleExecutors(enc.Executors()...)
	}
	s, err := protobuf.Parse(paymentProto)
	if err != nil {
		t.Fatal(err)
	}
	md := s.Descriptor().Messages().ByName("Payment")
	in := dynamicpb.NewMessage(md)
	in.Set(md.Fields().ByName("id"), protoreflect.ValueOfString("p-1"))
	in.Set(md.Fields().ByName("card"), protoreflect.ValueOfString("4111111111111111"))

	ser, err := protobuf.NewSerializer[*dynamicpb.Message](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), executor("writer"))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := ser.Serialize(ctx, "payments", in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("4111111111111111")) || !bytes.Contains(b, []byte("p-1")) {
		t.Fatalf("payload %q: want the card encrypted and the ID in the clear", b)
	}
	de, err := protobuf.NewDeserializer[*dynamicpb.Message](client, serde.Value, executor("reader"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := de.Deserialize(ctx, "payments", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Get(out.Descriptor().Fields().ByName("card")).String(); got != "4111111111111111" {
		t.Fatalf("card %q", got)
	}
	var ops []string
	for _, r := range f.Requests() {
		if r.Auth != "" {
			ops = append(ops, r.Path)
		}
	}
	if want := []string{"/keys/pii/" + v + "/encrypt", "/keys/pii/" + v + "/decrypt"}; !slices.Equal(ops, want) {
		t.Fatalf("Key Vault saw %v, want %v", ops, want)
	}
}
