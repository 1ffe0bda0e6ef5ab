package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		`"name":"srkit.examples.Payment"`,
		"registered as subject srkit-example-payments-value version 1, schema ID 1",
		"consumed 0b9f7a1e-5c1d-4e57-9a43-8c2a3b4d5e6f: 129.99 EUR from DE89 3704 0044 0532 0130 00, reference invoice 2025-0042",
		"consumed 7d4c2b1a-9e8f-4a6b-8c5d-3e2f1a0b9c8d: 45.00 GBP from GB29 NWBK 6016 1331 9268 19, reference (none)",
	)
}
