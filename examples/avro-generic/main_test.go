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
		"rejected a reading that does not fit the schema",
		"consumed greenhouse-1: 24.50°C",
		"tags map[room:tomatoes], battery 87",
		"consumed cellar: 11.25°C",
		"battery <nil>",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
