package hcvault_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},{"name":"card","type":"string"},{"name":"amount","type":"long"}]}`

// e2e is a mock registry whose payments-value schema encrypts its payload
// (ENCRYPT_PAYLOAD) with a KEK in the fake Vault.
type e2e struct {
	t      *testing.T
	client *registry.Client
	keyID  string
}

func newE2E(t *testing.T, keyID string) *e2e {
	t.Helper()
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Register(context.Background(), "payments-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-payload", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName:  "payments-kek",
				encryption.ParamKMSType:  hcvault.Type,
				encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &e2e{t: t, client: client, keyID: keyID}
}

// executor is one client's executor (its own caches: a reader made after a
// writer unwraps the DEK again) with the Vault driver and config.
func (e *e2e) executor(config map[string]string) *encryption.Executor {
	e.t.Helper()
	enc, err := encryption.New(e.client,
		encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{Vault: sdkConfig()})),
		encryption.WithConfig(config))
	if err != nil {
		e.t.Fatal(err)
	}
	return enc
}

func (e *e2e) write(enc *encryption.Executor, p payment) ([]byte, error) {
	e.t.Helper()
	s, err := avro.NewSerializer[payment](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false),
		serde.WithRuleExecutors(enc.Executors()...))
	if err != nil {
		e.t.Fatal(err)
	}
	b, _, err := s.Serialize(context.Background(), "payments", p)
	return b, err
}

func (e *e2e) read(enc *encryption.Executor, b []byte) (payment, error) {
	e.t.Helper()
	d, err := avro.NewDeserializer[payment](e.client, serde.Value, serde.WithRuleExecutors(enc.Executors()...))
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Deserialize(context.Background(), "payments", b, nil)
}

var card = payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

// A record written with an ENCRYPT_PAYLOAD rule whose KEK is in Vault is
// read back by another client; the writer's token wraps, the reader's
// unwraps, each as X-Vault-Token, and the DEK Registry keeps Vault's
// ciphertext.
func TestEndToEnd(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddKey("transit", "payments")
	f.AddToken("s.writer", "transit/encrypt/payments")
	f.AddToken("s.reader", "transit/decrypt/payments")
	e := newE2E(t, f.KeyID("transit", "payments"))

	b, err := e.write(e.executor(map[string]string{hcvault.ConfigToken: "s.writer"}), card)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), card.Card) {
		t.Fatal("the card number is in the clear")
	}
	got, err := e.read(e.executor(map[string]string{hcvault.ConfigToken: "s.reader"}), b)
	if err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/v1/transit/encrypt/payments" || reqs[0].Token != "s.writer" ||
		reqs[1].Path != "/v1/transit/decrypt/payments" || reqs[1].Token != "s.reader" {
		t.Fatalf("Vault saw %+v", reqs)
	}
	d, err := dekregistry.New(e.client).DEK(context.Background(), "payments-kek", "payments-value")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := base64.StdEncoding.DecodeString(d.EncryptedKeyMaterial)
	if !strings.HasPrefix(string(w), "vault:v1:") {
		t.Fatalf("the DEK Registry keeps %q, want Vault's ciphertext", w)
	}
}

func TestEndToEndAppRoleAndNamespace(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.SetNamespace("payments/")
	f.AddKey("transit", "payments")
	f.AddRole("app-role", "app-secret")
	e := newE2E(t, f.KeyID("transit", "payments"))
	conf := map[string]string{
		hcvault.ConfigNamespace: "payments/", hcvault.ConfigAppRoleRoleID: "app-role", hcvault.ConfigAppRoleSecretID: "app-secret",
	}
	b, err := e.write(e.executor(conf), card)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.read(e.executor(conf), b); err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	reqs := f.Requests()
	if len(reqs) != 4 {
		t.Fatalf("Vault saw %+v, want login, encrypt, login, decrypt", reqs)
	}
	for i, r := range reqs {
		if r.Namespace != "payments/" {
			t.Errorf("request %d (%s) in namespace %q", i, r.Path, r.Namespace)
		}
	}
	if reqs[0].Path != "/v1/auth/approle/login" || reqs[0].Body["role_id"] != "app-role" || reqs[0].Body["secret_id"] != "app-secret" {
		t.Errorf("login %+v", reqs[0])
	}
	if reqs[1].Token != "hvs.approle-token-1" || reqs[3].Token != "hvs.approle-token-2" {
		t.Errorf("transit calls with tokens %q and %q, want the logins'", reqs[1].Token, reqs[3].Token)
	}
}

// VAULT_TOKEN and VAULT_APPROLE_* serve when the rule config has no
// credentials, as in Confluent's drivers.
func TestEndToEndEnvironment(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddKey("transit", "payments")
	f.AddToken("s.from-env", "*")
	f.AddRole("env-role", "env-secret")
	e := newE2E(t, f.KeyID("transit", "payments"))
	t.Setenv("VAULT_TOKEN", "s.from-env")
	b, err := e.write(e.executor(nil), card)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(hcvault.EnvAppRoleRoleID, "env-role")
	t.Setenv(hcvault.EnvAppRoleSecretID, "env-secret")
	if _, err := e.read(e.executor(nil), b); err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if reqs[0].Token != "s.from-env" || reqs[1].Path != "/v1/auth/approle/login" || reqs[2].Token != "hvs.approle-token-1" {
		t.Fatalf("Vault saw %+v", reqs)
	}
}

func TestEndToEndFailures(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddKey("transit", "payments")
	f.AddToken("s.writer", "transit/encrypt/payments")
	f.AddToken("s.reader", "transit/decrypt/payments")
	e := newE2E(t, f.KeyID("transit", "payments"))
	b, err := e.write(e.executor(map[string]string{hcvault.ConfigToken: "s.writer"}), card)
	if err != nil {
		t.Fatal(err)
	}

	check := func(name string, err error, transient bool, status int) {
		t.Helper()
		var ke *hcvault.Error
		switch {
		case err == nil:
			t.Errorf("%s: no error", name)
		case serde.IsTransient(err) != transient || errors.Is(err, serde.ErrUnavailable) != transient:
			t.Errorf("%s: transient = %v, want %v: %v", name, serde.IsTransient(err), transient, err)
		case !errors.Is(err, encryption.ErrKMS) || !errors.As(err, &ke) || ke.KeyID != e.keyID || ke.StatusCode != status:
			t.Errorf("%s: err = %v, want encryption.ErrKMS with an *hcvault.Error (key %q, HTTP %d)", name, err, e.keyID, status)
		}
		mustNotLeak(t, err, "s.writer", "s.reader", "s.revoked")
	}

	// The writer's token may not decrypt: a refusal of the key.
	_, err = e.read(e.executor(map[string]string{hcvault.ConfigToken: "s.writer"}), b)
	check("forbidden", err, false, 403)
	// A token Vault does not know (expired): an outage of the credentials.
	_, err = e.read(e.executor(map[string]string{hcvault.ConfigToken: "s.revoked"}), b)
	check("refused token", err, true, 403)
	// Sealed.
	f.SetFault(status(503, `{"errors":["Vault is sealed"]}`))
	_, err = e.read(e.executor(map[string]string{hcvault.ConfigToken: "s.reader"}), b)
	check("sealed", err, true, 503)
	// Unreachable.
	f.SetFault(nil)
	f.Close()
	_, err = e.read(e.executor(map[string]string{hcvault.ConfigToken: "s.reader"}), b)
	check("unreachable", err, true, 0)
	// A writer whose Vault is down writes nothing.
	e2 := newE2E(t, e.keyID)
	if out, err := e2.write(e2.executor(map[string]string{hcvault.ConfigToken: "s.writer"}), card); err == nil || out != nil {
		t.Fatalf("write with Vault down: %x, %v", out, err)
	} else {
		check("write unreachable", err, true, 0)
	}
}

func TestDriverConfig(t *testing.T) {
	cleanEnv(t)
	d := hcvault.Driver(hcvault.Config{})
	if d.Type() != "hcvault" {
		t.Fatalf("type %q", d.Type())
	}
	for _, conf := range []map[string]string{
		{hcvault.ConfigAppRoleRoleID: "r"},
		{hcvault.ConfigAppRoleSecretID: "super-secret-id"},
	} {
		_, err := d.NewKMS(context.Background(), conf)
		if !errors.Is(err, hcvault.ErrConfig) {
			t.Errorf("%v: err = %v, want ErrConfig", conf, err)
		}
		mustNotLeak(t, err, "super-secret-id")
	}
	k, err := d.NewKMS(context.Background(), map[string]string{hcvault.ConfigToken: "t"})
	if err != nil || k.Type() != "hcvault" {
		t.Fatalf("NewKMS = %v, %v", k, err)
	}
}
