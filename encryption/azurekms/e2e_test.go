package azurekms_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// executor is one client's executor (its own caches: a reader made after a
// writer unwraps the DEK again) with the Key Vault driver of base and
// config.
func executor(p *kmstest.Pipeline, base azurekms.Config, config map[string]string) *encryption.Executor {
	return p.Executor(encryption.WithKMSDriver(azurekms.Driver(base)), encryption.WithConfig(config))
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
	p := kmstest.NewPipeline(t, azurekms.Type, "https://srkit-test.vault.azure.net/keys/payments/"+v)

	b, hs, err := p.Write(executor(p, config(f), appConfig("producer-app", "producer-secret")), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Read(executor(p, config(f), appConfig("consumer-app", "consumer-secret")), b, hs)
	if err != nil || got != kmstest.Card {
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
	if w := p.WrappedDEK(); len(w) != 256 {
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
	keyID := "https://srkit-test.vault.azure.net/keys/payments"
	p := kmstest.NewPipeline(t, azurekms.Type, keyID)
	_, err := dekregistry.New(p.Client).CreateKEK(ctx, dekregistry.KEK{Name: kmstest.KEKName, KMSType: azurekms.Type,
		KMSKeyID: keyID, KMSProps: map[string]string{azurekms.ConfigKeyVersionSave: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	b, hs, err := p.Write(executor(p, config(f), appConfig("app", "s")), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	if w := p.WrappedDEK(); !bytes.HasPrefix(w, []byte("azure:v1:"+v1+":")) {
		t.Fatalf("the DEK is %.50q…, want Confluent's azure:v1: header with the version", w)
	}
	f.AddKey("srkit-test", "payments", 1)
	if got, err := p.Read(executor(p, config(f), appConfig("app", "s")), b, hs); err != nil || got != kmstest.Card {
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
	p := kmstest.NewPipeline(t, azurekms.Type, "https://srkit-test.vault.azure.net/keys/payments/"+v)
	b, hs, err := p.Write(executor(p, config(f), nil), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Read(executor(p, config(f), nil), b, hs); err != nil || got != kmstest.Card {
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
	p := kmstest.NewPipeline(t, azurekms.Type, "https://srkit-test.vault.azure.net/keys/payments/"+v)
	o := azcore.ClientOptions{Transport: f.Transport(), Retry: policy.RetryOptions{MaxRetries: -1}}
	base := azurekms.Config{
		KeysOptions:         &azkeys.ClientOptions{ClientOptions: o},
		ClientSecretOptions: &azidentity.ClientSecretCredentialOptions{ClientOptions: o},
	}
	b, hs, err := p.Write(executor(p, base, appConfig("app", "s")), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Read(executor(p, base, appConfig("app", "s")), b, hs); err != nil {
		t.Fatal(err)
	}
}
