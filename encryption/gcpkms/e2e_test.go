package gcpkms

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// End to end: records written through srkit's encryption executor with an
// ENCRYPT_PAYLOAD rule whose KEK is in the fake Cloud KMS, read back over
// the mock registry by a cold executor (which must unwrap the DEK with
// Cloud KMS).

type payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},{"name":"card","type":"string"},{"name":"amount","type":"long"}]}`

const topic = "payments"

var card = payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

type e2e struct {
	t      *testing.T
	client *registry.Client
}

func newE2E(t *testing.T, keyName string) *e2e {
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
				encryption.ParamKMSKeyID: keyName,
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

// The driver, configured with Confluent's service-account keys in the
// executor's config, wraps the new DEK on write; a cold reader unwraps it.
func TestEndToEndDriver(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("europe-west3", "payments", "kek", testEmail)
	e := newE2E(t, key)
	conf := encryption.WithConfig(saConfig(sa))
	b, hs, err := e.write(e.executor(encryption.WithKMSDriver(driverFor(f)), conf), card)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(card.Card)) {
		t.Fatal("the payload holds the card number in the clear")
	}
	got, err := e.read(e.executor(encryption.WithKMSDriver(driverFor(f)), conf), b, hs)
	if err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	var ops []string
	for _, r := range f.log() {
		ops = append(ops, r.Op)
		if r.Email != testEmail || (r.Op != "token" && r.Name != key) {
			t.Fatalf("request %+v", r)
		}
	}
	if len(ops) != 4 || ops[0] != "token" || ops[1] != "encrypt" || ops[2] != "token" || ops[3] != "decrypt" {
		t.Fatalf("requests %v: want the writer's token and encrypt, the reader's token and decrypt", ops)
	}
}

// An unreachable Cloud KMS fails reads and writes with a transient error;
// one that refuses the key fails them with a permanent one naming the key.
func TestEndToEndFailures(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	k := newTestKMS(t, f, sa)
	e := newE2E(t, key)
	b, hs, err := e.write(e.executor(encryption.WithKMS(k)), card)
	if err != nil {
		t.Fatal(err)
	}

	down := newFakeGCP(t)
	unreachable := newTestKMS(t, down, down.addAccount(testEmail))
	down.srv.Close()
	_, err = e.read(e.executor(encryption.WithKMS(unreachable)), b, hs)
	if !serde.IsTransient(err) || !errors.Is(err, serde.ErrUnavailable) || !errors.Is(err, encryption.ErrKMS) {
		t.Fatalf("read with Cloud KMS down: %v, want a transient KMS error", err)
	}
	e2 := newE2E(t, key)
	if _, _, err := e2.write(e2.executor(encryption.WithKMS(unreachable)), card); !serde.IsTransient(err) {
		t.Fatalf("write with Cloud KMS down: %v, want a transient error", err)
	}

	f.set(func(f *fakeGCP) { delete(f.keys[key].allowed, testEmail) })
	_, err = e.read(e.executor(encryption.WithKMS(k)), b, hs)
	var ge *Error
	if err == nil || serde.IsTransient(err) || !errors.Is(err, encryption.ErrKMS) || !errors.As(err, &ge) ||
		ge.Code != "PERMISSION_DENIED" || ge.KeyID != key {
		t.Fatalf("read with permission denied: %v, want a permanent KMS error naming the key", err)
	}
	e3 := newE2E(t, key)
	if _, _, err := e3.write(e3.executor(encryption.WithKMS(k)), card); err == nil || serde.IsTransient(err) {
		t.Fatalf("write with permission denied: %v, want a permanent error", err)
	}
}
