package awskms

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/srkit-go/srkit/encryption"
)

// Errors matched with errors.Is. Each comes inside an [*Error] that names
// the key.
var (
	// ErrKeyID: a key ID is not a KMS key ARN or alias ARN
	// (arn:<partition>:kms:<region>:<account>:key/… or …:alias/…), and no
	// region is configured for bare key IDs and alias names.
	ErrKeyID = errors.New("awskms: invalid key ID")
	// ErrWrongKey: KMS Decrypt answered with another key than the key ARN
	// asked for: the wrapped bytes were made with another key.
	ErrWrongKey = errors.New("awskms: the wrapped bytes belong to another KMS key")
	// ErrConfig: a configuration cannot be used (an access key ID without
	// its secret access key, a profile the shared files do not have, an
	// SDK configuration that does not load).
	ErrConfig = errors.New("awskms: invalid configuration")
)

// Error is a failed wrap or unwrap: an [encryption.KMSError] whose KMS is
// "aws-kms". It names the operation (Op "Encrypt", wrapping a DEK, or
// "Decrypt", unwrapping one) and the key, and carries AWS's error code
// (Code, for instance "AccessDeniedException") and HTTP status
// (StatusCode) when AWS answered; it never holds credentials or key
// material. errors.As finds the SDK's typed errors (such as
// *types.NotFoundException) in its cause.
//
// When AWS KMS could not answer — a transport error, a timeout,
// throttling, a 5xx answer, credentials that cannot be obtained (an
// assume-role or credential-chain failure) or that AWS does not accept
// (an unknown access key ID, a bad signature, an expired token) — the
// error is Unavailable and matches serde.ErrUnavailable. A refusal of this
// key or these bytes (AccessDeniedException, NotFoundException,
// DisabledException, KMSInvalidStateException,
// InvalidCiphertextException, IncorrectKeyException, [ErrWrongKey], ...)
// does not.
type Error = encryption.KMSError

// credentialCodes are the answers of AWS to credentials it does not
// accept: the caller's identity, not the key, is the problem, and it is
// fixed outside the message (rotated keys, a refreshed token).
var credentialCodes = map[string]bool{
	"UnrecognizedClientException":         true,
	"InvalidSignatureException":           true,
	"IncompleteSignature":                 true,
	"IncompleteSignatureException":        true,
	"SignatureDoesNotMatch":               true,
	"ExpiredToken":                        true,
	"ExpiredTokenException":               true,
	"InvalidClientTokenId":                true,
	"MissingAuthenticationToken":          true,
	"MissingAuthenticationTokenException": true,
	"RequestExpired":                      true,
	"InvalidAccessKeyId":                  true,
	"AuthFailure":                         true,
}

// callError classifies err, the SDK's error of a KMS call.
func callError(op, keyID string, err error) *Error {
	e := &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.StatusCode = re.HTTPStatusCode()
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		// An operation of another service inside the KMS call: the
		// credentials provider's (STS AssumeRole, SSO, ...) failed, so
		// KMS was never asked.
		var inner *smithy.OperationError
		if errors.As(oe.Err, &inner) {
			e.StatusCode = 0
			e.Unavailable = true
			return e
		}
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		// No answer from KMS: transport, timeout, credentials, an
		// undecodable answer.
		e.Unavailable = true
		return e
	}
	e.Code = ae.ErrorCode()
	_, throttled := retry.DefaultThrottleErrorCodes[e.Code]
	_, timeout := retry.DefaultRetryableErrorCodes[e.Code]
	e.Unavailable = throttled || timeout || credentialCodes[e.Code] ||
		ae.ErrorFault() == smithy.FaultServer || e.StatusCode >= 500 ||
		e.StatusCode == 408 || e.StatusCode == 429
	return e
}
