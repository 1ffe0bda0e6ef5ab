package hcvault_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

// cleanEnv clears the environment the SDK and the driver read.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_ADDR", "VAULT_AGENT_ADDR", "VAULT_HEADERS",
		"VAULT_MAX_RETRIES", hcvault.EnvAppRoleRoleID, hcvault.EnvAppRoleSecretID} {
		t.Setenv(v, "")
	}
}

// sdkConfig is the SDK's default configuration without retries (tests
// that want them set them).
func sdkConfig() *api.Config {
	c := api.DefaultConfig()
	c.MaxRetries = 0
	return c
}

func newKMS(t *testing.T, cfg hcvault.Config) *hcvault.KMS {
	t.Helper()
	if cfg.Vault == nil {
		cfg.Vault = sdkConfig()
	}
	k, err := hcvault.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var dek = []byte("\x12\x20 thirty-two bytes of DEK keyset!")

func TestWrapUnwrapOnTheWire(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakevault.New(t)
	f.AddKey("transit", "payments")
	f.AddToken("s.static-token", "transit/encrypt/payments", "transit/decrypt/payments")
	k := newKMS(t, hcvault.Config{Token: "s.static-token"})
	id := f.KeyID("transit", "payments")

	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(w, []byte("vault:v1:")) {
		t.Fatalf("wrapped = %q, want Vault's ciphertext string", w)
	}
	got, err := k.Unwrap(ctx, id, w)
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	// What another client stored (Vault's ciphertext as bytes) unwraps.
	other := f.Encrypt("transit", "payments", []byte("wrapped by Confluent's client"))
	if got, err := k.Unwrap(ctx, id, []byte(other)); err != nil || string(got) != "wrapped by Confluent's client" {
		t.Fatalf("unwrap of another client's ciphertext = %q, %v", got, err)
	}

	reqs := f.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3: %+v", len(reqs), reqs)
	}
	enc, dec := reqs[0], reqs[1]
	if enc.Path != "/v1/transit/encrypt/payments" || (enc.Method != http.MethodPut && enc.Method != http.MethodPost) {
		t.Errorf("encrypt request %s %s", enc.Method, enc.Path)
	}
	if dec.Path != "/v1/transit/decrypt/payments" {
		t.Errorf("decrypt request %s %s", dec.Method, dec.Path)
	}
	for _, r := range reqs {
		if r.Token != "s.static-token" || r.Namespace != "" {
			t.Errorf("%s: token %q namespace %q", r.Path, r.Token, r.Namespace)
		}
	}
	// The bodies are Confluent's: the DEK in standard base64, the
	// ciphertext string, and nothing else (no context, no associated data).
	if len(enc.Body) != 1 || enc.Body["plaintext"] != base64.StdEncoding.EncodeToString(dek) {
		t.Errorf("encrypt body %v", enc.Body)
	}
	if len(dec.Body) != 1 || dec.Body["ciphertext"] != string(w) {
		t.Errorf("decrypt body %v", dec.Body)
	}
}

func TestKeyIDs(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakevault.New(t)
	f.AddKey("transit", "k")
	f.AddKey("teams/a/transit", "k.v2")
	f.AddToken("tok", "*")
	k := newKMS(t, hcvault.Config{Token: "tok"})
	host := strings.TrimPrefix(f.URL(), "http://")
	for _, id := range []string{
		f.URL() + "/transit/keys/k",
		"hcvault://" + f.URL() + "/transit/keys/k", // Confluent's key URL
		"HCVAULT://" + f.URL() + "/transit/keys/k",
		f.URL() + "/teams/a/transit/keys/k.v2", // a nested mount
	} {
		w, err := k.Wrap(ctx, id, dek)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if _, err := k.Unwrap(ctx, id, w); err != nil {
			t.Errorf("%s: unwrap: %v", id, err)
		}
	}
	calls := len(f.Requests())
	for _, id := range []string{
		"", "hcvault://", f.URL(), f.URL() + "/transit/k", f.URL() + "/keys/k",
		f.URL() + "/transit/keys/", f.URL() + "/transit/keys/k/", f.URL() + "/transit/../sys/keys/k",
		f.URL() + "/transit/keys/..", f.URL() + "/transit/keys/k?x=1", f.URL() + "/transit/keys/k#f",
		"http://user:pass@" + host + "/transit/keys/k", "ftp://" + host + "/transit/keys/k",
		f.URL() + "/transit/keys/a%2Fb", f.URL() + "/tran sit/keys/k",
	} {
		_, err := k.Wrap(ctx, id, dek)
		var e *hcvault.Error
		if !errors.Is(err, hcvault.ErrKeyID) || !errors.As(err, &e) || e.KeyID != id || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("%q: err = %v, want ErrKeyID naming the key", id, err)
		}
	}
	if n := len(f.Requests()); n != calls {
		t.Fatalf("invalid key IDs made %d calls", n-calls)
	}
	// Without a scheme the address is https (as Confluent's clients): the
	// plain-HTTP fake is then unreachable, an outage.
	_, err := k.Wrap(ctx, host+"/transit/keys/k", dek)
	if !errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("schemeless key ID over https to an http server: %v", err)
	}
}

func TestEndpointOverride(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakevault.New(t)
	f.AddKey("transit", "k")
	f.AddToken("tok", "*")
	// The key ID names a host that does not resolve; the endpoint is used.
	k := newKMS(t, hcvault.Config{Token: "tok", Endpoint: f.URL()})
	id := "https://vault.invalid:8200/transit/keys/k"
	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Unwrap(ctx, id, w); err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	for _, bad := range []string{"vault:8200", "ftp://x", "http://", "http://u:p@h"} {
		if _, err := hcvault.New(ctx, hcvault.Config{Endpoint: bad}); !errors.Is(err, hcvault.ErrConfig) {
			t.Errorf("endpoint %q: err = %v, want ErrConfig", bad, err)
		}
	}
}

