// Package peerbench runs the rows of srkit's peer benchmarks: for one row,
// the raw codec first (the floor), then srkit and its peers (franz-go's
// pkg/sr, ...), each as a sub-benchmark of one process, each one's time
// reported as a ratio to the raw codec's of the same run ("x-raw").
package peerbench

import "testing"

// Peer is one sub-benchmark of a row.
type Peer struct {
	Name string
	Run  func(b *testing.B)
}

// Run runs the peers of one row in order; the first is the raw codec.
// When it is filtered out (-bench with a sub-benchmark name, as the
// callgrind commands do) no ratio is reported.
func Run(b *testing.B, peers ...Peer) {
	var raw float64
	for i, p := range peers {
		b.Run(p.Name, func(b *testing.B) {
			b.ReportAllocs()
			p.Run(b)
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if i == 0 {
				raw = ns
			} else if raw > 0 {
				b.ReportMetric(ns/raw, "x-raw")
			}
		})
	}
}
