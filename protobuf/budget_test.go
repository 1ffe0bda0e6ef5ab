package protobuf

import (
	"testing"

	costbudget "github.com/srkit-go/srkit/internal/budget"
)

// requireAllocBelow fails t when f allocates max bytes or more (counted
// process-wide, so tests that use it do not run in parallel).
func requireAllocBelow(t *testing.T, max uint64, f func()) {
	t.Helper()
	got, took := costbudget.Spent(f)
	if got >= max {
		t.Fatalf("allocated %d bytes (in %v), budget %d bytes", got, took, max)
	}
	t.Logf("allocated %d bytes in %v (budget %d bytes)", got, took, max)
}
