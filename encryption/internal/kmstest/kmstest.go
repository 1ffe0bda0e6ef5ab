// Package kmstest is the conformance suite of srkit's KMS drivers: what
// the contract of [encryption.KMS] asks of every driver, run against the
// driver's fake service. A driver's tests call [Run] with a [Driver] and
// keep only what is the driver's own (its key IDs, its credentials
// configuration, the requests its service sees). [Pipeline], the
// end-to-end harness of the suite (a mock registry, an ENCRYPT_PAYLOAD
// rule, Avro records), serves the drivers' own end-to-end tests too.
//
// The nested driver modules import it as the core module's internal
// package: Go's internal rule is by path, and they live under
// encryption/.
package kmstest

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/serde"
)

// Driver is a KMS driver under test.
type Driver struct {
	// Type is the KMS type its KMSes serve ("aws-kms", ...).
	Type string
	// New starts a fake service for t (t's cleanup stops it) and returns
	// the environment of a KMS reaching it. Each subtest calls it.
	New func(t *testing.T) Env
	// UntypedErrors says the driver's errors need not be
	// *encryption.KMSError (the local KMS, which does no I/O); by
	// default every error must be one, naming the key.
	UntypedErrors bool
}

// Env is one KMS reaching a fresh fake service, and the handles that make
// the service fail. The fields that may be nil or empty skip the subtests
// that need them.
type Env struct {
	// KMS reaches the fake with credentials it accepts.
	KMS encryption.KMS
	// KeyID is a key KMS may wrap and unwrap with.
	KeyID string
	// OtherKeyID is another key KMS may use: what KeyID wrapped must not
	// unwrap with it.
	OtherKeyID string

	// Driver, given Config (Confluent's rule-config keys with working
	// credentials), makes a KMS that reaches the same fake. The
	// end-to-end subtests use it when set, and KMS when not.
	Driver encryption.Driver
	Config map[string]string
	// BadConfigs are configurations Driver refuses: NewKMS fails, with an
	// error that matches ConfigErr when that is set.
	BadConfigs []map[string]string
	ConfigErr  error
	// WrongCredentials reaches the fake with credentials it refuses: its
	// calls are outages (the credentials are fixed outside the message).
	WrongCredentials encryption.KMS
	// Secrets are the credentials in play (of KMS, Config, BadConfigs and
	// WrongCredentials), at least 8 bytes each: no error may hold one, in
	// any encoding.
	Secrets []string

	// Break makes the fake answer every later call as an outage (a 5xx
	// answer, throttling).
	Break func()
	// Close makes the fake unreachable.
	Close func()
	// Hang makes the fake hold every later call until the call's
	// context ends.
	Hang func()
	// Refuse makes the fake refuse KeyID from now on (access denied on
	// the key).
	Refuse func()
}

// dek is the key material the suite wraps: a serialized Tink keyset's
// size and look.
var dek = []byte("\x12\x20srkit conformance DEK key material\x18\x01")

// Run runs the suite on d, each check a subtest.
func Run(t *testing.T, d Driver) {
	t.Helper()
	c := &suite{d: d}
	t.Run("RoundTrip", c.roundTrip)
	t.Run("Concurrent", c.concurrent)
	t.Run("Tampered", c.tampered)
	t.Run("WrongKey", c.wrongKey)
	t.Run("Refused", c.refused)
	t.Run("Outage", c.outage)
	t.Run("Unreachable", c.unreachable)
	t.Run("WrongCredentials", c.wrongCredentials)
	t.Run("Canceled", c.canceled)
	t.Run("Deadline", c.deadline)
	t.Run("Driver", c.driver)
	t.Run("EndToEndPayload", c.endToEndPayload)
	t.Run("EndToEndField", c.endToEndField)
	t.Run("EndToEndOutage", c.endToEndOutage)
	t.Run("EndToEndRefused", c.endToEndRefused)
}

type suite struct{ d Driver }

// env makes a fresh environment and checks it.
func (c *suite) env(t *testing.T) Env {
	t.Helper()
	e := c.d.New(t)
	if e.KMS == nil || e.KeyID == "" {
		t.Fatal("kmstest: Env without KMS or KeyID")
	}
	for _, s := range e.Secrets {
		if len(s) < 8 {
			t.Fatalf("kmstest: secret %q is too short to look for in errors", s)
		}
	}
	return e
}

// need skips t when the Env lacks what it needs (a field that may be
// nil or empty: the KMS does no I/O, or its fake cannot do it).
func need(t *testing.T, ok bool, field string) {
	t.Helper()
	if !ok {
		t.Skip("the Env has no " + field)
	}
}

