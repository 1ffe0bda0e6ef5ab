package budget

import (
	"testing"
	"time"
)

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

var sink []byte

func TestCheck(t *testing.T) {
	b := Budget{AllocBase: 1 << 20, AllocPerByte: 0, TimeBase: 200 * time.Millisecond}
	ok := &recorder{TB: t}
	b.Check(ok, "cheap", 10, func() { sink = make([]byte, 1024) })
	if ok.failed != "" {
		t.Fatalf("a 1 KiB allocation failed a 1 MiB budget: %s", ok.failed)
	}
	hungry := &recorder{TB: t}
	b.Check(hungry, "hungry", 10, func() { sink = make([]byte, 8<<20) })
	if hungry.failed == "" {
		t.Fatal("an 8 MiB allocation passed a 1 MiB budget")
	}
	inline := &recorder{TB: t}
	b.CheckInline(inline, "hungry inline", 10, func() { sink = make([]byte, 8<<20) })
	if inline.failed == "" {
		t.Fatal("an 8 MiB allocation passed a 1 MiB budget inline")
	}
	slow := &recorder{TB: t}
	release := make(chan struct{})
	b.Check(slow, "hang", 10, func() { <-release })
	close(release)
	if slow.failed == "" {
		t.Fatal("a hang passed the time budget")
	}
}

func TestBudgetGrowsWithSize(t *testing.T) {
	b := Budget{AllocBase: 100, AllocPerByte: 10, TimeBase: time.Second, TimePerByte: time.Millisecond}
	if got := b.Alloc(5); got != 150 {
		t.Errorf("Alloc(5) = %d, want 150", got)
	}
	if got := b.Time(5); got != time.Second+5*time.Millisecond {
		t.Errorf("Time(5) = %v", got)
	}
	if alloc, _ := Spent(func() { sink = make([]byte, 1<<20) }); alloc < 1<<20 {
		t.Errorf("Spent counted %d bytes for a 1 MiB allocation", alloc)
	}
}
