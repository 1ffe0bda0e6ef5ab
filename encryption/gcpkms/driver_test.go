package gcpkms

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kms "cloud.google.com/go/kms/apiv1"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

// isolate keeps application default credentials away from the machine's.
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", dir)
	t.Setenv("HOME", dir)
	t.Setenv("GCE_METADATA_HOST", "127.0.0.1:1") // no metadata server
	t.Setenv("NO_GCE_CHECK", "True")
}

func saConfig(sa serviceAccountKey) map[string]string {
	return map[string]string{
		ConfigClientID: sa.ClientID, ConfigClientEmail: sa.ClientEmail,
		ConfigPrivateKeyID: sa.PrivateKeyID, ConfigPrivateKey: sa.PrivateKey,
	}
}

func driverFor(f *fakeGCP, opts ...option.ClientOption) encryption.Driver {
	return Driver(Config{Options: opts, Endpoint: f.srv.URL, TokenURL: f.tokenURL(), CallOptions: []gax.CallOption{noRetry}})
}

func newKMSFrom(t *testing.T, d encryption.Driver, conf map[string]string) encryption.KMS {
	t.Helper()
	k, err := d.NewKMS(context.Background(), conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.(*KMS).Close() })
	return k
}

// Confluent's keys make a service account, which signs its token request;
// its access token authorizes the KMS calls. Its keys win over the base
// options' credentials. Escaped newlines in private.key (as copied from a
// key file's JSON) work too.
func TestDriverServiceAccount(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	base := f.addAccount("base@srkit-test.iam.gserviceaccount.com")
	sa := f.addAccount(testEmail)
	key := f.addKey("us-central1", "ring", "kek", testEmail)
	d := driverFor(f, option.WithAuthCredentialsJSON(option.ServiceAccount, keyFile(f, base)))
	if d.Type() != Type {
		t.Fatalf("Type = %q", d.Type())
	}
	kmstest.RoundTrip(t, newKMSFrom(t, d, saConfig(sa)), key, key)
	escaped := saConfig(sa)
	escaped[ConfigPrivateKey] = strings.ReplaceAll(sa.PrivateKey, "\n", `\n`)
	escaped[ConfigAccountType] = "service_account"
	kmstest.RoundTrip(t, newKMSFrom(t, d, escaped), key, key)
	for _, r := range f.log() {
		if r.Email != testEmail {
			t.Fatalf("request %+v: want the config's service account", r)
		}
	}
}

// Part of a service account, or another account type, is a configuration
// error that names the keys, never their values.
func TestDriverIncompleteServiceAccount(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	for _, drop := range []string{ConfigClientID, ConfigClientEmail, ConfigPrivateKeyID, ConfigPrivateKey} {
		conf := saConfig(sa)
		delete(conf, drop)
		_, err := driverFor(f).NewKMS(context.Background(), conf)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), drop) || strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), sa.ClientID) {
			t.Fatalf("without %s: %v", drop, err)
		}
	}
	conf := saConfig(sa)
	conf[ConfigAccountType] = "authorized_user"
	if _, err := driverFor(f).NewKMS(context.Background(), conf); !errors.Is(err, ErrConfig) {
		t.Fatalf("account.type authorized_user: %v", err)
	}
}

// A private key that is no key fails without printing it.
func TestDriverBadPrivateKey(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	conf := saConfig(sa)
	conf[ConfigPrivateKey] = "-----BEGIN PRIVATE KEY-----\nTOPSECRETNOTAKEY\n-----END PRIVATE KEY-----\n"
	k, err := driverFor(f).NewKMS(context.Background(), conf)
	if err == nil {
		_, err = k.Wrap(context.Background(), key, []byte(testDEK))
		if !errors.Is(err, serde.ErrUnavailable) {
			t.Fatalf("Wrap with a bad private key: %v, want a credentials outage", err)
		}
	}
	if err == nil {
		t.Fatal("a private key that is no key was accepted")
	}
	kmstest.NoSecrets(t, err, conf[ConfigPrivateKey], "TOPSECRETNOTAKEY")
}

// Without Confluent's keys, application default credentials
// (GOOGLE_APPLICATION_CREDENTIALS here) authenticate.
func TestDriverApplicationDefault(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	file := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(file, keyFile(f, sa), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", file)
	kmstest.RoundTrip(t, newKMSFrom(t, driverFor(f), nil), key, key)
	if r := f.log()[0]; r.Op != "token" || r.Email != testEmail {
		t.Fatalf("first request %+v", r)
	}
}

// A client made by the caller (any transport) is used as it is.
func TestNewWithClient(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("global", "ring", "kek", testEmail)
	c, err := kms.NewKeyManagementRESTClient(context.Background(),
		option.WithEndpoint(f.srv.URL), option.WithAuthCredentialsJSON(option.ServiceAccount, keyFile(f, sa)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	k, err := New(context.Background(), Config{Client: c, Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	kmstest.RoundTrip(t, k, key, key)
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	kmstest.RoundTrip(t, k, key, key) // the caller's client is not closed
}
