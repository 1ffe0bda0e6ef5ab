package serde

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// cowMap is a copy-on-write map: lookups are one atomic load and a map read,
// with no lock; stores copy the map. It suits what serde caches (one entry
// per topic and schema): written a handful of times, read per message.
type cowMap[K comparable, V any] struct {
	mu sync.Mutex
	m  atomic.Pointer[map[K]V]
}

func (c *cowMap[K, V]) load(k K) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

func (c *cowMap[K, V]) store(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := make(map[K]V, 1+lenOf(old))
	if old != nil {
		for k2, v2 := range *old {
			n[k2] = v2
		}
	}
	n[k] = v
	c.m.Store(&n)
}

func lenOf[K comparable, V any](m *map[K]V) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// flight makes concurrent builds of one key share a single call, so that N
// goroutines missing the same schema make one registry round trip.
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// do runs fn for k unless a call for k is in progress, in which case it waits
// for that call's result (or for ctx). A waiter whose leader was cancelled
// retries with its own context.
func (f *flight[K, V]) do(ctx context.Context, k K, fn func() (V, error)) (V, error) {
	for {
		f.mu.Lock()
		if f.calls == nil {
			f.calls = map[K]*flightCall[V]{}
		}
		if c, ok := f.calls[k]; ok {
			f.mu.Unlock()
			select {
			case <-c.done:
			case <-ctx.Done():
				var zero V
				return zero, ctx.Err()
			}
			if c.err != nil && isContextErr(c.err) && ctx.Err() == nil {
				continue
			}
			return c.v, c.err
		}
		c := &flightCall[V]{done: make(chan struct{})}
		f.calls[k] = c
		f.mu.Unlock()
		return f.lead(k, c, fn)
	}
}

// lead runs fn for the waiters of c. Whatever happens in fn, even a panic
// (which goes on up the leader's stack), the call ends: its waiters wake up
// and the next call for k starts afresh instead of waiting forever.
func (f *flight[K, V]) lead(k K, c *flightCall[V], fn func() (V, error)) (V, error) {
	c.err = errFlightPanicked
	defer func() {
		f.mu.Lock()
		delete(f.calls, k)
		f.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = fn()
	return c.v, c.err
}

// errFlightPanicked is what waiters get when the call they waited for
// panicked.
var errFlightPanicked = errors.New("serde: building the schema's codec panicked in another goroutine")

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
