package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		`"minimum":13`,
		"produced signup ada@example.com to srkit-example-signups at offset 0",
		"signup kid@example.com failed validation and went to srkit-example-signups.dlq (offset 0)",
		"must be >= 13 but found 9",
		"produced signup grace@example.com to srkit-example-signups at offset 1",
		"consumed {Email:ada@example.com Age:36 Plan:pro Tags:[math]}",
		"consumed {Email:grace@example.com Age:45 Plan:free",
	)
}
