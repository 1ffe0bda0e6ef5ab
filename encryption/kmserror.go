package encryption

import (
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/serde"
)

// KMSError is a failed call of a [KMS]: the error type of srkit's KMS
// drivers (awskms.Error, gcpkms.Error, azurekms.Error and hcvault.Error
// are this type), and one a KMS of one's own may return. It names the
// operation and the key, carries the service's error code and HTTP status
// when the service answered, and says whether the service was unavailable;
// it never holds credentials, tokens or key material.
//
// When Unavailable is set — the KMS could not answer: a transport error, a
// timeout, throttling, a 5xx answer, credentials that cannot be obtained
// or that the service does not accept — the error also matches
// serde.ErrUnavailable (serde.IsTransient reports it), so that the message
// is retried. A refusal of the key or of the bytes (access denied on the
// key, an unknown or disabled key, bytes that do not decrypt) leaves it
// unset.
type KMSError struct {
	// KMS is the KMS type of the driver ("aws-kms", "gcp-kms", ...).
	KMS string
	// Op is the driver's operation, as its service names it ("Encrypt"
	// and "Decrypt" for AWS KMS and Cloud KMS, "encrypt", "wrapKey",
	// "decrypt", "unwrapKey" for Key Vault, "encrypt", "decrypt" and
	// "login" for Vault).
	Op string
	// KeyID is the KEK's key ID the call was made with.
	KeyID string
	// Code is the service's error code or status name
	// ("AccessDeniedException", "PERMISSION_DENIED", "Forbidden"), empty
	// when the service did not answer with one.
	Code string
	// StatusCode is the HTTP status of the service's answer, 0 when there
	// was none.
	StatusCode int
	// Unavailable says the service could not answer (see above): the
	// error then matches serde.ErrUnavailable.
	Unavailable bool
	// Err is the cause: the SDK's error (errors.As finds the SDK's typed
	// errors in it), a context's error, or one of the driver's sentinels.
	Err error
}

// Error implements error: `aws-kms: Encrypt with key "…": unavailable:
// ThrottlingException (HTTP 400): <cause>`.
func (e *KMSError) Error() string {
	var b strings.Builder
	b.WriteString(e.KMS)
	b.WriteString(": ")
	b.WriteString(e.Op)
	b.WriteString(" with key ")
	b.WriteString(strconv.Quote(e.KeyID))
	if e.Unavailable {
		b.WriteString(": unavailable")
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.StatusCode != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause, and serde.ErrUnavailable when Unavailable is
// set.
func (e *KMSError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Unavailable {
		errs = append(errs, serde.ErrUnavailable)
	}
	return errs
}
