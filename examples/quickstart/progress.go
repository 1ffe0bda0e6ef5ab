package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress prints "label n/total" lines as a count grows: at every tenth of
// the total, and at most every half second in between.
type progress struct {
	mu    sync.Mutex
	out   io.Writer
	label string
	total int
	next  int // the next tenth to print at
	last  time.Time
	n     int
	shown int
}

func newProgress(out io.Writer, label string, total int) *progress {
	return &progress{out: out, label: label, total: total, next: max(total/10, 1), last: time.Now()}
}

// set records that n of total are done. It is safe for concurrent use.
func (p *progress) set(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n <= p.n {
		return
	}
	p.n = n
	if n >= p.next || n == p.total || time.Since(p.last) > 500*time.Millisecond {
		p.print()
		for p.next <= n {
			p.next += max(p.total/10, 1)
		}
	}
}

// stop prints the final count if it was not printed yet.
func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown != p.n {
		p.print()
	}
}

func (p *progress) print() {
	fmt.Fprintf(p.out, "  %s %*d/%d (%3d%%)\n", p.label, len(fmt.Sprint(p.total)), p.n, p.total, p.n*100/max(p.total, 1))
	p.shown, p.last = p.n, time.Now()
}

// rate renders n records in d as records per second.
func rate(n int, d time.Duration) string {
	if d <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f records/s", float64(n)/d.Seconds())
}
