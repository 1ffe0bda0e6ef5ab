package main

import (
	"context"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

// Offline, the example runs against the mock registry and the local KMS,
// with the rule set it would give the driver.
func TestExampleOffline(t *testing.T) {
	var out strings.Builder
	env := map[string]string{"LOCAL_SECRET": "test secret"}
	if err := kmsexample.Run(context.Background(), func(k string) string { return env[k] }, &out, wiring()); err != nil {
		t.Fatal(err)
	}
	kmsexample.Expect(t, out.String(), "offline: KEK in Confluent's local KMS", "read back payment p-1: card 4111111111111111, 1299 cents")
}
