package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		"rejected a reading that does not fit the schema",
		"consumed greenhouse-1: 24.50°C",
		"tags map[room:tomatoes], battery 87",
		"consumed cellar: 11.25°C",
		"battery <nil>",
	)
}
