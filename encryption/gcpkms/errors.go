package gcpkms

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
	"google.golang.org/grpc/codes"

	"github.com/srkit-go/srkit/serde"
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

// Error is a failed wrap or unwrap. It names the operation and the key,
// and carries Google's status and HTTP code when Cloud KMS answered; it
// never holds credentials or key material.
//
// When Cloud KMS could not answer — a transport error, a timeout,
// RESOURCE_EXHAUSTED (quotas, rate limits), UNAVAILABLE, INTERNAL and other
// 5xx answers, credentials that cannot be obtained (the token endpoint
// refused the service account, no application default credentials) or
// that Google does not accept (UNAUTHENTICATED), [ErrIntegrity] — the
// error also matches serde.ErrUnavailable. A refusal of this key or these
// bytes (PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION,
// INVALID_ARGUMENT) does not.
type Error struct {
	// Op is "Encrypt" (wrapping a DEK) or "Decrypt" (unwrapping one).
	Op string
	// KeyID is the KEK's key ID the call was made with.
	KeyID string
	// Status is Google's status code name (for instance
	// "PERMISSION_DENIED"), empty when Cloud KMS did not answer with one.
	Status string
	// HTTPStatus is the HTTP status of the answer (REST transport), 0 when
	// there was none.
	HTTPStatus int
	// Err is the cause: the client library's error (*googleapi.Error for
	// REST, a gRPC status error, *apierror.APIError), or one of this
	// package's sentinels.
	Err error

	unavailable bool
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("gcpkms: ")
	b.WriteString(e.Op)
	b.WriteString(" with key ")
	b.WriteString(strconv.Quote(e.KeyID))
	if e.unavailable {
		b.WriteString(": Cloud KMS unavailable")
	}
	if e.Status != "" {
		b.WriteString(": ")
		b.WriteString(e.Status)
	}
	if e.HTTPStatus != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause, and serde.ErrUnavailable for an outage.
func (e *Error) Unwrap() []error {
	if e.unavailable {
		return []error{e.Err, serde.ErrUnavailable}
	}
	return []error{e.Err}
}

// outageCodes are the statuses that say Cloud KMS (or the caller's
// credentials) could not serve the call, not that it refused this key.
var outageCodes = map[codes.Code]bool{
	codes.Unavailable: true, codes.DeadlineExceeded: true, codes.ResourceExhausted: true,
	codes.Internal: true, codes.Unknown: true, codes.Aborted: true, codes.Unauthenticated: true,
	codes.Canceled: true, codes.DataLoss: true,
}

// callError classifies err, the client library's error of a call.
func callError(op, keyID string, err error) *Error {
	e := &Error{Op: op, KeyID: keyID, Err: err}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		e.HTTPStatus = ge.Code
		e.Status = restStatus(ge.Body)
		e.unavailable = ge.Code >= 500 || ge.Code == 429 || ge.Code == 408 || ge.Code == 401 ||
			e.Status == "UNAVAILABLE" || e.Status == "RESOURCE_EXHAUSTED" || e.Status == "UNAUTHENTICATED" ||
			e.Status == "INTERNAL" || e.Status == "DEADLINE_EXCEEDED"
		return e
	}
	if ae, ok := apierror.FromError(err); ok && ae.GRPCStatus() != nil {
		c := ae.GRPCStatus().Code()
		e.Status = statusName(c)
		e.unavailable = outageCodes[c]
		return e
	}
	// No answer from Cloud KMS: transport, timeout, credentials.
	e.unavailable = true
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
