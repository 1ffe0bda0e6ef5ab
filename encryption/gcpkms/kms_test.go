package gcpkms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

const (
	testEmail = "encrypter@srkit-test.iam.gserviceaccount.com"
	testDEK   = "a serialized Tink key, 40 bytes or so..."
)

// keyFile is a service account's JSON key file whose tokens come from the
// fake.
func keyFile(f *fakeGCP, sa serviceAccountKey) []byte {
	b, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_id": sa.ClientID, "client_email": sa.ClientEmail,
		"private_key_id": sa.PrivateKeyID, "private_key": sa.PrivateKey, "token_uri": f.tokenURL(),
	})
	return b
}

// noRetry turns the library's retries off, so that a fault is answered at
// once.
var noRetry = gax.WithRetry(func() gax.Retryer { return nil })

func newTestKMS(t *testing.T, f *fakeGCP, sa serviceAccountKey, mod ...func(*Config)) *KMS {
	t.Helper()
	cfg := Config{
		Options:     []option.ClientOption{option.WithAuthCredentialsJSON(option.ServiceAccount, keyFile(f, sa))},
		Endpoint:    f.srv.URL,
		CallOptions: []gax.CallOption{noRetry},
	}
	for _, m := range mod {
		m(&cfg)
	}
	k, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	return k
}

// The requests are Confluent's (through Tink): POST /v1/{key}:encrypt and
// :decrypt with the key's name, no additional authenticated data, CRC32C
// checksums; authorized with an access token the token endpoint issued
// for the service account's signed JWT.
func TestWrapUnwrapWire(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("europe-west1", "payments", "kek", testEmail)
	k := newTestKMS(t, f, sa)
	if k.Type() != "gcp-kms" {
		t.Fatalf("Type = %q", k.Type())
	}
	kmstest.RoundTrip(t, k, key, key)
	kmstest.RoundTrip(t, k, key, key)
	log := f.log()
	if len(log) != 5 || log[0].Op != "token" {
		t.Fatalf("requests %+v: want one token request, then 4 KMS calls on the cached token", log)
	}
	if r := log[0]; r.Email != testEmail || r.Aud != f.tokenURL() || !strings.Contains(r.Scope, "cloud") {
		t.Fatalf("token request %+v", r)
	}
	for i, r := range log[1:] {
		op := []string{"encrypt", "decrypt"}[i%2]
		if r.Op != op || r.Path != "/v1/"+key+":"+op || r.Name != key || r.Email != testEmail || r.HasAAD ||
			(op == "encrypt" && !r.PlaintextCRC) || (op == "decrypt" && !r.CiphertextCRC) || r.RequestParams != "name="+strings.ReplaceAll(key, "/", "%2F") {
			t.Fatalf("request %+v", r)
		}
	}
}

// Confluent's key URLs (gcp-kms://projects/...) work; the scheme is not
// sent. Invalid names are refused before any request.
func TestKeyNames(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	k := newTestKMS(t, f, sa)
	kmstest.RoundTrip(t, k, "gcp-kms://"+key, "GCP-KMS://"+key)
	if r := f.log()[1]; r.Name != key {
		t.Fatalf("name sent %q", r.Name)
	}
	n := len(f.log())
	for _, id := range []string{"", "projects/p", key + "/cryptoKeyVersions/1", "projects/p/locations/l/keyRings/r/cryptoKeys/../../x",
		"projects/p/locations/l/keyRings/r/cryptoKeys/k?x=1", "projects/p/locations/l/keyRings/r/keys/k", "arn:aws:kms:eu-west-1:1:key/x"} {
		_, err := k.Wrap(context.Background(), id, []byte(testDEK))
		var e *Error
		if !errors.Is(err, ErrKeyName) || !errors.As(err, &e) || e.KeyID != id || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("Wrap(%q) = %v, want ErrKeyName", id, err)
		}
	}
	if len(f.log()) != n {
		t.Fatal("invalid key names reached Cloud KMS")
	}
}

