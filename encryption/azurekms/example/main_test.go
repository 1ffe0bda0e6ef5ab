package main

import (
	"context"
	"strings"
	"testing"
)

// Offline, the example runs against the mock registry and the local KMS.
// (The Key Vault path is the driver's: its end-to-end and interop tests
// run it against the fakes.)
func TestExampleOffline(t *testing.T) {
	var out strings.Builder
	env := map[string]string{"LOCAL_SECRET": "test secret"}
	if err := run(context.Background(), func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"offline: KEK in Confluent's local KMS", "schema ID 00000001", "read back payment p-1: card 4111111111111111, 1299 cents"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
