package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
)

func TestExample(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, exampleenv.Config{}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"v2 (adds plan with default \"free\") compatible with the latest version: true",
		"v2: registered as version 2",
		"v3 (adds country without a default) compatible: false",
		"old consumer (v1) read {Name:ada Email:ada@example.com}",
		"old consumer (v1) read {Name:linus Email:linus@example.com}",
		"new consumer (v2) read {Name:ada Email:ada@example.com Plan:free}",
		"new consumer (v2) read {Name:barbara Email:barbara@example.com Plan:team}",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
