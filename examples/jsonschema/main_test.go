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
		`"minimum":13`,
		"produced signup ada@example.com to srkit-example-signups at offset 0",
		"signup kid@example.com failed validation and went to srkit-example-signups.dlq (offset 0)",
		"must be >= 13 but found 9",
		"produced signup grace@example.com to srkit-example-signups at offset 1",
		"consumed {Email:ada@example.com Age:36 Plan:pro Tags:[math]}",
		"consumed {Email:grace@example.com Age:45 Plan:free",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
