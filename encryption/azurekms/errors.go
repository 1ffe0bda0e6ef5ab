package azurekms

import (
	"errors"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/srkit-go/srkit/encryption"
)

// Errors matched with errors.Is. Each comes inside an [*Error] that names
// the key.
var (
	// ErrKeyID: a key ID is not https://<vault>/keys/<name>[/<version>],
	// or (with SaveKeyVersion) its version is not 32 hex digits.
	ErrKeyID = errors.New("azurekms: invalid key ID")
	// ErrCiphertext: wrapped bytes cannot be Key Vault's: empty, or with
	// Confluent's azure:v1: header and a key version that is not 32 hex
	// digits. They are refused without a call.
	ErrCiphertext = errors.New("azurekms: invalid wrapped bytes")
	// ErrConfig: a configuration cannot be used (client.id without
	// tenant.id or client.secret, an invalid endpoint, a credential that
	// cannot be made).
	ErrConfig = errors.New("azurekms: invalid configuration")
)

// Error is a failed wrap or unwrap: an [encryption.KMSError] whose KMS is
// "azure-kms". It names Key Vault's operation (Op "encrypt" or "wrapKey",
// wrapping a DEK, "decrypt" or "unwrapKey", unwrapping one) and the key,
// and carries Key Vault's error code (Code, for instance "Forbidden",
// "KeyNotFound", "BadParameter") and HTTP status (StatusCode) when Key
// Vault answered; it never holds credentials, tokens or key material.
// errors.As finds the SDK's *azcore.ResponseError, or azidentity's
// *AuthenticationFailedError, in its cause.
//
// When Key Vault could not answer — a transport error, a timeout,
// throttling (429), a 5xx answer, an answer that is not Key Vault's JSON,
// credentials that cannot be obtained (Microsoft Entra ID refuses the
// client secret, no credential of the default chain works) or that Key
// Vault does not accept (401) — the error is Unavailable and matches
// serde.ErrUnavailable. A refusal of this key or these bytes (403
// Forbidden on the key, 404 KeyNotFound, 400 BadParameter for bytes that
// do not decrypt, [ErrKeyID], [ErrCiphertext]) does not.
type Error = encryption.KMSError

// callError classifies err, the SDK's error of a Key Vault call.
func callError(op, keyID string, err error) *Error {
	e := &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	var af *azidentity.AuthenticationFailedError
	var re *azcore.ResponseError
	if errors.As(err, &af) || !errors.As(err, &re) {
		// No answer from Key Vault: transport, timeout, the credential
		// (azidentity's errors), an undecodable answer.
		e.Unavailable = true
		return e
	}
	e.Code, e.StatusCode = re.ErrorCode, re.StatusCode
	// Key Vault's own error answers carry a code; one without is a
	// proxy's or a gateway's page.
	e.Unavailable = re.ErrorCode == "" || re.StatusCode >= 500 || re.StatusCode == http.StatusTooManyRequests ||
		re.StatusCode == http.StatusRequestTimeout || re.StatusCode == http.StatusUnauthorized
	return e
}
