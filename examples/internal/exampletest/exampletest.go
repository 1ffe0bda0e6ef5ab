// Package exampletest runs srkit's examples in their tests: in process
// (kfake and the mock registry), checking what they print.
package exampletest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
)

// Run runs an example's run function against in-process Kafka and the mock
// registry, failing the test if it fails, takes more than a minute, or
// does not print every one of wants.
func Run(t *testing.T, run func(context.Context, exampleenv.Config, io.Writer) error, wants ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, exampleenv.Config{}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range wants {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
