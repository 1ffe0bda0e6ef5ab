package azurekms_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/dekregistry"
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

var card = payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

// e2e is a mock registry whose payments-value schema encrypts its payload
// (ENCRYPT_PAYLOAD) with a KEK in the fake Key Vault.
type e2e struct {
	t      *testing.T
	client *registry.Client
	keyID  string
	base   azurekms.Config
}

func newE2E(t *testing.T, f *fakeazure.Server, keyID string) *e2e {
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
				encryption.ParamKMSType:  azurekms.Type,
				encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &e2e{t: t, client: client, keyID: keyID, base: config(f)}
}

// executor is one client's executor (its own caches: a reader made after a
// writer unwraps the DEK again) with the Key Vault driver and config.
func (e *e2e) executor(config map[string]string) *encryption.Executor {
	e.t.Helper()
	enc, err := encryption.New(e.client, encryption.WithKMSDriver(azurekms.Driver(e.base)), encryption.WithConfig(config))
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

func appConfig(clientID, secret string) map[string]string {
	return map[string]string{azurekms.ConfigTenantID: fakeazure.Tenant, azurekms.ConfigClientID: clientID, azurekms.ConfigClientSecret: secret}
}

// A record written with an ENCRYPT_PAYLOAD rule whose KEK is in Key Vault
// is read back by another client; each authenticates with its own
// tenant.id, client.id and client.secret (client-credentials token
// requests to Entra ID, bearer tokens to Key Vault), the writer encrypts
// and the reader decrypts, and the DEK Registry keeps Key Vault's result.
func TestEndToEnd(t *testing.T) {
	cleanEnv(t)
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "payments", 0)
	f.AddApp("producer-app", "producer-secret", "encrypt")
	f.AddApp("consumer-app", "consumer-secret", "decrypt")
	e := newE2E(t, f, "https://srkit-test.vault.azure.net/keys/payments/"+v)

	b, err := e.write(e.executor(appConfig("producer-app", "producer-secret")), card)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), card.Card) {
		t.Fatal("the card number is in the clear")
	}
	got, err := e.read(e.executor(appConfig("consumer-app", "consumer-secret")), b)
	if err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}

	var ops []string
	for _, r := range f.Requests() {
		if r.Auth != "" {
			ops = append(ops, r.Path[strings.LastIndex(r.Path, "/")+1:])
		}
	}
	if !slices.Equal(ops, []string{"encrypt", "decrypt"}) {
		t.Fatalf("Key Vault operations %v", ops)
	}
	var ids []string
	for _, fm := range f.TokenForms() {
		ids = append(ids, fm.Get("client_id")+":"+fm.Get("client_secret"))
	}
	if !slices.Equal(ids, []string{"producer-app:producer-secret", "consumer-app:consumer-secret"}) {
		t.Fatalf("token requests %v", ids)
	}
	d, err := dekregistry.New(e.client).DEK(context.Background(), "payments-kek", "payments-value")
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := base64.StdEncoding.DecodeString(d.EncryptedKeyMaterial); len(w) != 256 {
		t.Fatalf("the DEK Registry keeps %d bytes, want Key Vault's RSA-2048 result", len(w))
	}
}

