package azurekms_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

var dek = []byte("\x12\x20 thirty-two bytes of DEK keyset!")

func TestWrapUnwrapOnTheWire(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	version := f.AddKey("srkit-test", "payments-kek", 0)
	f.AddApp("app-1", "app-1-secret")
	cfg := config(f)
	cfg.Credential = credential(t, f, "app-1", "app-1-secret")
	k := newKMS(t, cfg)
	id := "https://srkit-test.vault.azure.net/keys/payments-kek/" + version

	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 256 {
		t.Fatalf("wrapped is %d bytes, want an RSA-2048 ciphertext", len(w))
	}
	got, err := k.Unwrap(ctx, id, w)
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	// What another client stored (Key Vault's result, raw) unwraps.
	other := f.Encrypt("srkit-test", "payments-kek", version, []byte("wrapped by Confluent's client"))
	if got, err := k.Unwrap(ctx, id, other); err != nil || string(got) != "wrapped by Confluent's client" {
		t.Fatalf("another client's bytes: %q, %v", got, err)
	}

	reqs := f.Requests()
	// The first request elicits the challenge (no token, no body), then
	// each call carries the bearer token from Entra ID.
	if len(reqs) != 4 || reqs[0].Auth != "" || reqs[1].Auth == "" {
		t.Fatalf("Key Vault saw %+v", reqs)
	}
	enc, dec := reqs[1], reqs[2]
	if enc.Method != http.MethodPost || enc.Host != "srkit-test.vault.azure.net" || enc.Path != "/keys/payments-kek/"+version+"/encrypt" {
		t.Errorf("encrypt request %s %s%s", enc.Method, enc.Host, enc.Path)
	}
	if dec.Path != "/keys/payments-kek/"+version+"/decrypt" {
		t.Errorf("decrypt request %s", dec.Path)
	}
	for _, r := range reqs[1:] {
		if r.APIVersion == "" || r.Alg != "RSA-OAEP-256" || !strings.HasPrefix(r.Auth, "Bearer eyJ0eXAiOiJKV1QifQ.fake-access-token-") {
			t.Errorf("%s: api-version %q alg %q auth %q", r.Path, r.APIVersion, r.Alg, r.Auth)
		}
	}
	if !bytes.Equal(enc.Value, dek) || !bytes.Equal(dec.Value, w) {
		t.Errorf("values sent: %x, %x", enc.Value, dec.Value)
	}
	forms := f.TokenForms()
	if len(forms) != 1 {
		t.Fatalf("%d token requests, want 1 (the token is cached)", len(forms))
	}
	if fm := forms[0]; fm.Get("client_id") != "app-1" || fm.Get("client_secret") != "app-1-secret" ||
		fm.Get("grant_type") != "client_credentials" || !slices.Contains(strings.Fields(fm.Get("scope")), "https://vault.azure.net/.default") {
		t.Errorf("token request %v", fm)
	}
}

func TestWrapKeyOperations(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	version := f.AddKey("srkit-test", "kek", 0)
	f.AddApp("wrapper", "s", "wrapkey", "unwrapkey")
	cfg := config(f)
	cfg.Credential = credential(t, f, "wrapper", "s")
	cfg.Operations = azurekms.WrapUnwrap
	k := newKMS(t, cfg)
	id := "https://srkit-test.vault.azure.net/keys/kek/" + version
	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	// The same RSA-OAEP-256: bytes of encrypt (Confluent's) unwrap with
	// unwrapKey, and the reverse.
	other := f.Encrypt("srkit-test", "kek", version, dek)
	for _, b := range [][]byte{w, other} {
		if got, err := k.Unwrap(ctx, id, b); err != nil || !bytes.Equal(got, dek) {
			t.Fatalf("unwrapKey = %x, %v", got, err)
		}
	}
	paths := []string{}
	for _, r := range f.Requests()[1:] {
		paths = append(paths, r.Path)
	}
	want := "/keys/kek/" + version + "/wrapkey /keys/kek/" + version + "/unwrapkey /keys/kek/" + version + "/unwrapkey"
	if strings.Join(paths, " ") != want {
		t.Fatalf("paths %v, want %s", paths, want)
	}
	// Without the wrapKey permission, Confluent's operation still works
	// for the app that has it, and this one is refused.
	cfg.Operations = azurekms.EncryptDecrypt
	_, err = newKMS(t, cfg).Unwrap(ctx, id, w)
	var e *azurekms.Error
	if !errors.As(err, &e) || e.Op != "decrypt" || e.Code != "Forbidden" || e.StatusCode != 403 || errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("decrypt without the permission: %v", err)
	}
	if _, err := azurekms.New(ctx, azurekms.Config{Credential: cfg.Credential, Operations: 7}); !errors.Is(err, azurekms.ErrConfig) {
		t.Fatalf("unknown operations: %v", err)
	}
}

