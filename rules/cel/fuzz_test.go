package cel

import (
	"context"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// FuzzExpression: rule sets come from the registry, so expressions are
// input. Any expression, kind and guard setting compiles or fails with an
// error, and evaluates (on a message and on a field) or fails, within its
// cost limit and a time budget, without panicking.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"message.quantity > 0 && message.currency in ['EUR', 'USD']",
		"typeName == 'STRING' ; '***' + value.substring(value.size() - 4)",
		"{'a': message.items.map(i, i.qty * 2), 'b': b'\\x00', 'c': null}",
		"message.email.isEmail() || value.matches('^a+$')",
		"[1,2,3].all(a, [1,2,3].all(b, a + b > 0))",
		"dyn(value) + 1 ; 2",
		"math.greatest(1, 2.0)",
	} {
		f.Add(s, true, false)
		f.Add(s, false, true)
	}
	msg := map[string]any{
		"quantity": int32(3), "currency": "EUR", "email": "a@b.c", "price": 1.5, "blob": []byte{1, 2},
		"items": []any{map[string]any{"qty": int64(1)}}, "attrs": map[string]any{"k": "v"}, "none": nil,
	}
	execs := []*engine{NewExecutor(WithCostLimit(100_000)).eng, NewFieldExecutor(WithCostLimit(100_000)).eng}
	f.Fuzz(func(t *testing.T, src string, transform, ignoreGuard bool) {
		if len(src) > 4096 {
			return
		}
		kind := registry.RuleKindCondition
		if transform {
			kind = registry.RuleKindTransform
		}
		r := &registry.Rule{Name: "f", Kind: kind, Expr: src}
		if ignoreGuard {
			r.Params = map[string]string{ParamIgnoreGuardSeparator: "true"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		for i, eng := range execs {
			g, err := compileRule(eng, r, &serde.ResolvedSchema{}, i == 0)
			if err != nil {
				continue
			}
			var act any = &messageVars{message: msg}
			if i == 1 {
				fv := &fieldVars{}
				fv.reset(&serde.Field{FullName: "$.email", Name: "email", Type: serde.TypeString, Tags: []string{"PII"},
					Containing: func() (any, error) { return msg, nil }}, "a@b.c")
				act = fv
			}
			out, skipped, err := g.run(ctx, msg, act)
			if err != nil || skipped {
				continue
			}
			_, _ = toGeneric(out)
			_, _ = fieldValue("STRING", "x", out)
			_, _ = fieldValue("INT", int32(1), out)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%q took %v", src, d)
		}
	})
}
