package awskms

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

// isolate points the SDK's default chain at empty shared files and no
// instance metadata, and clears the role variables.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", EnvRoleARN: "", EnvRoleSessionName: "",
		EnvRoleExternalID: "", EnvWebIdentityTokenFile: "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(k, v)
	}
	return dir
}

func newKMSFrom(t *testing.T, d encryption.Driver, conf map[string]string) encryption.KMS {
	t.Helper()
	k, err := d.NewKMS(context.Background(), conf)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// access.key.id and secret.access.key sign the requests, over the base
// configuration's credentials.
func TestDriverStaticCredentials(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds("AKIABASE000000000000", "base-secret")
	f.AddCreds(testAKID, testSecret)
	d := Driver(Config{AWS: sdkConfig(f, "AKIABASE000000000000", "base-secret"), Endpoint: f.Srv.URL})
	if d.Type() != Type {
		t.Fatalf("Type = %q", d.Type())
	}
	kmstest.RoundTrip(t, newKMSFrom(t, d, map[string]string{ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret}), keyARN, keyARN)
	kmstest.RoundTrip(t, newKMSFrom(t, d, nil), keyARN, keyARN)
	log := f.Log()
	if len(log) != 4 || log[0].AccessKeyID != testAKID || log[1].AccessKeyID != testAKID || log[2].AccessKeyID != "AKIABASE000000000000" {
		t.Fatalf("requests %+v: want the config's key, then the base's", log)
	}
}

// With no base configuration the SDK's default chain gives the credentials
// (here the environment); KMSOptions reach the client.
func TestDriverDefaultChain(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds(testAKID, testSecret)
	t.Setenv("AWS_ACCESS_KEY_ID", testAKID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	d := Driver(Config{Endpoint: f.Srv.URL, KMSOptions: []func(*kms.Options){func(o *kms.Options) { o.HTTPClient = f.Srv.Client() }}})
	kmstest.RoundTrip(t, newKMSFrom(t, d, nil), keyARN, keyARN)
	if r := f.Log()[0]; r.AccessKeyID != testAKID || r.Region != "eu-west-1" {
		t.Fatalf("request %+v", r)
	}
}

// profile reads the profile's credentials from the shared files.
func TestDriverProfile(t *testing.T) {
	dir := isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds("AKIAPROFILE000000000", "profile-secret")
	creds := "[default]\naws_access_key_id = AKIADEFAULT000000000\naws_secret_access_key = x\n\n[encrypt]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = profile-secret\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	base := Config{AWS: sdkConfig(f, "AKIABASE000000000000", "base-secret"), Endpoint: f.Srv.URL}
	kmstest.RoundTrip(t, newKMSFrom(t, Driver(base), map[string]string{ConfigProfile: "encrypt"}), keyARN, keyARN)
	if r := f.Log()[0]; r.AccessKeyID != "AKIAPROFILE000000000" {
		t.Fatalf("request signed by %s, want the profile's key", r.AccessKeyID)
	}
	_, err := Driver(base).NewKMS(context.Background(), map[string]string{ConfigProfile: "missing"})
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("unknown profile: %v, want ErrConfig", err)
	}
}

// role.arn assumes the role with STS in the key's region, signed by the
// configured credentials, with the session name and external ID; KMS calls
// are signed with the temporary credentials and their session token, which
// are cached.
func TestDriverAssumeRole(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-north-1", testKeyID)
	f.AddCreds(testAKID, testSecret)
	const role = "arn:aws:iam::111122223333:role/encrypt"
	f.AddRole(role, "ext-42")
	base := sdkConfig(f, "AKIABASE000000000000", "base-secret")
	base.BaseEndpoint = &f.Srv.URL // STS and KMS
	d := Driver(Config{AWS: base})
	k := newKMSFrom(t, d, map[string]string{
		ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret,
		ConfigRoleARN: role, ConfigRoleSessionName: "payments-app", ConfigRoleExternalID: "ext-42",
	})
	kmstest.RoundTrip(t, k, keyARN, keyARN)
	kmstest.RoundTrip(t, k, keyARN, keyARN)
	log := f.Log()
	if len(log) != 5 {
		t.Fatalf("%d requests, want 1 AssumeRole and 4 KMS calls: %+v", len(log), log)
	}
	if r := log[0]; r.Op != "AssumeRole" || r.Service != "sts" || r.Region != "eu-north-1" || r.AccessKeyID != testAKID ||
		r.RoleARN != role || r.Session != "payments-app" || r.ExternalID != "ext-42" {
		t.Fatalf("AssumeRole request %+v", r)
	}
	for _, r := range log[1:] {
		if !strings.HasPrefix(r.AccessKeyID, "ASIAFAKE") || r.Token == "" || f.Token(r.AccessKeyID) != r.Token ||
			!containsHeader(r.SignedHeader, "x-amz-security-token") {
			t.Fatalf("KMS request %+v: want the role's temporary credentials with a signed session token", r)
		}
	}
}

func containsHeader(hs []string, h string) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME stand in for the config keys,
// except under web identity (EKS IRSA), where the default chain assumes the
// role; the default session name is Confluent's.
func TestDriverRoleFromEnvironment(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds(testAKID, testSecret)
	const role = "arn:aws:iam::111122223333:role/env"
	f.AddRole(role, "")
	t.Setenv(EnvRoleARN, role)
	d := Driver(Config{AWS: sdkConfig(f, testAKID, testSecret), Endpoint: f.Srv.URL,
		STSOptions: []func(*sts.Options){func(o *sts.Options) { o.BaseEndpoint = &f.Srv.URL }}})
	kmstest.RoundTrip(t, newKMSFrom(t, d, nil), keyARN, keyARN)
	if r := f.Log()[0]; r.Op != "AssumeRole" || r.RoleARN != role || r.Session != DefaultRoleSessionName || r.ExternalID != "" {
		t.Fatalf("first request %+v: want AssumeRole of %s as %s", r, role, DefaultRoleSessionName)
	}
	t.Setenv(EnvWebIdentityTokenFile, filepath.Join(t.TempDir(), "token"))
	n := len(f.Log())
	kmstest.RoundTrip(t, newKMSFrom(t, d, nil), keyARN, keyARN)
	if r := f.Log()[n]; r.Op != "Encrypt" || r.AccessKeyID != testAKID {
		t.Fatalf("under web identity, request %+v: want no AssumeRole", r)
	}
}

// A refused AssumeRole is a credentials failure: an outage of the key's
// calls, never printing the secret.
func TestDriverRoleRefused(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	f.AddCreds(testAKID, testSecret)
	base := sdkConfig(f, testAKID, testSecret)
	base.BaseEndpoint = &f.Srv.URL
	k := newKMSFrom(t, Driver(Config{AWS: base}), map[string]string{
		ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret, ConfigRoleARN: "arn:aws:iam::111122223333:role/unknown",
	})
	_, err := k.Wrap(context.Background(), keyARN, []byte(testDEK))
	var e *Error
	if !errors.Is(err, serde.ErrUnavailable) || !errors.As(err, &e) || e.KeyID != keyARN || e.StatusCode != 0 {
		t.Fatalf("err = %v, want an outage for the key", err)
	}
	kmstest.NoSecrets(t, err, testSecret)
	for _, r := range f.Log() {
		if r.Op != "AssumeRole" {
			t.Fatalf("KMS was called without credentials: %+v", r)
		}
	}
}
