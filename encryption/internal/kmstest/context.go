package kmstest

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A call under a context that has ended fails at once with the context's
// error, an outage.
func (c *suite) canceled(t *testing.T) {
	e := c.env(t)
	w := wrap(t, e.KMS, e.KeyID)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for op, err := range both(ctx, e.KMS, e.KeyID, w) {
		c.contextErr(t, op, err, e, context.Canceled)
	}
}

// A call the service holds returns when its context's deadline passes,
// with the deadline's error, an outage.
func (c *suite) deadline(t *testing.T) {
	e := c.env(t)
	need(t, e.Hang != nil, "Hang")
	w := wrap(t, e.KMS, e.KeyID)
	e.Hang()
	for _, op := range []struct {
		name string
		call func(context.Context) error
	}{
		{"Wrap", func(ctx context.Context) error { _, err := e.KMS.Wrap(ctx, e.KeyID, dek); return err }},
		{"Unwrap", func(ctx context.Context) error { _, err := e.KMS.Unwrap(ctx, e.KeyID, w); return err }},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- op.call(ctx) }()
		select {
		case err := <-done:
			c.contextErr(t, op.name, err, e, context.DeadlineExceeded)
		case <-time.After(30 * time.Second): // a hang, not a slow call
			t.Errorf("%s: no return 30 s after its context's deadline", op.name)
		}
		cancel()
	}
}

// contextErr checks that err is an outage that keeps the context's error
// want.
func (c *suite) contextErr(t testing.TB, what string, err error, e Env, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: %v, want it to match %v", what, err, want)
	}
	c.outageErr(t, what, err, e)
}
