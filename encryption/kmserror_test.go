package encryption

import (
	"context"
	"errors"
	"testing"

	"github.com/srkit-go/srkit/serde"
)

// A KMSError matches serde.ErrUnavailable exactly when Unavailable is
// set, keeps its cause for errors.Is and errors.As, and names the KMS,
// the operation, the key, the code and the status.
func TestKMSError(t *testing.T) {
	refusal := &KMSError{KMS: KMSTypeAWS, Op: "Decrypt", KeyID: "arn:aws:kms:eu-west-1:1:key/k", Code: "AccessDeniedException", StatusCode: 400, Err: errors.New("denied")}
	if got, want := refusal.Error(), `aws-kms: Decrypt with key "arn:aws:kms:eu-west-1:1:key/k": AccessDeniedException (HTTP 400): denied`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if errors.Is(refusal, serde.ErrUnavailable) || serde.IsTransient(refusal) {
		t.Errorf("a refusal is transient: %v", refusal)
	}
	outage := &KMSError{KMS: KMSTypeVault, Op: "encrypt", KeyID: "https://v/transit/keys/k", Unavailable: true, Err: context.DeadlineExceeded}
	if got, want := outage.Error(), `hcvault: encrypt with key "https://v/transit/keys/k": unavailable: context deadline exceeded`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(outage, serde.ErrUnavailable) || !serde.IsTransient(outage) || !errors.Is(outage, context.DeadlineExceeded) {
		t.Errorf("an outage does not match serde.ErrUnavailable and its cause: %v", outage)
	}
	var ke *KMSError
	if !errors.As(errors.Join(errors.New("other"), outage), &ke) || ke != outage {
		t.Errorf("errors.As does not find the KMSError")
	}
	bare := &KMSError{KMS: KMSTypeGCP, Op: "Encrypt", KeyID: "k", Unavailable: true}
	if !errors.Is(bare, serde.ErrUnavailable) || bare.Error() != `gcp-kms: Encrypt with key "k": unavailable` {
		t.Errorf("without a cause: %q", bare.Error())
	}
}
