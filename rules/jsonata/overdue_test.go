package jsonata

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
)

// While an evaluation runs past its timeout, the expression fails at once
// instead of starting more goroutines; once it ends, evaluations resume.
func TestOverdueEvaluationBlocksOthers(t *testing.T) {
	c, err := compile("$count([1..100000].($string($) & 'x'))", DefaultMaxExpressionSize)
	if err != nil {
		t.Fatal(err)
	}
	r := &jsonataRule{c: c, kind: registry.RuleKindTransform, timeout: time.Millisecond}
	if _, _, err := r.eval(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "no result within") {
		t.Fatalf("got %v", err)
	}
	start := time.Now()
	if _, _, err := r.eval(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Fatalf("took %v", d)
	}
	for deadline := time.Now().Add(30 * time.Second); c.overdue.Load() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the overdue evaluation never ended")
		}
	}
	r.timeout = time.Minute
	if out, _, err := r.eval(context.Background(), nil); err != nil || fmt.Sprint(out) != "100000" {
		t.Fatalf("got %v, %v", out, err)
	}
}
