package gcpkms

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
	"google.golang.org/grpc/codes"

	"github.com/srkit-go/srkit/encryption"
)

// Errors matched with errors.Is. Each comes inside an [*Error] that names
// the key.
var (
	// ErrKeyName: a key ID is not a CryptoKey's resource name
	// (projects/…/locations/…/keyRings/…/cryptoKeys/…).
	ErrKeyName = errors.New("gcpkms: invalid key name")
	// ErrIntegrity: an answer of Cloud KMS fails its CRC32C checksum, or
	// does not say it verified the request's: the bytes were damaged in
	// transit. It is an outage (another try may work).
	ErrIntegrity = errors.New("gcpkms: the answer of Cloud KMS failed its integrity check")
	// ErrConfig: a configuration cannot be used (part of a service
	// account's keys, an account type other than service_account,
	// credentials the client library does not accept).
	ErrConfig = errors.New("gcpkms: invalid configuration")
)

// Error is a failed wrap or unwrap: an [encryption.KMSError] whose KMS is
// "gcp-kms". It names the operation (Op "Encrypt", wrapping a DEK, or
// "Decrypt", unwrapping one) and the key, and carries Google's status
// name (Code, for instance "PERMISSION_DENIED") and the HTTP status of
// the REST answer (StatusCode) when Cloud KMS answered; it never holds
// credentials or key material. Its cause is the client library's error
// (*googleapi.Error for REST, a gRPC status error, *apierror.APIError),
// or one of this package's sentinels.
//
// When Cloud KMS could not answer — a transport error, a timeout,
// RESOURCE_EXHAUSTED (quotas, rate limits), UNAVAILABLE, INTERNAL and other
// 5xx answers, credentials that cannot be obtained (the token endpoint
// refused the service account, no application default credentials) or
// that Google does not accept (UNAUTHENTICATED), [ErrIntegrity] — the
// error is Unavailable and matches serde.ErrUnavailable. A refusal of this
// key or these bytes (PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION,
// INVALID_ARGUMENT) does not.
type Error = encryption.KMSError

// outageCodes are the statuses that say Cloud KMS (or the caller's
// credentials) could not serve the call, not that it refused this key.
var outageCodes = map[codes.Code]bool{
	codes.Unavailable: true, codes.DeadlineExceeded: true, codes.ResourceExhausted: true,
	codes.Internal: true, codes.Unknown: true, codes.Aborted: true, codes.Unauthenticated: true,
	codes.Canceled: true, codes.DataLoss: true,
}

// callError classifies err, the client library's error of a call.
func callError(op, keyID string, err error) *Error {
	e := &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		e.StatusCode = ge.Code
		e.Code = restStatus(ge.Body)
		e.Unavailable = ge.Code >= 500 || ge.Code == 429 || ge.Code == 408 || ge.Code == 401 ||
			e.Code == "UNAVAILABLE" || e.Code == "RESOURCE_EXHAUSTED" || e.Code == "UNAUTHENTICATED" ||
			e.Code == "INTERNAL" || e.Code == "DEADLINE_EXCEEDED"
		return e
	}
	if ae, ok := apierror.FromError(err); ok && ae.GRPCStatus() != nil {
		c := ae.GRPCStatus().Code()
		e.Code = statusName(c)
		e.Unavailable = outageCodes[c]
		return e
	}
	// No answer from Cloud KMS: transport, timeout, credentials.
	e.Unavailable = true
	return e
}

// restStatus is the status of a REST error body,
// {"error":{"code":403,"message":"…","status":"PERMISSION_DENIED"}}.
func restStatus(body string) string {
	var b struct {
		Error struct {
			Status string `json:"status"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &b) != nil {
		return ""
	}
	return b.Error.Status
}

// statusName spells a gRPC code as Google's REST answers do.
func statusName(c codes.Code) string {
	var b strings.Builder
	s := c.String() // "PermissionDenied"
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToUpper(string(r)))
	}
	return b.String()
}
