package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		"v2 (adds plan with default \"free\") compatible with the latest version: true",
		"v2: registered as version 2",
		"v3 (adds country without a default) compatible: false",
		"old consumer (v1) read {Name:ada Email:ada@example.com}",
		"old consumer (v1) read {Name:linus Email:linus@example.com}",
		"new consumer (v2) read {Name:ada Email:ada@example.com Plan:free}",
		"new consumer (v2) read {Name:barbara Email:barbara@example.com Plan:team}",
	)
}