func TestNamespaceAndEnvironment(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakevault.New(t)
	f.SetNamespace("team-a/")
	f.AddKey("transit", "k")
	f.AddToken("env-token", "*")
	t.Setenv("VAULT_TOKEN", "env-token")
	t.Setenv("VAULT_NAMESPACE", "team-a/")
	k := newKMS(t, hcvault.Config{})
	if _, err := k.Wrap(ctx, f.KeyID("transit", "k"), dek); err != nil {
		t.Fatal(err)
	}
	// Config values win over the environment.
	k2 := newKMS(t, hcvault.Config{Token: "other", Namespace: "team-b/"})
	if _, err := k2.Wrap(ctx, f.KeyID("transit", "k"), dek); err == nil {
		t.Fatal("the environment's token or namespace was used although Config has them")
	}
	reqs := f.Requests()
	if r := reqs[0]; r.Token != "env-token" || r.Namespace != "team-a/" {
		t.Fatalf("from the environment: token %q namespace %q", r.Token, r.Namespace)
	}
	if r := reqs[1]; r.Token != "other" || r.Namespace != "team-b/" {
		t.Fatalf("from Config: token %q namespace %q", r.Token, r.Namespace)
	}
}

// The SDK's retries are the KMS's: MaxRetries retries a 5xx.
func TestSDKRetries(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddKey("transit", "k")
	f.AddToken("tok", "*")
	failures := 2
	f.SetFault(func(*http.Request) (int, string) {
		if failures > 0 {
			failures--
			return http.StatusServiceUnavailable, `{"errors":["Vault is sealed"]}`
		}
		return 0, ""
	})
	c := api.DefaultConfig()
	c.MaxRetries = 2
	c.MinRetryWait, c.MaxRetryWait = time.Millisecond, 2*time.Millisecond
	k := newKMS(t, hcvault.Config{Vault: c, Token: "tok"})
	if _, err := k.Wrap(context.Background(), f.KeyID("transit", "k"), dek); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Requests()); n != 3 {
		t.Fatalf("%d requests, want 3 (2 retries)", n)
	}
}

func TestTLS(t *testing.T) {
	cleanEnv(t)
	f := fakevault.NewTLS(t)
	f.AddKey("transit", "k")
	f.AddToken("tok", "*")
	id := f.KeyID("transit", "k")

	// Without the CA the server's certificate is refused: an outage.
	k := newKMS(t, hcvault.Config{Token: "tok"})
	if _, err := k.Wrap(context.Background(), id, dek); !errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("untrusted certificate: err = %v", err)
	}
	c := sdkConfig()
	if err := c.ConfigureTLS(&api.TLSConfig{CACert: f.CAFile(t)}); err != nil {
		t.Fatal(err)
	}
	k = newKMS(t, hcvault.Config{Vault: c, Token: "tok"})
	if _, err := k.Wrap(context.Background(), id, dek); err != nil {
		t.Fatal(err)
	}
}

func TestUnwrapRefusesNonCiphertexts(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddToken("tok", "*")
	k := newKMS(t, hcvault.Config{Token: "tok"})
	for _, w := range []string{"", "vault:v", "vault:", "VAULT:v1:AAAA", "vault:v1:AA\nAA", "vault:v1:\xff", "vault:v1:" + strings.Repeat("A", 70000)} {
		_, err := k.Unwrap(context.Background(), f.KeyID("transit", "k"), []byte(w))
		if !errors.Is(err, hcvault.ErrCiphertext) || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("%.20q: err = %v, want ErrCiphertext", w, err)
		}
	}
	if n := len(f.Requests()); n != 0 {
		t.Fatalf("%d calls for bytes that are not Vault ciphertexts", n)
	}
}

// The KMS conformance suite against the fake Vault: a KMS with a static
// token, the driver with Confluent's token.id.
func TestConformance(t *testing.T) {
	const token, revoked = "s.conformance-token", "s.revoked-token"
	kmstest.Run(t, kmstest.Driver{Type: hcvault.Type, New: func(t *testing.T) kmstest.Env {
		cleanEnv(t)
		f := fakevault.New(t)
		f.AddKey("transit", "k")
		f.AddKey("transit", "other")
		f.AddToken(token, "*")
		hold := kmstest.Holder(t)
		return kmstest.Env{
			KMS: newKMS(t, hcvault.Config{Token: token}), KeyID: f.KeyID("transit", "k"), OtherKeyID: f.KeyID("transit", "other"),
			Driver: hcvault.Driver(hcvault.Config{Vault: sdkConfig()}), Config: map[string]string{hcvault.ConfigToken: token},
			BadConfigs: []map[string]string{
				{hcvault.ConfigAppRoleRoleID: "r"},
				{hcvault.ConfigAppRoleSecretID: "super-secret-id"},
			},
			ConfigErr:        hcvault.ErrConfig,
			WrongCredentials: newKMS(t, hcvault.Config{Token: revoked}),
			Secrets:          []string{token, revoked, "super-secret-id"},
			Break:            func() { f.SetFault(status(503, `{"errors":["Vault is sealed"]}`)) },
			Close:            f.Close,
			Hang: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					hold(r)
					return http.StatusServiceUnavailable, "{}"
				})
			},
			Refuse: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					if strings.HasPrefix(r.URL.Path, "/v1/transit/") {
						return http.StatusForbidden, `{"errors":["1 error occurred:\n\t* permission denied\n\n"]}`
					}
					return 0, ""
				})
			},
		}
	}})
}
