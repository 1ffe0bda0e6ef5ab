package protobufinterop

// Data-contract rules on Protobuf messages, run by confluent-kafka-go's
// executors on one side and srkit's (rules.Standard) on the other: a
// CEL_FIELD transform and a CEL condition on write give the same bytes
// and the same outcome; a JSONATA migration of a v1 record read as v2
// gives the same message, whichever client wrote or reads it.

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/cel" // registers CEL, CEL_FIELD
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/jsonata"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoppb"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	srserde "github.com/srkit-go/srkit/serde"
)

// registerPayment registers payments.proto (its import first) under
// subject with md and rs, through srkit's auto-registration on a scratch
// topic, and returns the version.
func registerPayment(t *testing.T, client *registry.Client, subject string, md *registry.Metadata, rs *registry.RuleSet) registry.SubjectSchema {
	t.Helper()
	ctx := context.Background()
	s, err := protobuf.NewSerializer[*interoppb.Payment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "scratch-"+subject, &interoppb.Payment{Id: "x"}); err != nil {
		t.Fatal(err)
	}
	first, err := client.LatestSchema(ctx, "scratch-"+subject+"-value")
	if err != nil {
		t.Fatal(err)
	}
	sch := first.Schema
	sch.Metadata, sch.RuleSet = md, rs
	got, err := client.Register(ctx, subject, sch)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func payment(units int64) *interoppb.Payment {
	return &interoppb.Payment{Id: "p-1", Card: "4111111111111111", Amount: &interoppb.Money{Currency: "EUR", Units: units}, Channel: interoppb.Channel_STORE}
}

// TestProtobufInteropCELWrite: Confluent's CEL_FIELD executor and srkit's
// mask the PII field (tagged inline) alike, so both write the same bytes;
// a CEL condition over a nested message stops both.
func TestProtobufInteropCELWrite(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	registerPayment(t, client, "pay-value", nil, &registry.RuleSet{DomainRules: []registry.Rule{
		{Name: "mask", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: `typeName == 'STRING' ; 'xxxx' + value.substring(size(value) - 4)`},
		{Name: "paid", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWrite, Type: "CEL", Expr: `message.amount.units > 0`},
	}})
	sc := ckgpb.NewSerializerConfig()
	sc.AutoRegisterSchemas, sc.UseLatestVersion = false, true
	theirs, err := ckgpb.NewSerializer(c, serde.ValueSerde, sc)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := protobuf.NewSerializer[*interoppb.Payment](client, srserde.Value, srserde.UseLatest(), srserde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	tb, err := theirs.Serialize("pay", payment(12))
	if err != nil {
		t.Fatal(err)
	}
	in := payment(12)
	ob, _, err := ours.Serialize(ctx, "pay", in)
	if err != nil {
		t.Fatal(err)
	}
	if string(tb) != string(ob) {
		t.Fatalf("bytes differ:\n srkit % x\n ckg   % x", ob, tb)
	}
	var got interoppb.Payment
	if err := proto.Unmarshal(ob[6:], &got); err != nil || got.Card != "xxxx1111" || in.Card != "4111111111111111" {
		t.Fatalf("wrote %v (%v); the caller's card %q", &got, err, in.Card)
	}
	if _, err := theirs.Serialize("pay", payment(0)); err == nil {
		t.Error("confluent-kafka-go wrote a record failing the condition")
	}
	if _, _, err := ours.Serialize(ctx, "pay", payment(0)); err == nil {
		t.Error("srkit wrote a record failing the condition")
	}
}

// paymentV1 is an older major version of interop.payments.Payment.
const paymentV1 = `syntax = "proto3";
package interop.payments;
message Payment {
  string id = 1;
  string card_number = 2;
}
`

// TestProtobufInteropMigration: a record written in v1 (by either
// client) and read as v2 by either client goes through v2's JSONATA
// UPGRADE rule on the message's JSON form (JSON names, defaults) and
// reads as the same generated message.
func TestProtobufInteropMigration(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	if _, err := client.SetConfig(ctx, "mig-value", registry.Config{CompatibilityGroup: "major_version"}); err != nil {
		t.Fatal(err)
	}
	major := func(v string) *registry.Metadata {
		return &registry.Metadata{Properties: map[string]string{"major_version": v}}
	}
	v1, err := client.Register(ctx, "mig-value", registry.Schema{Schema: paymentV1, SchemaType: registry.Protobuf, Metadata: major("1")})
	if err != nil {
		t.Fatal(err)
	}
	registerPayment(t, client, "mig-value", major("2"), &registry.RuleSet{MigrationRules: []registry.Rule{
		{Name: "card", Kind: registry.RuleKindTransform, Mode: registry.RuleModeUpgrade, Type: "JSONATA",
			Expr: `$merge([$sift($, function($v, $k) {$k != 'cardNumber'}), {'card': cardNumber}])`},
	}})

	// A v1 message, dynamic: no Go type of v1 is linked.
	s1, err := protobuf.Parse(paymentV1)
	if err != nil {
		t.Fatal(err)
	}
	md := s1.Descriptor().Messages().Get(0)
	m1 := dynamicpb.NewMessage(md)
	m1.Set(md.Fields().ByName("id"), protoreflect.ValueOfString("p-1"))
	m1.Set(md.Fields().ByName("card_number"), protoreflect.ValueOfString("4111"))
	want := &interoppb.Payment{Id: "p-1", Card: "4111"}

	ourSer, err := protobuf.NewSerializer[proto.Message](client, srserde.Value, srserde.UseSchemaID(v1.ID))
	if err != nil {
		t.Fatal(err)
	}
	fromSrkit, _, err := ourSer.Serialize(ctx, "mig", m1)
	if err != nil {
		t.Fatal(err)
	}
	sc := ckgpb.NewSerializerConfig()
	sc.AutoRegisterSchemas, sc.UseLatestWithMetadata = false, map[string]string{"major_version": "1"}
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, sc)
	if err != nil {
		t.Fatal(err)
	}
	fromCKG, err := theirSer.Serialize("mig", m1)
	if err != nil {
		t.Fatal(err)
	}
	if string(fromCKG) != string(fromSrkit) {
		t.Errorf("v1 bytes differ:\n srkit % x\n ckg   % x", fromSrkit, fromCKG)
	}

	dc := ckgpb.NewDeserializerConfig()
	dc.UseLatestWithMetadata = map[string]string{"major_version": "2"}
	theirDe, err := ckgpb.NewDeserializer(c, serde.ValueSerde, dc)
	if err != nil {
		t.Fatal(err)
	}
	if err := theirDe.ProtoRegistry.RegisterMessage((&interoppb.Payment{}).ProtoReflect().Type()); err != nil {
		t.Fatal(err)
	}
	ourDe, err := protobuf.NewDeserializer[*interoppb.Payment](client, srserde.Value, srserde.UseLatestWithMetadata(map[string]string{"major_version": "2"}), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"srkit": fromSrkit, "confluent-kafka-go": fromCKG} {
		got, err := theirDe.Deserialize("mig", b)
		if m, ok := got.(proto.Message); err != nil || !ok || !proto.Equal(m, want) {
			t.Errorf("confluent-kafka-go reading %s's v1 as v2: %v, %v", name, got, err)
		}
		mine, err := ourDe.Deserialize(ctx, "mig", b, nil)
		if err != nil || !proto.Equal(mine, want) {
			t.Errorf("srkit reading %s's v1 as v2: %v, %v", name, mine, err)
		}
	}
}
