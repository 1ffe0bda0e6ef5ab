package main

import (
	"context"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

func runExample(t *testing.T, env map[string]string) string {
	t.Helper()
	var out strings.Builder
	if err := kmsexample.Run(context.Background(), func(k string) string { return env[k] }, &out, wiring()); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// Offline, the example runs against the mock registry and the local KMS.
func TestExampleOffline(t *testing.T) {
	out := runExample(t, map[string]string{"LOCAL_SECRET": "test secret"})
	kmsexample.Expect(t, out, "offline: KEK in Confluent's local KMS", "read back payment p-1: card 4111111111111111, 1299 cents")
}

// With a transit key URL and VAULT_TOKEN, the example's Vault path runs
// (here against the fake Vault).
func TestExampleVault(t *testing.T) {
	for _, v := range []string{"VAULT_NAMESPACE", "VAULT_APPROLE_ROLE_ID", "VAULT_APPROLE_SECRET_ID", "VAULT_ADDR"} {
		t.Setenv(v, "")
	}
	f := fakevault.New(t)
	f.AddKey("transit", "payments")
	f.AddToken("hvs.example", "transit/encrypt/payments", "transit/decrypt/payments")
	t.Setenv("VAULT_TOKEN", "hvs.example")
	out := runExample(t, map[string]string{"VAULT_TRANSIT_KEY_URL": f.KeyID("transit", "payments")})
	kmsexample.Expect(t, out, "KEK in Vault: "+f.KeyID("transit", "payments"), "read back payment p-1: card 4111111111111111, 1299 cents")
	reqs := f.Requests()
	if len(reqs) == 0 || reqs[0].Path != "/v1/transit/encrypt/payments" || reqs[0].Token != "hvs.example" {
		t.Fatalf("Vault saw %+v, want the DEK wrapped with VAULT_TOKEN", reqs)
	}
}
