package hcvault_test

import (
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// executor is one client's executor (its own caches: a reader made after a
// writer unwraps the DEK again) with the Vault driver and config.
func executor(p *kmstest.Pipeline, config map[string]string) *encryption.Executor {
	return p.Executor(encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{Vault: sdkConfig()})), encryption.WithConfig(config))
}

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
	p := kmstest.NewPipeline(t, hcvault.Type, f.KeyID("transit", "payments"))

	b, hs, err := p.Write(executor(p, map[string]string{hcvault.ConfigToken: "s.writer"}), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Read(executor(p, map[string]string{hcvault.ConfigToken: "s.reader"}), b, hs)
	if err != nil || got != kmstest.Card {
		t.Fatalf("read %+v, %v", got, err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/v1/transit/encrypt/payments" || reqs[0].Token != "s.writer" ||
		reqs[1].Path != "/v1/transit/decrypt/payments" || reqs[1].Token != "s.reader" {
		t.Fatalf("Vault saw %+v", reqs)
	}
	if w := p.WrappedDEK(); !strings.HasPrefix(string(w), "vault:v1:") {
		t.Fatalf("the DEK Registry keeps %q, want Vault's ciphertext", w)
	}
}

func TestEndToEndAppRoleAndNamespace(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.SetNamespace("payments/")
	f.AddKey("transit", "payments")
	f.AddRole("app-role", "app-secret")
	p := kmstest.NewPipeline(t, hcvault.Type, f.KeyID("transit", "payments"))
	conf := map[string]string{
		hcvault.ConfigNamespace: "payments/", hcvault.ConfigAppRoleRoleID: "app-role", hcvault.ConfigAppRoleSecretID: "app-secret",
	}
	b, hs, err := p.Write(executor(p, conf), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Read(executor(p, conf), b, hs); err != nil || got != kmstest.Card {
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
	p := kmstest.NewPipeline(t, hcvault.Type, f.KeyID("transit", "payments"))
	t.Setenv("VAULT_TOKEN", "s.from-env")
	b, hs, err := p.Write(executor(p, nil), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(hcvault.EnvAppRoleRoleID, "env-role")
	t.Setenv(hcvault.EnvAppRoleSecretID, "env-secret")
	if _, err := p.Read(executor(p, nil), b, hs); err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if reqs[0].Token != "s.from-env" || reqs[1].Path != "/v1/auth/approle/login" || reqs[2].Token != "hvs.approle-token-1" {
		t.Fatalf("Vault saw %+v", reqs)
	}
}