// kept returns op(keyID, a copy of in), and fails t when op fails or
// modifies the caller's bytes.
func kept(t *testing.T, name, keyID string, in []byte, op func(context.Context, string, []byte) ([]byte, error)) []byte {
	t.Helper()
	arg := bytes.Clone(in)
	out, err := op(context.Background(), keyID, arg)
	if err != nil {
		t.Fatalf("%s(%q): %v", name, keyID, err)
	}
	if !bytes.Equal(arg, in) {
		t.Fatalf("%s modified the caller's bytes", name)
	}
	return out
}

// wrap returns dek wrapped by k.
func wrap(t *testing.T, k encryption.KMS, keyID string) []byte {
	t.Helper()
	w := kept(t, "Wrap", keyID, dek, k.Wrap)
	if len(w) == 0 || bytes.Contains(w, dek) {
		t.Fatalf("wrapped %q: want bytes that do not hold the DEK", w)
	}
	return w
}

// unwrap wants dek from k's unwrapping of w.
func unwrap(t *testing.T, k encryption.KMS, keyID string, w []byte) {
	t.Helper()
	if got := kept(t, "Unwrap", keyID, w, k.Unwrap); !bytes.Equal(got, dek) {
		t.Fatalf("Unwrap = %q, want %q", got, dek)
	}
}

// RoundTrip wraps a DEK with k and the key wrapID and unwraps it with
// unwrapID (the same key, or another name of it: a key URL, an alias),
// failing t unless the DEK comes back and the caller's bytes are kept.
func RoundTrip(t *testing.T, k encryption.KMS, wrapID, unwrapID string) {
	t.Helper()
	unwrap(t, k, unwrapID, wrap(t, k, wrapID))
}

// both returns the errors, by operation, of a Wrap of dek and an Unwrap of
// w with k under ctx.
func both(ctx context.Context, k encryption.KMS, keyID string, w []byte) map[string]error {
	_, werr := k.Wrap(ctx, keyID, dek)
	_, uerr := k.Unwrap(ctx, keyID, w)
	return map[string]error{"Wrap": werr, "Unwrap": uerr}
}

// The KMS says its type, wraps and unwraps, and two KMSes of the same
// service and key read each other's bytes.
func (c *suite) roundTrip(t *testing.T) {
	e := c.env(t)
	if got := e.KMS.Type(); !strings.EqualFold(got, c.d.Type) {
		t.Fatalf("Type() = %q, want %q", got, c.d.Type)
	}
	w := wrap(t, e.KMS, e.KeyID)
	unwrap(t, e.KMS, e.KeyID, w)
	unwrap(t, e.KMS, e.KeyID, w)
}

