//go:build !race

// Package race tells tests whether the race detector is on: it makes
// sync.Pool drop objects at random and slows everything several times, so
// allocation counts mean nothing under it and the largest inputs take too
// long.
package race

// Enabled is true when the binary is built with -race.
const Enabled = false