// Refusals are typed, name the key, and are not outages.
func TestRefusals(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	a := f.addKey("global", "ring", "a", testEmail)
	b := f.addKey("global", "ring", "b", testEmail)
	denied := f.addKey("global", "ring", "denied")
	disabled := f.addKey("global", "ring", "disabled", testEmail)
	f.keys[disabled].disabled = true
	k := newTestKMS(t, f, sa)
	ctx := context.Background()
	w, err := k.Wrap(ctx, a, []byte(testDEK))
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(w)
	tampered[len(tampered)-1] ^= 1
	wrap := func(key string) error { _, err := k.Wrap(ctx, key, []byte(testDEK)); return err }
	for _, c := range []struct {
		name, key, status string
		http              int
		call              func(string) error
	}{
		{"permission denied", denied, "PERMISSION_DENIED", 403, wrap},
		{"unknown key", "projects/srkit-test/locations/global/keyRings/ring/cryptoKeys/nope", "PERMISSION_DENIED", 403, wrap},
		{"disabled", disabled, "FAILED_PRECONDITION", 400, wrap},
		{"tampered", a, "INVALID_ARGUMENT", 400, func(key string) error { _, err := k.Unwrap(ctx, key, tampered); return err }},
		{"another key's bytes", b, "INVALID_ARGUMENT", 400, func(key string) error { _, err := k.Unwrap(ctx, key, w); return err }},
		{"denied unwrap", denied, "PERMISSION_DENIED", 403, func(key string) error { _, err := k.Unwrap(ctx, key, w); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(c.key)
			var e *Error
			if !errors.As(err, &e) || e.Code != c.status || e.StatusCode != c.http || e.KeyID != c.key {
				t.Fatalf("err = %v, want *Error %s (HTTP %d) for %s", err, c.status, c.http, c.key)
			}
			if errors.Is(err, serde.ErrUnavailable) || serde.IsTransient(err) {
				t.Fatalf("a refusal is an outage: %v", err)
			}
			var ge *googleapi.Error
			if !errors.As(err, &ge) || ge.Code != c.http {
				t.Fatalf("errors.As does not find the *googleapi.Error in %v", err)
			}
			if !strings.Contains(err.Error(), c.key) || strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Fatalf("message %q", err)
			}
		})
	}
}

// An Encrypt answer that names a version of another key is refused, as
// Tink refuses it; a key whose name merely starts with the asked key's
// ("kek2" for "kek") is another key too.
func TestEncryptAnswerForAnotherKey(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	k := newTestKMS(t, f, sa)
	for _, other := range []string{
		"projects/srkit-test/locations/global/keyRings/ring/cryptoKeys/other/cryptoKeyVersions/1",
		key + "2/cryptoKeyVersions/1",
		key + "2",
	} {
		f.set(func(f *fakeGCP) { f.answerAs = other })
		_, err := k.Wrap(context.Background(), key, []byte(testDEK))
		var e *Error
		if !errors.As(err, &e) || e.KeyID != key || errors.Is(err, serde.ErrUnavailable) || !strings.Contains(err.Error(), other) {
			t.Fatalf("answer naming %s: err = %v, want a refusal naming both keys", other, err)
		}
	}
	f.set(func(f *fakeGCP) { f.answerAs = key + "/cryptoKeyVersions/7" })
	kmstest.RoundTrip(t, k, key, key)
}

