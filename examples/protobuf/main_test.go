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
		"registered as subject srkit-example-shop-orders-value version 1, schema ID 1, GUID ",
		"consumed order o-1001 (STATUS_PAID, 1 lines, total 2500 cents), schema guid ",
		"consumed order o-1002 (STATUS_NEW, 2 lines, total 1440 cents), schema guid ",
		"(from the __value_schema_id header)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
