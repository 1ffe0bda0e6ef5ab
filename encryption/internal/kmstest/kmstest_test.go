package kmstest

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
)

// memService is an in-memory KMS service that keeps the contract: keys
// derived from a secret and the key ID, typed errors, outages that match
// serde.ErrUnavailable, calls that honour their context.
type memService struct {
	mu                            sync.Mutex
	broken, closed, hung, refused bool
}

const (
	memType   = "mem-kms"
	memSecret = "mem-service-secret"
)

type memKMS struct {
	s     *memService
	creds string
}

func (*memKMS) Type() string { return memType }

func (k *memKMS) call(ctx context.Context, op, keyID string, f func(*localkms.KMS) ([]byte, error)) ([]byte, error) {
	fail := func(unavailable bool, code string, err error) ([]byte, error) {
		return nil, &encryption.KMSError{KMS: memType, Op: op, KeyID: keyID, Code: code, Unavailable: unavailable, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fail(true, "", err)
	}
	k.s.mu.Lock()
	broken, closed, hung, refused := k.s.broken, k.s.closed, k.s.hung, k.s.refused
	k.s.mu.Unlock()
	switch {
	case hung:
		<-ctx.Done()
		return fail(true, "", ctx.Err())
	case closed:
		return fail(true, "", errors.New("connection refused"))
	case broken:
		return fail(true, "ServiceUnavailable", nil)
	case k.creds != memSecret:
		return fail(true, "Unauthorized", nil)
	case refused:
		return fail(false, "Forbidden", nil)
	}
	out, err := f(localkms.New(memSecret + "/" + keyID))
	if err != nil {
		return fail(false, "BadCiphertext", errors.New("the bytes do not decrypt"))
	}
	return out, nil
}

func (k *memKMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	return k.call(ctx, "wrap", keyID, func(l *localkms.KMS) ([]byte, error) { return l.Wrap(ctx, keyID, dek) })
}

func (k *memKMS) Unwrap(ctx context.Context, keyID string, w []byte) ([]byte, error) {
	return k.call(ctx, "unwrap", keyID, func(l *localkms.KMS) ([]byte, error) { return l.Unwrap(ctx, keyID, w) })
}

var errMemConfig = errors.New("mem-kms: invalid configuration")

type memDriver struct{ s *memService }

func (memDriver) Type() string { return memType }

func (d memDriver) NewKMS(_ context.Context, config map[string]string) (encryption.KMS, error) {
	if config["secret"] == "" || config["other"] != "" {
		return nil, fmt.Errorf("%w: no secret, or an unknown key", errMemConfig)
	}
	return &memKMS{s: d.s, creds: config["secret"]}, nil
}

func memEnv(*testing.T) Env {
	s := &memService{}
	set := func(f *bool) func() {
		return func() { s.mu.Lock(); *f = true; s.mu.Unlock() }
	}
	return Env{
		KMS: &memKMS{s: s, creds: memSecret}, KeyID: "key-1", OtherKeyID: "key-2",
		Driver: memDriver{s}, Config: map[string]string{"secret": memSecret},
		ConfigErr:        errMemConfig,
		BadConfigs:       []map[string]string{{"secret": memSecret, "other": "x"}, {}},
		WrongCredentials: &memKMS{s: s, creds: "a-wrong-secret"},
		Secrets:          []string{memSecret, "a-wrong-secret"},
		Break:            set(&s.broken), Close: set(&s.closed), Hang: set(&s.hung), Refuse: set(&s.refused),
	}
}

// A KMS that keeps the contract passes the whole suite.
func TestRunPasses(t *testing.T) {
	Run(t, Driver{Type: memType, New: memEnv})
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// Fatal and Fatalf record, and end the goroutine (which the test runs
// the check in).
func (r *recorder) Fatal(args ...any) {
	r.failures = append(r.failures, fmt.Sprint(args...))
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// The checks fail on errors that break the contract.
func TestChecksCatchBrokenErrors(t *testing.T) {
	c := &suite{d: Driver{Type: memType}}
	e := Env{KeyID: "key-1", Secrets: []string{memSecret}}
	outage := &encryption.KMSError{KMS: memType, Op: "wrap", KeyID: "key-1", Unavailable: true}
	refusal := &encryption.KMSError{KMS: memType, Op: "wrap", KeyID: "key-1", Code: "Forbidden"}
	for _, tc := range []struct {
		name  string
		check func(testing.TB)
	}{
		{"a refusal as an outage", func(r testing.TB) { c.outageErr(r, "op", refusal, e) }},
		{"an outage as a refusal", func(r testing.TB) { c.refusal(r, "op", outage, e, "key-1") }},
		{"no error as an outage", func(r testing.TB) { c.outageErr(r, "op", nil, e) }},
		{"no error as a refusal", func(r testing.TB) { c.refusal(r, "op", nil, e, "key-1") }},
		{"an untyped outage", func(r testing.TB) {
			c.outageErr(r, "op", fmt.Errorf("x: %w", context.DeadlineExceeded), e)
		}},
		{"another key", func(r testing.TB) { c.refusal(r, "op", refusal, e, "key-2") }},
		{"another KMS type", func(r testing.TB) {
			other := *refusal
			other.KMS = "aws-kms"
			c.refusal(r, "op", &other, e, "key-1")
		}},
		{"a secret in the cause", func(r testing.TB) {
			leaky := *refusal
			leaky.Err = errors.New("signed with " + memSecret)
			c.refusal(r, "op", &leaky, e, "key-1")
		}},
		{"the deadline lost", func(r testing.TB) { c.contextErr(r, "op", outage, e, context.DeadlineExceeded) }},
		{"no ErrKMS", func(r testing.TB) { c.serdeErr(r, "read", outage, e, true) }},
	} {
		r := &recorder{TB: t}
		tc.check(r)
		if len(r.failures) == 0 {
			t.Errorf("%s: the check passed", tc.name)
		}
	}
	r := &recorder{TB: t}
	c.outageErr(r, "op", outage, e)
	c.refusal(r, "op", refusal, e, "key-1")
	c.serdeErr(r, "read", fmt.Errorf("%w: %w", encryption.ErrKMS, outage), e, true)
	if len(r.failures) != 0 {
		t.Errorf("the checks refused good errors: %v", r.failures)
	}
}

// NoSecrets finds a secret in every encoding it looks for, and nothing in
// an error that holds none.
func TestLeaks(t *testing.T) {
	const s = "s3cr3t/with+chars\n"
	for _, enc := range encodings(s) {
		if got := leaks("failed: "+enc+" (HTTP 401)", []string{"unrelated-secret", s}); len(got) != 1 {
			t.Errorf("%q: leaks = %q", enc, got)
		}
	}
	if got := leaks("an error that names no secret", []string{s, ""}); len(got) != 0 {
		t.Errorf("leaks = %q, want none", got)
	}
	r := &recorder{TB: t}
	NoSecrets(r, errors.New("token "+s), s)
	NoSecrets(r, nil, s)
	if len(r.failures) != 1 {
		t.Fatalf("NoSecrets failures %q, want 1", r.failures)
	}
	r.failures = nil
	NoSecretsIn(r, "a log", "level=WARN key="+hex.EncodeToString([]byte(s)), s)
	NoSecretsIn(r, "a log", "level=WARN nothing secret", s)
	if len(r.failures) != 1 || !strings.Contains(r.failures[0], "a log") {
		t.Fatalf("NoSecretsIn failures %q, want 1 naming the text", r.failures)
	}
}

// Confluent's record decrypts through the mem KMS when its DEK is wrapped
// by it, and not when the DEK Registry holds other bytes.
func TestReadConfluentRecord(t *testing.T) {
	k := &memKMS{s: &memService{}, creds: memSecret}
	wrap := func(m []byte) []byte {
		w, err := k.Wrap(context.Background(), "key-1", m)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	ReadConfluentRecord(t, memType, "key-1", wrap, encryption.WithKMS(k))
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ReadConfluentRecord(r, memType, "key-1", func(m []byte) []byte { return wrap([]byte("another DEK")) }, encryption.WithKMS(k))
	}()
	<-done
	if len(r.failures) == 0 {
		t.Fatal("a DEK that is not the record's read the record")
	}
}
