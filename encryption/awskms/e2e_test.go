package awskms

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// End to end: records written through srkit's encryption executor with an
// ENCRYPT_PAYLOAD rule whose KEK is in the fake AWS KMS, read back over the
// mock registry by a cold executor (which must unwrap the DEK with KMS).

type payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},{"name":"card","type":"string"},{"name":"amount","type":"long"}]}`

const topic = "payments"

type e2e struct {
	t      *testing.T
	client *registry.Client
}

func newE2E(t *testing.T, keyARN string) *e2e {
	t.Helper()
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Register(context.Background(), topic+"-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-payload", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName:  "payments-kek",
				encryption.ParamKMSType:  Type,
				encryption.ParamKMSKeyID: keyARN,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &e2e{t: t, client: client}
}

func (e *e2e) executor(opts ...encryption.Option) *encryption.Executor {
	e.t.Helper()
	x, err := encryption.New(e.client, append(opts, encryption.WithLogger(slog.New(slog.DiscardHandler)))...)
	if err != nil {
		e.t.Fatal(err)
	}
	return x
}

func (e *e2e) write(x *encryption.Executor, p payment) ([]byte, []serde.Header, error) {
	e.t.Helper()
	s, err := avro.NewSerializer[payment](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(x.Executors()...))
	if err != nil {
		e.t.Fatal(err)
	}
	return s.Serialize(context.Background(), topic, p)
}

func (e *e2e) read(x *encryption.Executor, b []byte, hs []serde.Header) (payment, error) {
	e.t.Helper()
	d, err := avro.NewDeserializer[payment](e.client, serde.Value, serde.WithRuleExecutors(x.Executors()...))
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Deserialize(context.Background(), topic, b, hs)
}

var card = payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

// The driver, configured with Confluent's keys (static credentials in the
// executor's config), wraps the new DEK on write; a cold reader unwraps it.
func TestEndToEndDriver(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds(testAKID, testSecret)
	e := newE2E(t, keyARN)
	base := Config{AWS: sdkConfig(f, "AKIANOTUSED000000000", "x"), Endpoint: f.Srv.URL}
	conf := encryption.WithConfig(map[string]string{ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret})
	b, hs, err := e.write(e.executor(encryption.WithKMSDriver(Driver(base)), conf), card)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(card.Card)) {
		t.Fatal("the payload holds the card number in the clear")
	}
	got, err := e.read(e.executor(encryption.WithKMSDriver(Driver(base)), conf), b, hs)
	if err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	log := f.Log()
	if len(log) != 2 || log[0].Op != "Encrypt" || log[1].Op != "Decrypt" {
		t.Fatalf("KMS requests %+v, want one Encrypt (new DEK) and one Decrypt (cold reader)", log)
	}
	for _, r := range log {
		if r.AccessKeyID != testAKID || r.KeyID != keyARN || r.HasContext || r.Region != "eu-west-1" {
			t.Fatalf("request %+v", r)
		}
	}
}

// A KMS built in code (New) given with WithKMS; an assumed role through the
// driver reads what it wrote.
func TestEndToEndNewAndRole(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("us-east-1", testKeyID)
	k := newTestKMS(t, f)
	e := newE2E(t, keyARN)
	b, hs, err := e.write(e.executor(encryption.WithKMS(k)), card)
	if err != nil {
		t.Fatal(err)
	}
	const role = "arn:aws:iam::111122223333:role/reader"
	f.AddRole(role, "")
	base := sdkConfig(f, testAKID, testSecret)
	base.BaseEndpoint = &f.Srv.URL
	reader := e.executor(encryption.WithKMSDriver(Driver(Config{AWS: base})), encryption.WithConfig(map[string]string{ConfigRoleARN: role}))
	got, err := e.read(reader, b, hs)
	if err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	log := f.Log()
	if last := log[len(log)-1]; last.Op != "Decrypt" || last.AccessKeyID[:8] != "ASIAFAKE" {
		t.Fatalf("the reader's Decrypt %+v: want the role's credentials", last)
	}
}

// An unreachable KMS fails reads and writes with a transient error; a KMS
// that refuses the key fails them with a permanent one naming the key.
func TestEndToEndFailures(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	k := newTestKMS(t, f)
	e := newE2E(t, keyARN)
	b, hs, err := e.write(e.executor(encryption.WithKMS(k)), card)
	if err != nil {
		t.Fatal(err)
	}

	down := fakeaws.New(t)
	unreachable := newTestKMS(t, down)
	down.Srv.Close()
	_, err = e.read(e.executor(encryption.WithKMS(unreachable)), b, hs)
	if !serde.IsTransient(err) || !errors.Is(err, serde.ErrUnavailable) || !errors.Is(err, encryption.ErrKMS) {
		t.Fatalf("read with the KMS down: %v, want a transient KMS error", err)
	}
	e2 := newE2E(t, keyARN)
	if _, _, err := e2.write(e2.executor(encryption.WithKMS(unreachable)), card); !serde.IsTransient(err) {
		t.Fatalf("write with the KMS down: %v, want a transient error", err)
	}

	f.Deny(keyARN, testAKID)
	_, err = e.read(e.executor(encryption.WithKMS(k)), b, hs)
	var ae *Error
	if err == nil || serde.IsTransient(err) || !errors.Is(err, encryption.ErrKMS) || !errors.As(err, &ae) ||
		ae.Code != "AccessDeniedException" || ae.KeyID != keyARN {
		t.Fatalf("read with access denied: %v, want a permanent KMS error naming the key", err)
	}
	e3 := newE2E(t, keyARN)
	if _, _, err := e3.write(e3.executor(encryption.WithKMS(k)), card); err == nil || serde.IsTransient(err) {
		t.Fatalf("write with access denied: %v, want a permanent error", err)
	}
}