// A versionless key ID wraps with the key's current version; after a
// rotation its old bytes no longer unwrap, unless they name their version
// (Confluent's azure:v1: header, SaveKeyVersion).
func TestVersionlessKeysAndSaveKeyVersion(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v1 := f.AddKey("srkit-test", "kek", 0)
	f.AddApp("app", "s")
	cfg := config(f)
	cfg.Credential = credential(t, f, "app", "s")
	plain := newKMS(t, cfg)
	cfg.SaveKeyVersion = true
	saving := newKMS(t, cfg)
	id := "https://srkit-test.vault.azure.net/keys/kek"

	raw, err := plain.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := saving.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	if want := "azure:v1:" + v1 + ":"; !bytes.HasPrefix(saved, []byte(want)) || len(saved) != len(want)+256 {
		t.Fatalf("saved = %.50q…, want %q + 256 bytes", saved, want)
	}
	if r := f.Requests(); !strings.HasSuffix(r[len(r)-1].Path, "/keys/kek//encrypt") && !strings.HasSuffix(r[len(r)-1].Path, "/keys/kek/encrypt") {
		t.Fatalf("versionless encrypt went to %s", r[len(r)-1].Path)
	}

	f.AddKey("srkit-test", "kek", 1) // rotation: a new current version
	// Both KMSes read the header, whatever their own setting.
	for _, k := range []*azurekms.KMS{plain, saving} {
		if got, err := k.Unwrap(ctx, id, saved); err != nil || !bytes.Equal(got, dek) {
			t.Fatalf("unwrap of the saved version after rotation: %x, %v", got, err)
		}
		if r := f.Requests(); r[len(r)-1].Path != "/keys/kek/"+v1+"/decrypt" {
			t.Fatalf("the saved version was not used: %s", r[len(r)-1].Path)
		}
	}
	_, err = plain.Unwrap(ctx, id, raw)
	var e *azurekms.Error
	if !errors.As(err, &e) || e.Code != "BadParameter" || errors.Is(err, serde.ErrUnavailable) || !strings.Contains(err.Error(), "encrypt.azure.key.version.save") {
		t.Fatalf("old bytes of a versionless key after rotation: %v", err)
	}
	// A pinned version is kept as is; one that cannot be in the header is refused.
	pinned, err := saving.Wrap(ctx, id+"/"+v1, dek)
	if err != nil || !bytes.HasPrefix(pinned, []byte("azure:v1:"+v1+":")) {
		t.Fatalf("pinned: %.50q, %v", pinned, err)
	}
	if _, err := saving.Wrap(ctx, id+"/notahexversion", dek); !errors.Is(err, azurekms.ErrKeyID) {
		t.Fatalf("a version the header cannot hold: %v", err)
	}
	// Headers with a version that is not 32 hex digits are refused
	// without a call (it would go into the request's path).
	n := len(f.Requests())
	for _, b := range []string{"azure:v1:" + strings.Repeat("z", 32) + ":x", "azure:v1:../../../../keys/other/abcdef012:x", ""} {
		if _, err := plain.Unwrap(ctx, id, []byte(b)); !errors.Is(err, azurekms.ErrCiphertext) || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("%q: err = %v, want ErrCiphertext", b, err)
		}
	}
	if len(f.Requests()) != n {
		t.Fatal("refused bytes made calls")
	}
}

func TestKeyIDs(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "kek-1", 0)
	f.AddApp("app", "s")
	cfg := config(f)
	cfg.Credential = credential(t, f, "app", "s")
	k := newKMS(t, cfg)
	for _, id := range []string{
		"https://srkit-test.vault.azure.net/keys/kek-1/" + v,
		"https://srkit-test.vault.azure.net/keys/kek-1",
		"https://srkit-test.vault.azure.net/keys/kek-1/",
		"azure-kms://https://srkit-test.vault.azure.net/keys/kek-1/" + v, // Confluent's key URL
		"https://srkit-test.vault.azure.net//keys//kek-1",                // empty segments, as Java skips them
	} {
		if _, err := k.Wrap(ctx, id, dek); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	n := len(f.Requests())
	for _, id := range []string{
		"", "srkit-test.vault.azure.net/keys/k", "http://srkit-test.vault.azure.net/keys/k",
		"https://srkit-test.vault.azure.net/keys", "https://srkit-test.vault.azure.net/secrets/k/1",
		"https://srkit-test.vault.azure.net/keys/k/1/2", "https://srkit-test.vault.azure.net/keys/k_1",
		"https://srkit-test.vault.azure.net/keys/k/v%2F1", "https://srkit-test.vault.azure.net/keys/k?api-version=1",
		"https://u:p@srkit-test.vault.azure.net/keys/k", "https://srkit-test.vault.azure.net/keys/..",
		"https:///keys/k", "https://srkit-test.vault.azure.net/keys/" + strings.Repeat("k", 128),
	} {
		_, err := k.Wrap(ctx, id, dek)
		var e *azurekms.Error
		if !errors.Is(err, azurekms.ErrKeyID) || !errors.As(err, &e) || e.KeyID != id || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("%q: err = %v, want ErrKeyID naming the key", id, err)
		}
	}
	if len(f.Requests()) != n {
		t.Fatal("invalid key IDs made calls")
	}
}

