package hcvault_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/hashicorp/vault/api"
	"github.com/hashicorp/vault/api/auth/approle"

	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

// Outages match serde.ErrUnavailable; refusals of the key or the bytes do
// not. Every error is an *hcvault.Error naming the key and the operation.
func TestErrorClasses(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		fault       func(*http.Request) (int, string)
		token       string // default "tok" (allowed everything)
		keyName     string // default "k"
		wrapped     string // unwrap these; default: a valid ciphertext
		unavailable bool
		status      int
	}{
		{name: "sealed", fault: status(503, `{"errors":["Vault is sealed"]}`), unavailable: true, status: 503},
		{name: "internal error", fault: status(500, `{"errors":["internal error"]}`), unavailable: true, status: 500},
		{name: "rate limited", fault: status(429, `{"errors":["request path \"transit/decrypt/k\": rate limit quota exceeded"]}`), unavailable: true, status: 429},
		{name: "standby behind", fault: status(412, `{"errors":["required index state not present"]}`), unavailable: true, status: 412},
		{name: "HTML from a proxy", fault: status(502, `<html>Bad Gateway</html>`), unavailable: true, status: 502},
		{name: "200 HTML", fault: status(200, `<html>portal</html>`), unavailable: true},
		{name: "200 without plaintext", fault: status(200, `{"data":{}}`), unavailable: true},
		{name: "200 not base64", fault: status(200, `{"data":{"plaintext":"%%%"}}`), unavailable: true},
		{name: "404 empty", fault: status(404, ``), unavailable: true, status: 404},
		{name: "403 HTML from a proxy", fault: status(403, `<html>Forbidden</html>`), unavailable: true, status: 403},
		{name: "unknown token", token: "revoked", unavailable: true, status: 403},
		{name: "forbidden on the key", token: "other-keys-only", status: 403},
		{name: "unknown key", keyName: "nope", status: 400},
		{name: "tampered", wrapped: "tamper", status: 400},
		{name: "no such mount", fault: status(404, `{"errors":["no handler for route \"nomount/decrypt/k\". route entry not found."]}`), status: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakevault.New(t)
			f.AddKey("transit", "k")
			f.AddToken("tok", "*")
			f.AddToken("other-keys-only", "transit/decrypt/other")
			good := f.Encrypt("transit", "k", dek)
			f.SetFault(tc.fault)
			token := tc.token
			if token == "" {
				token = "tok"
			}
			name := tc.keyName
			if name == "" {
				name = "k"
			}
			wrapped := good
			if tc.wrapped == "tamper" {
				wrapped = good[:len(good)-4] + "AAA="
			}
			k := newKMS(t, hcvault.Config{Token: token})
			id := f.KeyID("transit", name)
			_, err := k.Unwrap(ctx, id, []byte(wrapped))
			var e *hcvault.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *hcvault.Error", err)
			}
			if e.KeyID != id || e.Op != "decrypt" || e.StatusCode != tc.status {
				t.Errorf("Error{Op %q, KeyID %q, StatusCode %d}, want decrypt, %q, %d", e.Op, e.KeyID, e.StatusCode, id, tc.status)
			}
			if got := errors.Is(err, serde.ErrUnavailable); got != tc.unavailable {
				t.Errorf("unavailable = %v, want %v: %v", got, tc.unavailable, err)
			}
			if tc.status >= 400 && tc.fault == nil {
				var re *api.ResponseError
				if !errors.As(err, &re) || re.StatusCode != tc.status {
					t.Errorf("the SDK's ResponseError is not in the chain: %v", err)
				}
			}
			kmstest.NoSecrets(t, err, token, string(dek))
		})
	}
}

func status(code int, body string) func(*http.Request) (int, string) {
	return func(*http.Request) (int, string) { return code, body }
}

// AppRole: the KMS logs in before its first call, sends the login's token,
// and logs in again (once) when Vault refuses it.
func TestAppRoleLoginAndRelogin(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	f := fakevault.New(t)
	f.AddKey("transit", "k")
	f.AddRole("role-1", "secret-id-1")
	auth, err := approle.NewAppRoleAuth("role-1", &approle.SecretID{FromString: "secret-id-1"})
	if err != nil {
		t.Fatal(err)
	}
	k := newKMS(t, hcvault.Config{Auth: auth, Token: "ignored-static-token"})
	id := f.KeyID("transit", "k")
	w, err := k.Wrap(ctx, id, dek)
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/v1/auth/approle/login" || reqs[1].Token != "hvs.approle-token-1" {
		t.Fatalf("requests %+v, want a login then encrypt with its token", reqs)
	}
	if b := reqs[0].Body; b["role_id"] != "role-1" || b["secret_id"] != "secret-id-1" || reqs[0].Token != "" {
		t.Fatalf("login body %v token %q", b, reqs[0].Token)
	}
	// The token expires: the next call logs in again and succeeds.
	f.Revoke("hvs.approle-token-1")
	if _, err := k.Unwrap(ctx, id, w); err != nil {
		t.Fatal(err)
	}
	if f.Logins() != 2 {
		t.Fatalf("%d logins, want 2", f.Logins())
	}
	last := f.Requests()[len(f.Requests())-1]
	if last.Token != "hvs.approle-token-2" || last.Path != "/v1/transit/decrypt/k" {
		t.Fatalf("last request %+v", last)
	}

	// A wrong secret ID: the login fails, an outage naming the key.
	bad, _ := approle.NewAppRoleAuth("role-1", &approle.SecretID{FromString: "wrong-secret-id"})
	k2 := newKMS(t, hcvault.Config{Auth: bad})
	_, err = k2.Wrap(ctx, id, dek)
	var e *hcvault.Error
	if !errors.As(err, &e) || e.Op != "login" || e.KeyID != id || !errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("err = %v, want a login outage", err)
	}
	kmstest.NoSecrets(t, err, "wrong-secret-id", "secret-id-1")
}

// A token refused with a valid policy elsewhere: a permanent refusal even
// with AppRole (no second login: the new token would be refused too).
func TestAppRoleForbiddenKeyIsARefusal(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddRole("r", "s")
	auth, _ := approle.NewAppRoleAuth("r", &approle.SecretID{FromString: "s"})
	k := newKMS(t, hcvault.Config{Auth: auth})
	// The fake's AppRole tokens may use every path, so forbid by policy
	// with a fault on the transit path only.
	f.SetFault(func(r *http.Request) (int, string) {
		if r.URL.Path == "/v1/transit/decrypt/k" {
			return 403, `{"errors":["1 error occurred:\n\t* permission denied\n\n"]}`
		}
		return 0, ""
	})
	_, err := k.Unwrap(context.Background(), f.KeyID("transit", "k"), []byte("vault:v1:AAAA"))
	if err == nil || errors.Is(err, serde.ErrUnavailable) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if f.Logins() != 1 {
		t.Fatalf("%d logins, want 1", f.Logins())
	}
}