// encrypt.azure.key.version.save in the KEK's kmsProps (where Confluent's
// clients read it): the DEK names the version that wrapped it, and stays
// readable through a versionless key ID after the key rotates.
func TestEndToEndKeyVersionSave(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v1 := f.AddKey("srkit-test", "payments", 0)
	f.AddApp("app", "s")
	e := newE2E(t, f, "https://srkit-test.vault.azure.net/keys/payments")
	_, err := dekregistry.New(e.client).CreateKEK(ctx, dekregistry.KEK{Name: "payments-kek", KMSType: azurekms.Type,
		KMSKeyID: e.keyID, KMSProps: map[string]string{azurekms.ConfigKeyVersionSave: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.write(e.executor(appConfig("app", "s")), card)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := dekregistry.New(e.client).DEK(ctx, "payments-kek", "payments-value")
	w, _ := base64.StdEncoding.DecodeString(d.EncryptedKeyMaterial)
	if !bytes.HasPrefix(w, []byte("azure:v1:"+v1+":")) {
		t.Fatalf("the DEK is %.50q…, want Confluent's azure:v1: header with the version", w)
	}
	f.AddKey("srkit-test", "payments", 1)
	if got, err := e.read(e.executor(appConfig("app", "s")), b); err != nil || got != card {
		t.Fatalf("read after rotation: %+v, %v", got, err)
	}
}

// The default credential chain (here its environment credential) serves
// when the rule config has no credentials.
func TestEndToEndDefaultCredential(t *testing.T) {
	cleanEnv(t)
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "payments", 0)
	f.AddApp("env-app", "env-secret")
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")
	t.Setenv("AZURE_TENANT_ID", fakeazure.Tenant)
	t.Setenv("AZURE_CLIENT_ID", "env-app")
	t.Setenv("AZURE_CLIENT_SECRET", "env-secret")
	e := newE2E(t, f, "https://srkit-test.vault.azure.net/keys/payments/"+v)
	b, err := e.write(e.executor(nil), card)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.read(e.executor(nil), b); err != nil || got != card {
		t.Fatalf("read %+v, %v", got, err)
	}
	if fm := f.TokenForms(); len(fm) == 0 || fm[0].Get("client_id") != "env-app" {
		t.Fatalf("token requests %v", fm)
	}
}

// Azure's public cloud needs no identity options: its authority
// (login.microsoftonline.com) is known, so no instance discovery is made.
func TestEndToEndPublicCloud(t *testing.T) {
	cleanEnv(t)
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "payments", 0)
	f.AddApp("app", "s")
	e := newE2E(t, f, "https://srkit-test.vault.azure.net/keys/payments/"+v)
	o := azcore.ClientOptions{Transport: f.Transport(), Retry: policy.RetryOptions{MaxRetries: -1}}
	e.base = azurekms.Config{
		KeysOptions:         &azkeys.ClientOptions{ClientOptions: o},
		ClientSecretOptions: &azidentity.ClientSecretCredentialOptions{ClientOptions: o},
	}
	b, err := e.write(e.executor(appConfig("app", "s")), card)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.read(e.executor(appConfig("app", "s")), b); err != nil {
		t.Fatal(err)
	}
}

func TestEndToEndFailures(t *testing.T) {
	cleanEnv(t)
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "payments", 0)
	f.AddApp("producer-app", "producer-secret", "encrypt")
	f.AddApp("consumer-app", "consumer-secret", "decrypt")
	e := newE2E(t, f, "https://srkit-test.vault.azure.net/keys/payments/"+v)
	b, err := e.write(e.executor(appConfig("producer-app", "producer-secret")), card)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, err error, transient bool, status int) {
		t.Helper()
		var ke *azurekms.Error
		switch {
		case err == nil:
			t.Errorf("%s: no error", name)
		case serde.IsTransient(err) != transient || errors.Is(err, serde.ErrUnavailable) != transient:
			t.Errorf("%s: transient = %v, want %v: %v", name, serde.IsTransient(err), transient, err)
		case !errors.Is(err, encryption.ErrKMS) || !errors.As(err, &ke) || ke.KeyID != e.keyID || ke.StatusCode != status:
			t.Errorf("%s: err = %v, want encryption.ErrKMS with an *azurekms.Error (key %q, HTTP %d)", name, err, e.keyID, status)
		}
		mustNotLeak(t, err, "producer-secret", "consumer-secret", "wrong-secret")
	}
	// The producer's application may not decrypt: a refusal.
	_, err = e.read(e.executor(appConfig("producer-app", "producer-secret")), b)
	check("forbidden", err, false, 403)
	// A wrong client secret: an outage of the credentials.
	_, err = e.read(e.executor(appConfig("consumer-app", "wrong-secret")), b)
	check("wrong secret", err, true, 0)
	// Throttled.
	f.SetFault(keyVaultFault(429, `{"error":{"code":"Throttled","message":"slow down"}}`))
	_, err = e.read(e.executor(appConfig("consumer-app", "consumer-secret")), b)
	check("throttled", err, true, 429)
	// Unreachable.
	f.SetFault(nil)
	f.Close()
	_, err = e.read(e.executor(appConfig("consumer-app", "consumer-secret")), b)
	check("unreachable", err, true, 0)
}

func TestDriverConfig(t *testing.T) {
	cleanEnv(t)
	d := azurekms.Driver(azurekms.Config{})
	if d.Type() != "azure-kms" {
		t.Fatalf("type %q", d.Type())
	}
	for _, conf := range []map[string]string{
		{azurekms.ConfigTenantID: fakeazure.Tenant},
		{azurekms.ConfigClientID: "app", azurekms.ConfigClientSecret: "super-secret"},
		{azurekms.ConfigTenantID: fakeazure.Tenant, azurekms.ConfigClientSecret: "super-secret"},
	} {
		_, err := d.NewKMS(context.Background(), conf)
		if !errors.Is(err, azurekms.ErrConfig) {
			t.Errorf("%v: err = %v, want ErrConfig", conf, err)
		}
		mustNotLeak(t, err, "super-secret")
	}
	_, err := d.NewKMS(context.Background(), appConfig("app", "super-secret"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.NewKMS(context.Background(), map[string]string{azurekms.ConfigTenantID: "not a tenant/", azurekms.ConfigClientID: "a", azurekms.ConfigClientSecret: "super-secret"})
	if !errors.Is(err, azurekms.ErrConfig) {
		t.Fatalf("an invalid tenant: err = %v", err)
	}
	mustNotLeak(t, err, "super-secret")
}
