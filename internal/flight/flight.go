// Package flight makes concurrent calls for one key share a single
// execution (a "singleflight"), with the context rules srkit needs: every
// caller waits with its own context, and a call that failed because its
// leader's context ended is run again for the callers still waiting.
package flight

import (
	"context"
	"errors"
	"sync"
)

// ErrPanicked is what waiters get when the call they waited for panicked
// (the panic goes on up the leader's stack).
var ErrPanicked = errors.New("flight: the shared call panicked in another goroutine")

// WaitError is returned to a caller whose context ended while it waited for
// another caller's call. It unwraps to the context's error.
type WaitError struct{ Err error }

// Error implements error.
func (e *WaitError) Error() string { return "waiting for a shared call: " + e.Err.Error() }

// Unwrap returns the context's error.
func (e *WaitError) Unwrap() error { return e.Err }

// Group runs one call per key at a time. The zero Group is ready to use.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

type call[V any] struct {
	done chan struct{}
	v    V
	err  error
	// leaderCanceled: the call failed because the leader's context ended;
	// waiters with live contexts run it again.
	leaderCanceled bool
}

// Do runs fn(ctx) for key unless a call for key is in flight, in which case
// it waits for that call's result or for ctx to end (then it returns a
// [*WaitError]). When the call it waited for failed because its leader's
// context ended, Do runs fn again with its own context.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	for {
		g.mu.Lock()
		if g.calls == nil {
			g.calls = map[K]*call[V]{}
		}
		if c, ok := g.calls[key]; ok {
			g.mu.Unlock()
			select {
			case <-c.done:
			case <-ctx.Done():
				var zero V
				return zero, &WaitError{Err: ctx.Err()}
			}
			if c.leaderCanceled && ctx.Err() == nil {
				continue
			}
			return c.v, c.err
		}
		c := &call[V]{done: make(chan struct{})}
		g.calls[key] = c
		g.mu.Unlock()
		return g.lead(ctx, key, c, fn)
	}
}

// lead runs fn for the waiters of c. Whatever happens in fn, even a panic,
// the call ends: its waiters wake up and the next call for key starts
// afresh instead of waiting forever.
func (g *Group[K, V]) lead(ctx context.Context, key K, c *call[V], fn func(context.Context) (V, error)) (V, error) {
	c.err = ErrPanicked
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = fn(ctx)
	c.leaderCanceled = c.err != nil && ctx.Err() != nil
	return c.v, c.err
}
