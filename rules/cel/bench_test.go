package cel

import (
	"context"
	"testing"
)

// BenchmarkProgram is the floor of a CEL CONDITION: the compiled program
// evaluated on a generic message, as Run does it.
func BenchmarkProgram(b *testing.B) {
	x, err := NewExecutor().eng.compileExpr("message.quantity > 0 && message.currency in ['EUR', 'USD']", true)
	if err != nil {
		b.Fatal(err)
	}
	msg := map[string]any{"orderId": "ORD-7", "quantity": 3, "price": 19.99, "currency": "EUR"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		prg, _ := x.program(msg)
		if _, err := x.eval(ctx, prg, &messageVars{message: msg}); err != nil {
			b.Fatal(err)
		}
	}
}
