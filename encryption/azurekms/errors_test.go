package azurekms_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

// keyVaultFault answers Key Vault calls that carry a token (the challenge
// still passes) with status and body.
func keyVaultFault(status int, body string) func(*http.Request) (int, string) {
	return func(r *http.Request) (int, string) {
		if strings.HasSuffix(r.Host, ".vault.azure.net") && r.Header.Get("Authorization") != "" {
			return status, body
		}
		return 0, ""
	}
}

// Outages match serde.ErrUnavailable; refusals of the key or the bytes do
// not. Every error is an *azurekms.Error naming the key and the operation.
func TestErrorClasses(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		fault       func(*http.Request) (int, string)
		app         string // default "app" (every permission)
		key         string // default "kek"
		tamper      bool
		unavailable bool
		code        string
		status      int
	}{
		{name: "throttled", fault: keyVaultFault(429, `{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}`), unavailable: true, code: "Throttled", status: 429},
		{name: "unavailable", fault: keyVaultFault(503, `{"error":{"code":"ServiceUnavailable","message":"The service is unavailable."}}`), unavailable: true, code: "ServiceUnavailable", status: 503},
		{name: "internal error", fault: keyVaultFault(500, `{"error":{"code":"InternalServerError","message":"oops"}}`), unavailable: true, code: "InternalServerError", status: 500},
		{name: "HTML from a gateway", fault: keyVaultFault(502, `<html>Bad Gateway</html>`), unavailable: true, status: 502},
		{name: "HTML 404 from a proxy", fault: keyVaultFault(404, `<html>Not Found</html>`), unavailable: true, status: 404},
		{name: "200 without a value", fault: keyVaultFault(200, `{"kid":"https://srkit-test.vault.azure.net/keys/kek/0"}`), unavailable: true},
		{name: "200 HTML", fault: keyVaultFault(200, `<html>portal</html>`), unavailable: true},
		{name: "token refused", fault: keyVaultFault(401, `{"error":{"code":"Unauthorized","message":"AKV10022: Invalid audience."}}`), unavailable: true, code: "Unauthorized", status: 401},
		{name: "Entra ID down", fault: func(r *http.Request) (int, string) {
			if r.Host == "login.srkit.test" {
				return 503, `{"error":"temporarily_unavailable"}`
			}
			return 0, ""
		}, unavailable: true},
		{name: "forbidden on the key", app: "encrypt-only", code: "Forbidden", status: 403},
		{name: "unknown key", key: "nope", code: "KeyNotFound", status: 404},
		{name: "tampered", tamper: true, code: "BadParameter", status: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeazure.New(t)
			v := f.AddKey("srkit-test", "kek", 0)
			f.AddApp("app", "app-secret")
			f.AddApp("encrypt-only", "eo-secret", "encrypt")
			app, secret, key := "app", "app-secret", "kek"
			if tc.app != "" {
				app, secret = tc.app, "eo-secret"
			}
			if tc.key != "" {
				key = tc.key
			}
			wrapped := f.Encrypt("srkit-test", "kek", v, dek)
			if tc.tamper {
				wrapped[10] ^= 1
			}
			f.SetFault(tc.fault)
			cfg := config(f)
			cfg.Credential = credential(t, f, app, secret)
			id := "https://srkit-test.vault.azure.net/keys/" + key + "/" + v
			_, err := newKMS(t, cfg).Unwrap(ctx, id, wrapped)
			var e *azurekms.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *azurekms.Error", err)
			}
			if e.KeyID != id || e.Op != "decrypt" || e.Code != tc.code || e.StatusCode != tc.status {
				t.Errorf("Error{Op %q, KeyID %q, Code %q, StatusCode %d}, want decrypt, %q, %q, %d", e.Op, e.KeyID, e.Code, e.StatusCode, id, tc.code, tc.status)
			}
			if got := errors.Is(err, serde.ErrUnavailable); got != tc.unavailable {
				t.Errorf("unavailable = %v, want %v: %v", got, tc.unavailable, err)
			}
			var re *azcore.ResponseError
			if tc.code != "" && (!errors.As(err, &re) || re.ErrorCode != tc.code) {
				t.Errorf("the SDK's ResponseError is not in the chain: %v", err)
			}
			kmstest.NoSecrets(t, err, secret, string(dek))
		})
	}
}

func TestCredentialFailures(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakeazure.New(t)
	v := f.AddKey("srkit-test", "kek", 0)
	f.AddApp("app", "the-right-secret")
	id := "https://srkit-test.vault.azure.net/keys/kek/" + v

	// Entra ID refuses the client secret: an outage of the credentials
	// (fixed outside the message), naming the key, never the secret.
	cfg := config(f)
	cfg.Credential = credential(t, f, "app", "a-wrong-s3cret/+=")
	_, err := newKMS(t, cfg).Wrap(ctx, id, dek)
	var e *azurekms.Error
	var af *azidentity.AuthenticationFailedError
	if !errors.As(err, &e) || e.KeyID != id || e.StatusCode != 0 || !errors.As(err, &af) || !errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("err = %v, want an outage with azidentity's AuthenticationFailedError", err)
	}
	kmstest.NoSecrets(t, err, "a-wrong-s3cret/+=", "the-right-secret")
}
