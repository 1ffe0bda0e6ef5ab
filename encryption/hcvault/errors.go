package hcvault

import (
	"errors"
	"net/http"

	"github.com/hashicorp/vault/api"

	"github.com/srkit-go/srkit/encryption"
)

// Errors matched with errors.Is. Each comes inside an [*Error] that names
// the key.
var (
	// ErrKeyID: a key ID is not http(s)://host[:port]/<mount>/keys/<name>.
	ErrKeyID = errors.New("hcvault: invalid key ID")
	// ErrCiphertext: wrapped bytes are not a Vault transit ciphertext
	// (vault:v<N>:...), so they were not wrapped by Vault; they are
	// refused without a call.
	ErrCiphertext = errors.New("hcvault: the wrapped bytes are not a Vault ciphertext")
	// ErrConfig: a configuration cannot be used (an AppRole role ID without
	// its secret ID, a client configuration that does not load).
	ErrConfig = errors.New("hcvault: invalid configuration")
)

// Error is a failed wrap, unwrap or login: an [encryption.KMSError] whose
// KMS is "hcvault". It names the operation (Op "encrypt", wrapping a DEK,
// "decrypt", unwrapping one, or "login", the AppRole or other auth
// method's login) and the key, and carries Vault's HTTP status
// (StatusCode) when Vault answered; Code is empty (Vault's answers have
// no error codes: errors.As finds its *api.ResponseError, with Vault's
// messages, in the cause). It never holds tokens, secret IDs or key
// material.
//
// When Vault could not answer — a transport error, a timeout, a sealed or
// standby server, throttling, a 5xx answer, a token or login that Vault
// refuses (an expired token, a wrong AppRole secret ID) — the error is
// Unavailable and matches serde.ErrUnavailable, so that the message is
// retried. A refusal of this key or these bytes (permission denied on the
// key's path with a valid token, an unknown key or mount, an invalid
// ciphertext, [ErrCiphertext], [ErrKeyID]) does not.
type Error = encryption.KMSError

// rawAnswer reports whether Vault's error answer was not Vault's own JSON
// (a proxy's HTML page, an empty body): then the status is not Vault's
// word on the key.
func rawAnswer(err error) bool {
	var re *api.ResponseError
	return errors.As(err, &re) && re.RawError
}

// statusOf returns the HTTP status of err, 0 when Vault did not answer.
func statusOf(err error) int {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// outageStatus reports whether an HTTP status says Vault could not answer
// now: 5xx (503 is a sealed or standby server), 429 (rate limited), 412
// (a performance standby not yet at the required state), 408, and 401
// (Vault does not answer 401 to a valid token).
func outageStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusPreconditionFailed ||
		code == http.StatusRequestTimeout || code == http.StatusUnauthorized
}

// callError classifies err, the SDK's error of a transit call that Vault
// did not answer with its own 403 (see KMS.call).
func callError(op, keyID string, err error) *Error {
	code := statusOf(err)
	return &Error{KMS: Type, Op: op, KeyID: keyID, StatusCode: code, Err: err, Unavailable: code == 0 || outageStatus(code) || rawAnswer(err)}
}
