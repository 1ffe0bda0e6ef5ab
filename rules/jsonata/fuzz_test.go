package jsonata

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
)

// FuzzExpression: any expression compiles or fails with an error (never
// a panic, never a stack overflow: recursion is refused), and evaluates
// or fails within its timeout.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])",
		"($f := function($x){ $f($x) }; $f(1))",
		"items[qty > 1].{'sku': $uppercase(sku)}",
		"$reduce([1..10], function($a, $x){ $a + $x }, 0)",
		"name.$substring(1) & $string(size)",
		"/* c */ $.'a b'.c ~> $lowercase()",
		"$map([1,2], function($v){ $v * 2 })",
	} {
		f.Add(s)
	}
	in := map[string]any{"name": "gizmo", "size": 42.0, "items": []any{map[string]any{"sku": "a", "qty": 2.0}}, "a b": map[string]any{"c": "X"}}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 2048 || strings.Contains(src, "..") || strings.Contains(src, "$pad") {
			// Ranges and padding build large values from small input; they
			// are bounded by the timeout (TestOverdueEvaluationBlocksOthers),
			// and fuzzing them only fills the machine with overdue work.
			return
		}
		start := time.Now()
		c, err := compile(src, DefaultMaxExpressionSize)
		if err != nil {
			return
		}
		r := &jsonataRule{c: c, kind: registry.RuleKindTransform, timeout: 500 * time.Millisecond}
		out, undefined, err := r.eval(context.Background(), in)
		if err == nil && !undefined {
			_, _ = toJSON(out, 0)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%q took %v", src, d)
		}
	})
}
