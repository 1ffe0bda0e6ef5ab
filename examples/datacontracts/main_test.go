package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		"registered subject srkit-example-customers-value, schema ID 1, with 3 rules",
		`produced c-1; the caller's value is unchanged: country "gb", ssn "123-45-6789"`,
		"refused c-2: rule adultsOnly (CEL CONDITION) failed",
		"plaintext PII: false",
		"consumed c-1: Ada, 36, country GB, email ada@example.com, ssn 123-45-6789",
	)
}
