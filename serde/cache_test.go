package serde

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
)

// TestFlightSurvivesPanic: a call that panics still ends. Its waiter gets an
// error instead of blocking forever, and the next call for the key runs
// afresh.
func TestFlightSurvivesPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f flight[string, int]
		ctx := context.Background()
		release := make(chan struct{})
		go func() {
			defer func() { _ = recover() }()
			_, _ = f.do(ctx, "k", func() (int, error) {
				<-release
				panic("codec bug")
			})
		}()
		synctest.Wait() // the leader is in fn
		waiter := make(chan error, 1)
		go func() {
			_, err := f.do(ctx, "k", func() (int, error) { return 0, errors.New("the waiter led a call") })
			waiter <- err
		}()
		synctest.Wait() // the waiter waits for the leader's call
		close(release)
		if err := <-waiter; !errors.Is(err, errFlightPanicked) {
			t.Fatalf("waiter: %v", err)
		}
		v, err := f.do(ctx, "k", func() (int, error) { return 7, nil })
		if v != 7 || err != nil {
			t.Fatalf("next call: %d, %v", v, err)
		}
	})
}
