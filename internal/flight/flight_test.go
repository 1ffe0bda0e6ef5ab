package flight

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestDoShares: concurrent callers of one key share one call.
func TestDoShares(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[string, int]
		var runs atomic.Int32
		release := make(chan struct{})
		results := make(chan int, 16)
		for range 16 {
			go func() {
				v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) {
					runs.Add(1)
					<-release
					return 42, nil
				})
				if err != nil {
					t.Error(err)
				}
				results <- v
			}()
		}
		synctest.Wait() // one leader in fn, 15 waiters
		close(release)
		for range 16 {
			if v := <-results; v != 42 {
				t.Fatalf("result %d", v)
			}
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("runs = %d, want 1", n)
		}
	})
}

// TestLeaderCanceledRetried: a waiter whose leader's context ended runs
// the call again with its own context; a waiter whose own context ends gets
// a WaitError matching the context error.
func TestLeaderCanceledRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[string, int]
		leaderCtx, cancelLeader := context.WithCancel(context.Background())
		leaderDone := make(chan error, 1)
		go func() {
			_, err := g.Do(leaderCtx, "k", func(ctx context.Context) (int, error) {
				<-ctx.Done()
				return 0, ctx.Err()
			})
			leaderDone <- err
		}()
		synctest.Wait()
		waiterDone := make(chan int, 1)
		go func() {
			v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil })
			if err != nil {
				t.Error(err)
			}
			waiterDone <- v
		}()
		shortCtx, cancelShort := context.WithCancel(context.Background())
		shortDone := make(chan error, 1)
		go func() {
			_, err := g.Do(shortCtx, "k", func(context.Context) (int, error) { return 0, errors.New("must not run") })
			shortDone <- err
		}()
		synctest.Wait()
		cancelShort()
		err := <-shortDone
		var we *WaitError
		if !errors.As(err, &we) || !errors.Is(err, context.Canceled) {
			t.Errorf("short waiter: err = %v, want WaitError matching context.Canceled", err)
		}
		cancelLeader()
		if err := <-leaderDone; !errors.Is(err, context.Canceled) {
			t.Errorf("leader: err = %v", err)
		}
		if v := <-waiterDone; v != 7 {
			t.Errorf("waiter got %d, want 7 from its own run", v)
		}
	})
}

// TestPanicReleasesWaiters: a call that panics still ends. Its waiter gets
// ErrPanicked instead of blocking forever, and the next call for the key
// runs afresh.
func TestPanicReleasesWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[string, int]
		ctx := context.Background()
		release := make(chan struct{})
		go func() {
			defer func() { _ = recover() }()
			_, _ = g.Do(ctx, "k", func(context.Context) (int, error) {
				<-release
				panic("codec bug")
			})
		}()
		synctest.Wait() // the leader is in fn
		waiter := make(chan error, 1)
		go func() {
			_, err := g.Do(ctx, "k", func(context.Context) (int, error) { return 0, errors.New("the waiter led a call") })
			waiter <- err
		}()
		synctest.Wait() // the waiter waits for the leader's call
		close(release)
		if err := <-waiter; !errors.Is(err, ErrPanicked) {
			t.Fatalf("waiter: %v", err)
		}
		v, err := g.Do(ctx, "k", func(context.Context) (int, error) { return 7, nil })
		if v != 7 || err != nil {
			t.Fatalf("next call: %d, %v", v, err)
		}
	})
}
