// Package budget holds the per-input cost budgets of srkit's fuzz targets
// and hostile-input tests: handling one input of n bytes may allocate at
// most a base plus a share per byte, and take at most a base plus a share
// per byte of wall-clock time. A slow or memory-hungry input is a defect
// as much as a panic (a message must not cost seconds or gigabytes to
// refuse), and a hang fails when the time budget runs out instead of
// stalling the test binary.
//
// Allocation is counted process-wide (runtime/metrics), so tests that
// check budgets do not run in parallel with others. Time is wall-clock on
// a shared machine, possibly under the race detector: the defaults are
// generous enough never to flake and far below what an unbounded cost
// reaches.
package budget

import (
	"runtime/metrics"
	"testing"
	"time"
)

// Budget is what handling one input may cost.
type Budget struct {
	// AllocBase and AllocPerByte bound the bytes allocated:
	// AllocBase + AllocPerByte×size.
	AllocBase, AllocPerByte uint64
	// TimeBase and TimePerByte bound the wall-clock time:
	// TimeBase + TimePerByte×size.
	TimeBase, TimePerByte time.Duration
}

// Default returns the budget of a decoder fuzz target: 4 MiB plus 1 KiB
// per input byte, 2 s plus 200 µs per input byte.
func Default() Budget {
	return Budget{AllocBase: 4 << 20, AllocPerByte: 1 << 10, TimeBase: 2 * time.Second, TimePerByte: 200 * time.Microsecond}
}

// Alloc returns the allocation budget of an input of size bytes.
func (b Budget) Alloc(size int) uint64 { return b.AllocBase + b.AllocPerByte*uint64(size) }

// Time returns the time budget of an input of size bytes.
func (b Budget) Time(size int) time.Duration { return b.TimeBase + b.TimePerByte*time.Duration(size) }

// Check runs f, the handling of one input of size bytes, and fails tb
// when f allocates or takes more than the budget, or is still running when
// the time budget has run out (a hang). f runs on another goroutine, so it
// reports with tb.Errorf, never tb.Fatalf.
func (b Budget) Check(tb testing.TB, what string, size int, f func()) {
	tb.Helper()
	limit := b.Time(size)
	before := allocated()
	start := time.Now()
	done := make(chan time.Duration, 1)
	go func() {
		f()
		done <- time.Since(start)
	}()
	select {
	case took := <-done:
		if got, max := allocated()-before, b.Alloc(size); got > max {
			tb.Fatalf("%s: an input of %d bytes allocated %.2f MiB, budget %.2f MiB", what, size, mib(got), mib(max))
		}
		if took > limit {
			tb.Fatalf("%s: an input of %d bytes took %v, budget %v", what, size, took, limit)
		}
	case <-time.After(limit):
		tb.Fatalf("%s: an input of %d bytes is still running after %v (its budget)", what, size, limit)
	}
}

// CheckInline is Check with f run on the calling goroutine, so that f may
// call tb.Fatal; a hang is then caught by the test binary's timeout rather
// than by the budget.
func (b Budget) CheckInline(tb testing.TB, what string, size int, f func()) {
	tb.Helper()
	got, took := Spent(f)
	if max := b.Alloc(size); got > max {
		tb.Fatalf("%s: an input of %d bytes allocated %.2f MiB, budget %.2f MiB", what, size, mib(got), mib(max))
	}
	if max := b.Time(size); took > max {
		tb.Fatalf("%s: an input of %d bytes took %v, budget %v", what, size, took, max)
	}
}

// Spent runs f on this goroutine and returns the bytes allocated meanwhile
// (process-wide) and the time it took.
func Spent(f func()) (alloc uint64, took time.Duration) {
	before := allocated()
	start := time.Now()
	f()
	took = time.Since(start)
	return allocated() - before, took
}

// allocated returns the bytes the process has allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// mib renders a byte count for messages.
func mib(n uint64) float64 { return float64(n) / (1 << 20) }