// Outages match serde.ErrUnavailable, name the key, and never print the
// private key or the access token.
func TestOutages(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	k := newTestKMS(t, f, sa)
	ctx := context.Background()
	check := func(t *testing.T, err error, status string) {
		t.Helper()
		var e *Error
		if !errors.Is(err, serde.ErrUnavailable) || !serde.IsTransient(err) || !errors.As(err, &e) || e.Code != status || e.KeyID != key {
			t.Fatalf("err = %v, want an outage (status %q) for the key", err, status)
		}
		msg := err.Error()
		if !strings.Contains(msg, key) || strings.Contains(msg, "PRIVATE KEY") || strings.Contains(msg, "ya29.") {
			t.Fatalf("message %q: want the key, never credentials", msg)
		}
	}
	wrap := func(k *KMS) error { _, err := k.Wrap(ctx, key, []byte(testDEK)); return err }
	for _, c := range []struct {
		status int
		code   string
	}{{503, "UNAVAILABLE"}, {500, "INTERNAL"}, {429, "RESOURCE_EXHAUSTED"}, {504, "DEADLINE_EXCEEDED"}} {
		t.Run(c.code, func(t *testing.T) {
			f.fail(c.status, c.code, 1)
			check(t, wrap(k), c.code)
		})
	}
	t.Run("checksum", func(t *testing.T) {
		f.set(func(f *fakeGCP) { f.corrupt = true })
		defer f.set(func(f *fakeGCP) { f.corrupt = false })
		err := wrap(k)
		check(t, err, "")
		if !errors.Is(err, ErrIntegrity) {
			t.Fatalf("err = %v, want ErrIntegrity", err)
		}
	})
	t.Run("access token refused", func(t *testing.T) {
		k := newTestKMS(t, f, sa)
		if err := wrap(k); err != nil {
			t.Fatal(err)
		}
		f.set(func(f *fakeGCP) { clear(f.tokens) }) // revoked
		check(t, wrap(k), "UNAUTHENTICATED")
	})
}

// The library's retries apply (here its default retry of 503 answers,
// with a short back-off given as a call option).
func TestLibraryRetries(t *testing.T) {
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	k := newTestKMS(t, f, sa, func(c *Config) {
		c.CallOptions = []gax.CallOption{gax.WithRetry(func() gax.Retryer {
			return gax.OnHTTPCodes(gax.Backoff{Initial: time.Millisecond, Max: time.Millisecond}, http.StatusServiceUnavailable)
		})}
	})
	f.fail(503, "UNAVAILABLE", 2)
	kmstest.RoundTrip(t, k, key, key)
	if n := len(f.log()); n != 5 {
		t.Fatalf("%d requests, want a token, 3 encrypt attempts and a decrypt", n)
	}
}

// The KMS conformance suite against the fake Cloud KMS: a KMS with a
// service account's key file, the driver with Confluent's client.id,
// client.email, private.key.id and private.key.
func TestConformance(t *testing.T) {
	kmstest.Run(t, kmstest.Driver{Type: Type, New: func(t *testing.T) kmstest.Env {
		isolate(t)
		f := newFakeGCP(t)
		hang := kmstest.HoldRequests(t, f.srv, func(r *http.Request) bool { return r.URL.Path != "/token" })
		sa := f.addAccount(testEmail)
		key := f.addKey("global", "ring", "kek", testEmail)
		wrong := sa
		wrong.PrivateKey = otherPrivateKey()
		noKey, noEmail := saConfig(sa), saConfig(sa)
		delete(noKey, ConfigPrivateKey)
		delete(noEmail, ConfigClientEmail)
		return kmstest.Env{
			KMS: newTestKMS(t, f, sa), KeyID: key, OtherKeyID: f.addKey("global", "ring", "other", testEmail),
			Driver: driverFor(f), Config: saConfig(sa),
			BadConfigs: []map[string]string{noKey, noEmail}, ConfigErr: ErrConfig,
			WrongCredentials: newTestKMS(t, f, wrong),
			Secrets:          []string{sa.PrivateKey, wrong.PrivateKey},
			Break:            func() { f.fail(503, "UNAVAILABLE", 100) },
			Close:            f.srv.Close,
			Hang:             hang,
			Refuse:           func() { f.set(func(f *fakeGCP) { delete(f.keys[key].allowed, testEmail) }) },
		}
	}})
}
