package kmsexample

import (
	"context"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/localkms"
)

// Offline, the example runs against the mock registry and the local KMS.
func TestRunOffline(t *testing.T) {
	var out strings.Builder
	env := map[string]string{"LOCAL_SECRET": "test secret"}
	w := Wiring{Name: "Local", KeyEnv: "SRKIT_TEST_KEY_ID", Driver: localkms.Driver()}
	if err := Run(context.Background(), func(k string) string { return env[k] }, &out, w); err != nil {
		t.Fatal(err)
	}
	Expect(t, out.String(), "offline: KEK in Confluent's local KMS", "schema ID 00000001", "read back payment p-1: card 4111111111111111, 1299 cents")
}

// With the key ID variable set, the driver's KMS wraps the DEK (here the
// local KMS through its driver, with its secret in the executor's
// environment).
func TestRunDriver(t *testing.T) {
	t.Setenv(localkms.EnvSecret, "test secret")
	var out strings.Builder
	env := map[string]string{"SRKIT_TEST_KEY_ID": "a-key"}
	w := Wiring{Name: "Local", KeyEnv: "SRKIT_TEST_KEY_ID", Driver: localkms.Driver()}
	if err := Run(context.Background(), func(k string) string { return env[k] }, &out, w); err != nil {
		t.Fatal(err)
	}
	Expect(t, out.String(), "KEK in Local: a-key", "read back payment p-1: card 4111111111111111, 1299 cents")
}
