package kmstest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// kmsOption is how an executor gets e's KMS: through the driver and its
// config when the Env has them, as a ready KMS otherwise.
func kmsOption(e Env) []encryption.Option {
	if e.Driver != nil {
		return []encryption.Option{encryption.WithKMSDriver(e.Driver), encryption.WithConfig(e.Config)}
	}
	return []encryption.Option{encryption.WithKMS(e.KMS)}
}

// A record written with an ENCRYPT_PAYLOAD rule whose KEK is in the KMS
// is read back by a cold reader (which unwraps the DEK with the KMS); the
// DEK Registry keeps the KMS's wrapping of the DEK.
func (c *suite) endToEndPayload(t *testing.T) {
	e := c.env(t)
	p := NewPipeline(t, c.d.Type, e.KeyID)
	b, hs, err := p.Write(p.Executor(kmsOption(e)...), Card)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(Card.Card)) {
		t.Fatal("the payload holds the card number in the clear")
	}
	got, err := p.Read(p.Executor(kmsOption(e)...), b, hs)
	if err != nil || got != Card {
		t.Fatalf("read %+v, %v", got, err)
	}
	if _, err := e.KMS.Unwrap(context.Background(), e.KeyID, p.WrappedDEK()); err != nil {
		t.Fatalf("the DEK Registry's DEK does not unwrap with the KMS: %v", err)
	}
}

const paymentProto = `syntax = "proto3";
package shop;
import "confluent/meta.proto";
message Payment {
  string id = 1;
  string card = 2 [(confluent.field_meta).tags = "PII"];
  int64 amount = 3;
}`

// Field-level encryption: a Protobuf record written with an ENCRYPT rule
// on its PII-tagged field, whose KEK is in the KMS, carries the card
// number encrypted and the rest in the clear; a cold reader reads it
// back.
func (c *suite) endToEndField(t *testing.T) {
	e := c.env(t)
	ctx := context.Background()
	p := NewPipeline(t, c.d.Type, e.KeyID)
	_, err := p.Client.Register(ctx, "cards-value", registry.Schema{
		Schema: paymentProto, SchemaType: registry.Protobuf,
		RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{{
			Name: "encrypt-pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncrypt, Tags: []string{"PII"},
			Params: map[string]string{
				encryption.ParamKEKName: "cards-kek", encryption.ParamKMSType: c.d.Type, encryption.ParamKMSKeyID: e.KeyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := protobuf.Parse(paymentProto)
	if err != nil {
		t.Fatal(err)
	}
	md := parsed.Descriptor().Messages().ByName("Payment")
	msg := dynamicpb.NewMessage(md)
	msg.Set(md.Fields().ByName("id"), protoreflect.ValueOfString(Card.ID))
	msg.Set(md.Fields().ByName("card"), protoreflect.ValueOfString(Card.Card))
	msg.Set(md.Fields().ByName("amount"), protoreflect.ValueOfInt64(Card.Amount))

	rules := func() serde.Option { return serde.WithRuleExecutors(p.Executor(kmsOption(e)...).Executors()...) }
	s, err := protobuf.NewSerializer[*dynamicpb.Message](p.Client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules())
	if err != nil {
		t.Fatal(err)
	}
	d, err := protobuf.NewDeserializer[*dynamicpb.Message](p.Client, serde.Value, rules()) // a cold reader
	if err != nil {
		t.Fatal(err)
	}
	b, hs, err := s.Serialize(ctx, "cards", msg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(Card.Card)) || !bytes.Contains(b, []byte(Card.ID)) {
		t.Fatalf("payload %q: want the id in the clear and the card encrypted", b)
	}
	if got := msg.Get(md.Fields().ByName("card")).String(); got != Card.Card {
		t.Fatalf("the caller's message was modified: card %q", got)
	}
	got, err := d.Deserialize(ctx, "cards", b, hs)
	if err != nil {
		t.Fatal(err)
	}
	gmd := got.Descriptor().Fields()
	if c, a := got.Get(gmd.ByName("card")).String(), got.Get(gmd.ByName("amount")).Int(); c != Card.Card || a != Card.Amount {
		t.Fatalf("read back card %q amount %d", c, a)
	}
}

// An outage of the KMS fails a cold reader, and a writer that needs a new
// DEK, with a transient error: the message is retried, never dropped.
func (c *suite) endToEndOutage(t *testing.T) {
	c.endToEndFailure(t, "Break", func(e Env) func() { return e.Break }, true)
}

// A KMS that refuses the key fails a cold reader, and a writer that needs
// a new DEK, with a permanent error naming the key.
func (c *suite) endToEndRefused(t *testing.T) {
	c.endToEndFailure(t, "Refuse", func(e Env) func() { return e.Refuse }, false)
}

// endToEndFailure reads and writes after the Env's fault (its field
// name) and wants serializer and deserializer errors, transient or not.
func (c *suite) endToEndFailure(t *testing.T, name string, fault func(Env) func(), transient bool) {
	e := c.env(t)
	start := fault(e)
	need(t, start != nil, name)
	p := NewPipeline(t, c.d.Type, e.KeyID)
	b, hs, err := p.Write(p.Executor(kmsOption(e)...), Card)
	if err != nil {
		t.Fatal(err)
	}
	start()
	_, err = p.Read(p.Executor(kmsOption(e)...), b, hs)
	c.serdeErr(t, "read", err, e, transient)
	fresh := NewPipeline(t, c.d.Type, e.KeyID)
	out, _, err := fresh.Write(fresh.Executor(kmsOption(e)...), Card)
	if out != nil {
		t.Errorf("a failed write gave %d bytes", len(out))
	}
	c.serdeErr(t, "write", err, e, transient)
}

// serdeErr checks an error of a serializer or deserializer whose KMS
// failed: encryption.ErrKMS, the KMS's error in it, transient or not.
func (c *suite) serdeErr(t testing.TB, what string, err error, e Env, transient bool) {
	t.Helper()
	if !errors.Is(err, encryption.ErrKMS) {
		t.Errorf("%s: %v, want encryption.ErrKMS", what, err)
	}
	if transient {
		c.outageErr(t, what, err, e)
	} else {
		c.refusal(t, what, err, e, e.KeyID)
	}
}
