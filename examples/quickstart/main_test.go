package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
)

// The quickstart runs end to end, in process, and says so.
func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cfg := config{Records: 500, Topic: "orders", Timeout: time.Minute, Env: exampleenv.Config{}}
	if err := run(ctx, cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"in-process Kafka (kfake)",
		"in-process mock Schema Registry",
		"acknowledged 500/500 (100%)",
		"verified 500/500 (100%)",
		"500 produced, 500 consumed: 500 intact, 0 corrupt, 0 missing, 0 duplicates",
		`subject "orders-value" version 1, schema ID 1`,
		"lag after its last commit: 0",
		"OK: all 500 orders arrived intact",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// A record that does not arrive as it was built fails the run.
func TestQuickstartDetectsCorruption(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cfg := config{Records: 50, Topic: "orders", Timeout: time.Minute, tamper: func(i int, o *Order) {
		if i == 17 {
			o.TotalCents++
		}
	}}
	err := run(ctx, cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "verification failed: 0 of 50 orders missing, 1 corrupt") {
		t.Fatalf("run: %v, want a verification failure\n%s", err, out.String())
	}
}

func TestQuickstartRejectsNothingToDo(t *testing.T) {
	if err := run(context.Background(), config{Records: 0}, &bytes.Buffer{}); err == nil {
		t.Fatal("0 records accepted")
	}
}
