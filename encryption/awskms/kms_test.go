package awskms

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/serde"
)

const (
	testAKID   = "AKIAFAKEEXAMPLE00001"
	testSecret = "fake/secret/access/key/never/printed"
	testKeyID  = "1234abcd-12ab-34cd-56ef-1234567890ab"
	testDEK    = "a serialized Tink key, 40 bytes or so..."
)

// sdkConfig is an SDK configuration that reaches the fake: static
// credentials, the fake's TLS client, no retries.
func sdkConfig(f *fakeaws.Server, akid, secret string) *aws.Config {
	return &aws.Config{
		Credentials: credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:  f.Srv.Client(),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func newTestKMS(t *testing.T, f *fakeaws.Server, mod ...func(*Config)) *KMS {
	t.Helper()
	f.AddCreds(testAKID, testSecret)
	cfg := Config{AWS: sdkConfig(f, testAKID, testSecret), Endpoint: f.Srv.URL}
	for _, m := range mod {
		m(&cfg)
	}
	k, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The requests are Confluent's: KeyId the key ARN, the DEK as plaintext, no
// encryption context, the default algorithm; signed with SigV4 for the
// ARN's region and the kms service with the configured credentials.
func TestWrapUnwrapWire(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	k := newTestKMS(t, f)
	if k.Type() != "aws-kms" {
		t.Fatalf("Type = %q", k.Type())
	}
	kmstest.RoundTrip(t, k, keyARN, keyARN)
	log := f.Log()
	if len(log) != 2 || log[0].Op != "Encrypt" || log[1].Op != "Decrypt" {
		t.Fatalf("requests: %+v", log)
	}
	for _, r := range log {
		if r.KeyID != keyARN || r.HasContext || r.Algorithm != "" || r.Region != "eu-west-1" || r.Service != "kms" || r.AccessKeyID != testAKID || r.Token != "" {
			t.Errorf("request %+v: want KeyId %s, no encryption context or algorithm, signed for eu-west-1/kms by %s", r, keyARN, testAKID)
		}
	}
}

// Confluent's key URLs (aws-kms://arn:...) work; the scheme is not sent.
func TestKeyURLPrefix(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("us-east-2", testKeyID)
	k := newTestKMS(t, f)
	kmstest.RoundTrip(t, k, "aws-kms://"+keyARN, "AWS-KMS://"+keyARN)
	for _, r := range f.Log() {
		if r.KeyID != keyARN {
			t.Errorf("KeyId sent %q, want %q", r.KeyID, keyARN)
		}
	}
}

// Alias ARNs wrap and unwrap; Decrypt answers with the key's ARN, which is
// not checked against an alias.
func TestAliasARN(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("ap-southeast-2", testKeyID)
	alias := f.AddAlias(keyARN, "payments")
	k := newTestKMS(t, f)
	kmstest.RoundTrip(t, k, alias, alias)
	kmstest.RoundTrip(t, k, alias, keyARN)
	if r := f.Log()[0]; r.KeyID != alias || r.Region != "ap-southeast-2" {
		t.Fatalf("Encrypt request %+v", r)
	}
}

// Each call goes to the region of its key's ARN, whatever the SDK's region.
func TestRegionPerKey(t *testing.T) {
	f := fakeaws.New(t)
	a := f.AddKey("eu-central-1", "key-a")
	b := f.AddKey("us-west-2", "key-b")
	k := newTestKMS(t, f, func(c *Config) { c.AWS.Region = "sa-east-1" })
	kmstest.RoundTrip(t, k, a, a)
	kmstest.RoundTrip(t, k, b, b)
	var regions []string
	for _, r := range f.Log() {
		regions = append(regions, r.Region)
	}
	if got := strings.Join(regions, ","); got != "eu-central-1,eu-central-1,us-west-2,us-west-2" {
		t.Fatalf("signing regions %s", got)
	}
}

// A key ID that is no ARN needs a configured region; without one it is
// refused before any request.
func TestBareKeyID(t *testing.T) {
	f := fakeaws.New(t)
	f.AddKey("us-east-1", testKeyID)
	k := newTestKMS(t, f)
	for _, id := range []string{testKeyID, "alias/payments", "", "arn:aws:s3:::bucket", "arn:aws:kms:US_EAST:1:key/x"} {
		_, err := k.Wrap(context.Background(), id, []byte(testDEK))
		var e *Error
		if !errors.Is(err, ErrKeyID) || !errors.As(err, &e) || e.KeyID != id || errors.Is(err, serde.ErrUnavailable) {
			t.Errorf("Wrap(%q) = %v, want ErrKeyID naming the key", id, err)
		}
	}
	if n := len(f.Log()); n != 0 {
		t.Fatalf("%d requests for invalid key IDs", n)
	}
	k = newTestKMS(t, f, func(c *Config) { c.AWS.Region = "us-east-1" })
	kmstest.RoundTrip(t, k, testKeyID, testKeyID)
}

// Wrapped bytes of another key are refused even when KMS decrypts them, as
// Confluent's Java client refuses them.
func TestWrongKey(t *testing.T) {
	f := fakeaws.New(t)
	a := f.AddKey("eu-west-1", "key-a")
	b := f.AddKey("eu-west-1", "key-b")
	k := newTestKMS(t, f)
	w, err := k.Wrap(context.Background(), a, []byte(testDEK))
	if err != nil {
		t.Fatal(err)
	}
	f.SetSloppy(true)
	_, err = k.Unwrap(context.Background(), b, w)
	if !errors.Is(err, ErrWrongKey) || errors.Is(err, serde.ErrUnavailable) || !strings.Contains(err.Error(), b) {
		t.Fatalf("Unwrap with another key = %v, want ErrWrongKey naming %s", err, b)
	}
}

// Refusals of the key or of the bytes are typed, name the key, and are not
// outages.
func TestRefusals(t *testing.T) {
	f := fakeaws.New(t)
	a := f.AddKey("eu-west-1", "key-a")
	b := f.AddKey("eu-west-1", "key-b")
	denied := f.AddKey("eu-west-1", "key-denied")
	disabled := f.AddKey("eu-west-1", "key-disabled")
	f.Deny(denied, testAKID)
	f.Disable(disabled)
	k := newTestKMS(t, f)
	ctx := context.Background()
	w, err := k.Wrap(ctx, a, []byte(testDEK))
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(w)
	tampered[len(tampered)-1] ^= 1
	cases := []struct {
		name, key, code string
		call            func(key string) error
		typed           any
	}{
		{"access denied", denied, "AccessDeniedException", func(key string) error { _, err := k.Wrap(ctx, key, []byte(testDEK)); return err }, new(*smithy.GenericAPIError)},
		{"unknown key", "arn:aws:kms:eu-west-1:111122223333:key/nope", "NotFoundException", func(key string) error { _, err := k.Wrap(ctx, key, []byte(testDEK)); return err }, new(*types.NotFoundException)},
		{"disabled key", disabled, "DisabledException", func(key string) error { _, err := k.Wrap(ctx, key, []byte(testDEK)); return err }, new(*types.DisabledException)},
		{"tampered", a, "InvalidCiphertextException", func(key string) error { _, err := k.Unwrap(ctx, key, tampered); return err }, new(*types.InvalidCiphertextException)},
		{"garbage", a, "InvalidCiphertextException", func(key string) error { _, err := k.Unwrap(ctx, key, []byte{1}); return err }, new(*types.InvalidCiphertextException)},
		{"another key's bytes", b, "IncorrectKeyException", func(key string) error { _, err := k.Unwrap(ctx, key, w); return err }, new(*types.IncorrectKeyException)},
		{"denied unwrap", denied, "AccessDeniedException", func(key string) error { _, err := k.Unwrap(ctx, key, w); return err }, new(*smithy.GenericAPIError)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(c.key)
			var e *Error
			if !errors.As(err, &e) || e.Code != c.code || e.KeyID != c.key || e.StatusCode != 400 {
				t.Fatalf("err = %v, want *Error %s for %s", err, c.code, c.key)
			}
			if errors.Is(err, serde.ErrUnavailable) {
				t.Fatalf("a refusal matches serde.ErrUnavailable: %v", err)
			}
			if !errors.As(err, c.typed) {
				t.Fatalf("errors.As does not find the SDK's %T in %v", c.typed, err)
			}
			if !strings.Contains(err.Error(), c.key) {
				t.Fatalf("message %q: want the key", err)
			}
			kmstest.NoSecrets(t, err, testSecret)
		})
	}
}

// Outages match serde.ErrUnavailable, name the key, and never print the
// credentials.
func TestOutages(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	k := newTestKMS(t, f)
	ctx := context.Background()
	wrap := func(k *KMS) error { _, err := k.Wrap(ctx, keyARN, []byte(testDEK)); return err }
	check := func(t *testing.T, err error, code string) {
		t.Helper()
		var e *Error
		if !errors.Is(err, serde.ErrUnavailable) || !errors.As(err, &e) || e.Code != code || e.KeyID != keyARN {
			t.Fatalf("err = %v, want an outage (code %q) for the key", err, code)
		}
		if !serde.IsTransient(err) {
			t.Fatalf("serde.IsTransient(%v) = false", err)
		}
		if !strings.Contains(err.Error(), keyARN) {
			t.Fatalf("message %q: want the key", err)
		}
		kmstest.NoSecrets(t, err, testSecret)
	}
	for _, c := range []struct {
		status int
		code   string
	}{
		{500, "KMSInternalException"}, {503, "ServiceUnavailable"}, {400, "ThrottlingException"},
		{400, "LimitExceededException"}, {500, "KeyUnavailableException"}, {503, "DependencyTimeoutException"},
	} {
		t.Run(c.code, func(t *testing.T) {
			f.Fail(c.status, c.code, 1)
			check(t, wrap(k), c.code)
		})
	}
	t.Run("unknown access key", func(t *testing.T) {
		k := newTestKMS(t, f, func(c *Config) { c.AWS = sdkConfig(f, "AKIAUNKNOWN000000000", testSecret) })
		check(t, wrap(k), "UnrecognizedClientException")
	})
	t.Run("no credentials", func(t *testing.T) {
		k := newTestKMS(t, f, func(c *Config) { c.AWS.Credentials = credentials.NewStaticCredentialsProvider("", "", "") })
		check(t, wrap(k), "")
	})
}

// The SDK's retries apply: two throttled answers, then a success.
func TestSDKRetries(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", testKeyID)
	k := newTestKMS(t, f, func(c *Config) {
		c.AWS.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}
	})
	f.Fail(400, "ThrottlingException", 2)
	kmstest.RoundTrip(t, k, keyARN, keyARN)
	if n := len(f.Log()); n != 4 {
		t.Fatalf("%d requests, want 3 Encrypt attempts and 1 Decrypt", n)
	}
}

// The KMS conformance suite against the fake AWS KMS: a KMS with static
// credentials, the driver with Confluent's access.key.id and
// secret.access.key.
func TestConformance(t *testing.T) {
	kmstest.Run(t, kmstest.Driver{Type: Type, New: func(t *testing.T) kmstest.Env {
		isolate(t)
		f := fakeaws.New(t)
		hang := kmstest.HoldRequests(t, f.Srv, nil)
		keyARN := f.AddKey("eu-west-1", testKeyID)
		return kmstest.Env{
			KMS: newTestKMS(t, f), KeyID: keyARN, OtherKeyID: f.AddKey("eu-west-1", "other-key"),
			Driver:           Driver(Config{AWS: sdkConfig(f, "AKIANOTUSED000000000", "base-secret-not-used"), Endpoint: f.Srv.URL}),
			Config:           map[string]string{ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret},
			BadConfigs:       []map[string]string{{ConfigAccessKeyID: testAKID}, {ConfigSecretAccessKey: testSecret}},
			ConfigErr:        ErrConfig,
			WrongCredentials: newTestKMS(t, f, func(c *Config) { c.AWS = sdkConfig(f, testAKID, "not-the-secret-key") }),
			Secrets:          []string{testSecret, "not-the-secret-key", "base-secret-not-used"},
			Break:            func() { f.Fail(503, "ServiceUnavailable", 100) },
			Close:            f.Srv.Close,
			Hang:             hang,
			Refuse:           func() { f.Deny(keyARN, testAKID) },
		}
	}})
}