// The endpoint override sends every call to one URL; the challenge's
// resource (vault.azure.net) is then not the host's domain, which the
// SDK's DisableChallengeResourceVerification allows.
func TestEndpointOverride(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v := f.AddKey("endpoint", "kek", 0)
	f.AddApp("app", "s")
	cfg := config(f)
	cfg.Credential = credential(t, f, "app", "s")
	cfg.Endpoint = f.URL()
	cfg.KeysOptions.DisableChallengeResourceVerification = true
	k := newKMS(t, cfg)
	id := "https://elsewhere.vault.azure.net/keys/kek/" + v
	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Unwrap(ctx, id, w); err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	for _, r := range f.Requests() {
		if !strings.HasPrefix(r.Host, "127.0.0.1:") {
			t.Fatalf("a request went to %s", r.Host)
		}
	}
	for _, bad := range []string{"http://127.0.0.1:1", "127.0.0.1:1", "https://", "https://u:p@h"} {
		if _, err := azurekms.New(ctx, azurekms.Config{Credential: cfg.Credential, Endpoint: bad}); !errors.Is(err, azurekms.ErrConfig) {
			t.Errorf("endpoint %q: err = %v, want ErrConfig", bad, err)
		}
	}
}

// The SDK's retries are the KMS's: KeysOptions' Retry retries a 503.
func TestSDKRetries(t *testing.T) {
	cleanEnv(t)
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "kek", 0)
	f.AddApp("app", "s")
	failures := 2
	f.SetFault(func(r *http.Request) (int, string) {
		if strings.HasSuffix(r.URL.Path, "/encrypt") && r.Header.Get("Authorization") != "" && failures > 0 {
			failures--
			return 503, `{"error":{"code":"ServiceUnavailable","message":"try again"}}`
		}
		return 0, ""
	})
	cfg := config(f)
	cfg.Credential = credential(t, f, "app", "s")
	cfg.KeysOptions = &azkeys.ClientOptions{ClientOptions: clientOptions(f)}
	cfg.KeysOptions.Retry = policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 2 * time.Millisecond}
	if _, err := newKMS(t, cfg).Wrap(context.Background(), "https://srkit-test.vault.azure.net/keys/kek/"+v, dek); err != nil {
		t.Fatal(err)
	}
	if failures != 0 {
		t.Fatalf("%d failures left", failures)
	}
}

// The KMS conformance suite against the fake Key Vault: a KMS with a
// client-secret credential, the driver with Confluent's tenant.id,
// client.id and client.secret.
func TestConformance(t *testing.T) {
	const secret, wrongSecret = "conformance-app-secret", "a-wrong-s3cret/+="
	kmstest.Run(t, kmstest.Driver{Type: azurekms.Type, New: func(t *testing.T) kmstest.Env {
		cleanEnv(t)
		f := fakeazure.New(t)
		v := f.AddKey("srkit-test", "kek", 0)
		other := f.AddKey("srkit-test", "other", 1)
		f.AddApp("app", secret)
		kms := func(secret string) *azurekms.KMS {
			cfg := config(f)
			cfg.Credential = credential(t, f, "app", secret)
			return newKMS(t, cfg)
		}
		hold := kmstest.Holder(t)
		return kmstest.Env{
			KMS:        kms(secret),
			KeyID:      "https://srkit-test.vault.azure.net/keys/kek/" + v,
			OtherKeyID: "https://srkit-test.vault.azure.net/keys/other/" + other,
			Driver:     azurekms.Driver(config(f)), Config: appConfig("app", secret),
			BadConfigs: []map[string]string{
				{azurekms.ConfigTenantID: fakeazure.Tenant},
				{azurekms.ConfigClientID: "app", azurekms.ConfigClientSecret: secret},
				{azurekms.ConfigTenantID: fakeazure.Tenant, azurekms.ConfigClientSecret: secret},
				{azurekms.ConfigTenantID: "not a tenant/", azurekms.ConfigClientID: "app", azurekms.ConfigClientSecret: secret},
			},
			ConfigErr:        azurekms.ErrConfig,
			WrongCredentials: kms(wrongSecret),
			Secrets:          []string{secret, wrongSecret},
			Break: func() {
				f.SetFault(keyVaultFault(503, `{"error":{"code":"ServiceUnavailable","message":"try again"}}`))
			},
			Close: f.Close,
			Hang: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					if !strings.HasSuffix(r.Host, ".vault.azure.net") || r.Header.Get("Authorization") == "" {
						return 0, ""
					}
					hold(r)
					return 503, "{}"
				})
			},
			Refuse: func() {
				f.SetFault(keyVaultFault(403, `{"error":{"code":"Forbidden","message":"no permission on the key"}}`))
			},
		}
	}})
}
