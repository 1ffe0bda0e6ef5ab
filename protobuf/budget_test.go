package protobuf

import (
	"runtime"
	"testing"
	"time"
)

// spent runs f and returns the bytes it allocated (the whole process's, so
// tests that use it do not run in parallel) and how long it took.
func spent(f func()) (allocated uint64, took time.Duration) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

// mib renders a byte count for messages.
func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// requireAllocBelow fails t when f allocates max bytes or more.
func requireAllocBelow(t *testing.T, max uint64, f func()) {
	t.Helper()
	got, took := spent(f)
	if got >= max {
		t.Fatalf("allocated %.2f MiB (in %v), budget %.2f MiB", mib(got), took, mib(max))
	}
	t.Logf("allocated %.3f MiB in %v (budget %.2f MiB)", mib(got), took, mib(max))
}

// inputBudget is what one fuzz input may cost: a base plus a share per
// input byte, in bytes allocated and in time. The time budget is generous
// (the machine is shared, the race detector slows code down tenfold): it
// catches inputs that take seconds, not slow machines.
type inputBudget struct {
	allocBase, allocPerByte uint64
	timeBase, timePerByte   time.Duration
}

// check runs f, the handling of one input of size bytes, and fails t when
// it goes over the budget.
func (b inputBudget) check(t *testing.T, size int, f func()) {
	t.Helper()
	got, took := spent(f)
	if max := b.allocBase + b.allocPerByte*uint64(size); got > max {
		t.Fatalf("a %d-byte input allocated %.1f MiB, budget %.1f MiB", size, mib(got), mib(max))
	}
	if max := b.timeBase + b.timePerByte*time.Duration(size); took > max {
		t.Fatalf("a %d-byte input took %v, budget %v", size, took, max)
	}
}