// A KMS is shared: concurrent wraps and unwraps each get their own DEK.
func (c *suite) concurrent(t *testing.T) {
	e := c.env(t)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			mine := append(bytes.Clone(dek), byte(i))
			w, err := e.KMS.Wrap(context.Background(), e.KeyID, mine)
			if err == nil {
				var got []byte
				got, err = e.KMS.Unwrap(context.Background(), e.KeyID, w)
				if err == nil && !bytes.Equal(got, mine) {
					err = errors.New("unwrapped another goroutine's DEK")
				}
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// Bytes that are not the KMS's wrapping of a DEK are refused: a refusal,
// never an outage.
func (c *suite) tampered(t *testing.T) {
	e := c.env(t)
	w := wrap(t, e.KMS, e.KeyID)
	flipped := bytes.Clone(w)
	flipped[len(flipped)/2] ^= 0x01
	for name, b := range map[string][]byte{
		"flipped bit": flipped, "truncated": w[:len(w)/2], "garbage": []byte("not wrapped by any KMS"),
	} {
		_, err := e.KMS.Unwrap(context.Background(), e.KeyID, b)
		c.refusal(t, name, err, e, e.KeyID)
	}
}

// What one key wrapped does not unwrap with another.
func (c *suite) wrongKey(t *testing.T) {
	e := c.env(t)
	need(t, e.OtherKeyID != "", "OtherKeyID")
	w := wrap(t, e.KMS, e.KeyID)
	_, err := e.KMS.Unwrap(context.Background(), e.OtherKeyID, w)
	c.refusal(t, "another key", err, e, e.OtherKeyID)
}

// A key the service refuses fails wraps and unwraps as refusals.
func (c *suite) refused(t *testing.T) {
	e := c.env(t)
	need(t, e.Refuse != nil, "Refuse")
	w := wrap(t, e.KMS, e.KeyID)
	e.Refuse()
	for op, err := range both(context.Background(), e.KMS, e.KeyID, w) {
		c.refusal(t, op, err, e, e.KeyID)
	}
}

// outageOf fails wraps and unwraps after breaking e's service with
// brk, and wants outages.
func (c *suite) outageOf(t *testing.T, e Env, brk func()) {
	t.Helper()
	w := wrap(t, e.KMS, e.KeyID)
	brk()
	for op, err := range both(context.Background(), e.KMS, e.KeyID, w) {
		c.outageErr(t, op, err, e)
	}
}

// A service that answers with 5xx (or throttles) is an outage.
func (c *suite) outage(t *testing.T) {
	e := c.env(t)
	need(t, e.Break != nil, "Break")
	c.outageOf(t, e, e.Break)
}

// A service that cannot be reached is an outage.
func (c *suite) unreachable(t *testing.T) {
	e := c.env(t)
	need(t, e.Close != nil, "Close")
	c.outageOf(t, e, e.Close)
}

// Credentials the service refuses are an outage, and the error holds none
// of them.
func (c *suite) wrongCredentials(t *testing.T) {
	e := c.env(t)
	need(t, e.WrongCredentials != nil, "WrongCredentials")
	for op, err := range both(context.Background(), e.WrongCredentials, e.KeyID, wrap(t, e.KMS, e.KeyID)) {
		c.outageErr(t, op, err, e)
	}
}

// Driver makes the KMS of Config (reading what KMS wrapped), leaves
// Config as it is, and refuses BadConfigs without printing their
// secrets.
func (c *suite) driver(t *testing.T) {
	e := c.env(t)
	need(t, e.Driver != nil, "Driver")
	if got := e.Driver.Type(); !strings.EqualFold(got, c.d.Type) {
		t.Fatalf("Driver.Type() = %q, want %q", got, c.d.Type)
	}
	conf := maps.Clone(e.Config)
	k, err := e.Driver.NewKMS(context.Background(), conf)
	if err != nil {
		t.Fatalf("NewKMS(Config): %v", err)
	}
	if !maps.Equal(conf, e.Config) {
		t.Fatal("NewKMS modified the caller's config")
	}
	unwrap(t, k, e.KeyID, wrap(t, e.KMS, e.KeyID))
	unwrap(t, e.KMS, e.KeyID, wrap(t, k, e.KeyID))
	for i, bad := range e.BadConfigs {
		_, err := e.Driver.NewKMS(context.Background(), maps.Clone(bad))
		if err == nil || (e.ConfigErr != nil && !errors.Is(err, e.ConfigErr)) {
			t.Errorf("BadConfigs[%d]: NewKMS: %v, want an error matching %v", i, err, e.ConfigErr)
		}
		NoSecrets(t, err, e.Secrets...)
	}
}

// refusal checks that err refuses the key or the bytes: not an outage,
// naming keyID, holding no secret.
func (c *suite) refusal(t testing.TB, what string, err error, e Env, keyID string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want a refusal", what)
		return
	}
	if serde.IsTransient(err) || errors.Is(err, serde.ErrUnavailable) {
		t.Errorf("%s: %v is an outage, want a refusal", what, err)
	}
	if ke, ok := c.typed(t, what, err, keyID); ok && ke.Unavailable {
		t.Errorf("%s: KMSError.Unavailable set on a refusal: %v", what, err)
	}
	NoSecrets(t, err, append(e.Secrets, string(dek))...)
}

// outageErr checks that err is an outage of e.KeyID holding no secret.
func (c *suite) outageErr(t testing.TB, what string, err error, e Env) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want an outage", what)
		return
	}
	if !serde.IsTransient(err) {
		t.Errorf("%s: serde.IsTransient(%v) = false, want an outage", what, err)
	}
	if ke, ok := c.typed(t, what, err, e.KeyID); ok && (!ke.Unavailable || !errors.Is(err, serde.ErrUnavailable)) {
		t.Errorf("%s: %v: KMSError.Unavailable unset, want an outage matching serde.ErrUnavailable", what, err)
	}
	NoSecrets(t, err, append(e.Secrets, string(dek))...)
}

// typed checks that err is a *encryption.KMSError of the driver's type
// naming keyID (unless the driver's errors are untyped) and returns it.
func (c *suite) typed(t testing.TB, what string, err error, keyID string) (*encryption.KMSError, bool) {
	t.Helper()
	var ke *encryption.KMSError
	if !errors.As(err, &ke) {
		if !c.d.UntypedErrors {
			t.Errorf("%s: %v (%T) is no *encryption.KMSError", what, err, err)
		}
		return nil, false
	}
	if ke.KeyID != keyID || !strings.EqualFold(ke.KMS, c.d.Type) || ke.Op == "" {
		t.Errorf("%s: KMSError{KMS %q, Op %q, KeyID %q}, want KMS %q, an Op, KeyID %q", what, ke.KMS, ke.Op, ke.KeyID, c.d.Type, keyID)
	}
	if !strings.Contains(err.Error(), keyID) {
		t.Errorf("%s: %q does not name the key %q", what, err, keyID)
	}
	return ke, true
}
