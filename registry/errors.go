package registry

import (
	"fmt"
	"strconv"
	"strings"
)

// ErrorCode is an error code of the Schema Registry or DEK Registry REST API
// ("error_code" in an error body). Three-digit codes are plain HTTP statuses
// (some servers and proxies send only those). Every ErrorCode is itself an
// error, so the constants below are sentinels for [errors.Is]:
//
//	if errors.Is(err, registry.ErrSubjectNotFound) { ... }
//
// matches any [*Error] whose Code is 40401.
type ErrorCode int

// Error implements error.
func (c ErrorCode) Error() string {
	if d, ok := errorCodeText[c]; ok {
		return "schema registry: " + d + " (" + strconv.Itoa(int(c)) + ")"
	}
	return "schema registry: error code " + strconv.Itoa(int(c))
}

// Schema Registry error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors).
const (
	ErrUnauthorized ErrorCode = 401 // credentials missing or wrong
	ErrForbidden    ErrorCode = 403 // credentials lack permission
	ErrNotFound     ErrorCode = 404 // a path the server does not serve
	// ErrIncompatibleSchema matches both 40901 and the legacy 409 that servers
	// before the associations release (Dec 2025) sent.
	ErrIncompatibleSchema ErrorCode = 40901

	ErrSubjectNotFound              ErrorCode = 40401
	ErrVersionNotFound              ErrorCode = 40402
	ErrSchemaNotFound               ErrorCode = 40403
	ErrSubjectSoftDeleted           ErrorCode = 40404
	ErrSubjectNotSoftDeleted        ErrorCode = 40405
	ErrSchemaVersionSoftDeleted     ErrorCode = 40406
	ErrSchemaVersionNotSoftDeleted  ErrorCode = 40407
	ErrSubjectLevelCompatNotConfig  ErrorCode = 40408
	ErrSubjectLevelModeNotConfig    ErrorCode = 40409
	ErrAssociationNotFound          ErrorCode = 40410
	ErrTooManyAssociations          ErrorCode = 40902
	ErrAssociationExistsForResource ErrorCode = 40903
	ErrAssociationExistsForSubject  ErrorCode = 40904
	ErrStrongAssociationExists      ErrorCode = 40905
	ErrNoActiveSubjectVersion       ErrorCode = 40907
	ErrAssociationFrozen            ErrorCode = 40908
	ErrInvalidSchema                ErrorCode = 42201
	ErrInvalidVersion               ErrorCode = 42202
	ErrInvalidCompatibilityLevel    ErrorCode = 42203
	ErrInvalidMode                  ErrorCode = 42204
	ErrOperationNotPermitted        ErrorCode = 42205
	ErrReferenceExists              ErrorCode = 42206
	ErrIDDoesNotMatch               ErrorCode = 42207
	ErrInvalidSubject               ErrorCode = 42208
	ErrSchemaTooLarge               ErrorCode = 42209
	ErrInvalidRuleSet               ErrorCode = 42210
	ErrContextNotEmpty              ErrorCode = 42211
	ErrInvalidAssociation           ErrorCode = 42212
	ErrAssociationBatchLimit        ErrorCode = 42213 // a batchMutate request exceeded a limit
	ErrStoreError                   ErrorCode = 50001
	ErrOperationTimeout             ErrorCode = 50002
	ErrRequestForwardingFailed      ErrorCode = 50003
	ErrUnknownLeader                ErrorCode = 50004
	ErrJSONParse                    ErrorCode = 50005 // also a 2xx answer the client cannot decode
	ErrKeyNotFound                  ErrorCode = 40470 // DEK registry: KEK or DEK not found
	ErrKeyNotSoftDeleted            ErrorCode = 40471 // DEK registry: permanent delete before soft delete
	ErrKeySoftDeleted               ErrorCode = 40472 // DEK registry: key is soft-deleted
	ErrKeyExists                    ErrorCode = 40971 // DEK registry: key already exists
	ErrTooManyKeys                  ErrorCode = 40972 // DEK registry
	ErrDekGenerationForbidden       ErrorCode = 40370 // DEK registry: server-side KMS access denied
	ErrInvalidKey                   ErrorCode = 42271 // DEK registry: invalid or missing key info
	ErrKeyReferenceExists           ErrorCode = 42272 // DEK registry: KEK still has DEKs
	ErrDekGeneration                ErrorCode = 50070 // DEK registry
)

var errorCodeText = map[ErrorCode]string{
	ErrUnauthorized:                 "unauthorized",
	ErrForbidden:                    "forbidden",
	ErrNotFound:                     "not found",
	ErrIncompatibleSchema:           "incompatible schema",
	ErrSubjectNotFound:              "subject not found",
	ErrVersionNotFound:              "version not found",
	ErrSchemaNotFound:               "schema not found",
	ErrSubjectSoftDeleted:           "subject soft-deleted",
	ErrSubjectNotSoftDeleted:        "subject not soft-deleted",
	ErrSchemaVersionSoftDeleted:     "schema version soft-deleted",
	ErrSchemaVersionNotSoftDeleted:  "schema version not soft-deleted",
	ErrSubjectLevelCompatNotConfig:  "subject compatibility not configured",
	ErrSubjectLevelModeNotConfig:    "subject mode not configured",
	ErrAssociationNotFound:          "association not found",
	ErrTooManyAssociations:          "too many associations",
	ErrAssociationExistsForResource: "association exists for resource",
	ErrAssociationExistsForSubject:  "association exists for subject",
	ErrStrongAssociationExists:      "strong association exists",
	ErrNoActiveSubjectVersion:       "no active subject version",
	ErrAssociationFrozen:            "association frozen",
	ErrInvalidSchema:                "invalid schema",
	ErrInvalidVersion:               "invalid version",
	ErrInvalidCompatibilityLevel:    "invalid compatibility level",
	ErrInvalidMode:                  "invalid mode",
	ErrOperationNotPermitted:        "operation not permitted",
	ErrReferenceExists:              "reference exists",
	ErrIDDoesNotMatch:               "id does not match",
	ErrInvalidSubject:               "invalid subject",
	ErrSchemaTooLarge:               "schema too large",
	ErrInvalidRuleSet:               "invalid rule set",
	ErrContextNotEmpty:              "context not empty",
	ErrInvalidAssociation:           "invalid association",
	ErrAssociationBatchLimit:        "association batch limit exceeded",
	ErrStoreError:                   "store error",
	ErrOperationTimeout:             "operation timeout",
	ErrRequestForwardingFailed:      "request forwarding failed",
	ErrUnknownLeader:                "unknown leader",
	ErrJSONParse:                    "JSON parse error",
	ErrKeyNotFound:                  "key not found",
	ErrKeyNotSoftDeleted:            "key not soft-deleted",
	ErrKeySoftDeleted:               "key soft-deleted",
	ErrKeyExists:                    "key already exists",
	ErrTooManyKeys:                  "too many keys",
	ErrDekGenerationForbidden:       "DEK generation forbidden",
	ErrInvalidKey:                   "invalid key",
	ErrKeyReferenceExists:           "key reference exists",
	ErrDekGeneration:                "DEK generation error",
}

// HTTPStatus returns the HTTP status the registry answers with for code c:
// the first three digits of a five-digit code, or c itself for three-digit
// codes.
func (c ErrorCode) HTTPStatus() int {
	if c >= 10000 {
		return int(c) / 100
	}
	return int(c)
}

// Error is an error answered by the registry: the HTTP status, the
// "error_code" and the "message" of its body, and which call got it. A body
// that is not the registry's JSON (a proxy's page, an empty 401) gives Code
// 0 and a Message taken from the body's first bytes. Messages are cut to
// [MaxErrorMessage] bytes. Error never holds credentials.
type Error struct {
	StatusCode int       `json:"-"`
	Code       ErrorCode `json:"error_code"`
	Message    string    `json:"message"`
	// Method and Path name the call that failed ("GET",
	// "/subjects/orders-value/versions/latest", with its query string), with
	// credentials redacted. They are empty in an Error that no call built.
	Method string `json:"-"`
	Path   string `json:"-"`
	// Attempts is how many HTTP requests the call made, counting retries and
	// failovers (0 when no call built the Error).
	Attempts int `json:"-"`
}

// MaxErrorMessage bounds [Error.Message]: a longer message (a registry's
// JSON "message", a proxy's page) is cut, so that a hostile or broken
// server cannot make error strings and log lines of any size.
const MaxErrorMessage = 4096

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("schema registry: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	b.WriteString(" (HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 && int(e.Code) != e.StatusCode {
		b.WriteString(", error code ")
		b.WriteString(strconv.Itoa(int(e.Code)))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", %d attempts", e.Attempts)
	}
	b.WriteByte(')')
	return b.String()
}

// Is lets [errors.Is] match e against an [ErrorCode] or [ErrUnavailable].
//
// A five-digit code matches e.Code when e's status is that code's status
// (a registry answers 40403 with 404; a 500 carrying 40403 is no "schema
// not found"); a three-digit code matches e.Code or e.StatusCode;
// [ErrIncompatibleSchema] also matches the legacy code 409.
// [ErrUnavailable] matches when e does not come from the registry's own
// handling of the request: see [Error.Unavailable].
func (e *Error) Is(target error) bool {
	if target == ErrUnavailable {
		return e.Unavailable()
	}
	c, ok := target.(ErrorCode)
	if !ok {
		return false
	}
	switch {
	case c == ErrIncompatibleSchema && e.Code == 409:
		return e.StatusCode == 0 || e.StatusCode == 409
	case c >= 10000:
		return c == e.Code && (e.StatusCode == 0 || e.StatusCode == c.HTTPStatus())
	case c == e.Code:
		return true
	case c < 1000:
		return int(c) == e.StatusCode
	}
	return false
}

// Unavailable reports whether e says that the registry could not serve the
// call, rather than answering it: a 5xx, 401, 403, 408 or 429 status; a body
// that is not the registry's JSON error (Code 0: a proxy's HTML or plain-text
// page, an empty body); or a 404 without one of the registry's 404xx codes
// (a path the server does not serve, such as Jersey's
// {"error_code":404,...}). Such an answer says nothing about the schema or
// the record; [errors.Is](err, [ErrUnavailable]) reports it.
func (e *Error) Unavailable() bool {
	switch st := e.StatusCode; {
	case st >= 500, st == 401, st == 403, st == 408, st == 429:
		return true
	case e.Code == 0:
		return true
	case st == 404:
		return e.Code < 10000 || e.Code.HTTPStatus() != 404
	}
	return false
}

// ClientError is an error of the client itself rather than of the
// registry. Its values are constants usable with [errors.Is].
type ClientError string

// Error implements error.
func (e ClientError) Error() string { return string(e) }

// ErrClosed is returned by calls that need the registry after
// [Client.Close].
const ErrClosed ClientError = "registry: client is closed"

// ErrUnavailable is matched with [errors.Is] by every error that says the
// registry could not be reached or did not answer as the registry: transport
// errors and timeouts, 5xx, 401, 403, 408 and 429 answers, answers that are
// not the registry's JSON whatever their status (a proxy's HTML 404, an
// empty 502), a 404 without one of the registry's 404xx codes, a 2xx answer
// the client cannot decode or that lacks what the call needs, and a failure
// to get credentials (an OAuth token endpoint that is down, a
// [HeaderProvider] error). Such an error says nothing about a schema or a
// record: callers retry, and never take it for "not found".
//
// Only the registry's own JSON answers match the not-found codes
// ([ErrSubjectNotFound], [ErrVersionNotFound], [ErrSchemaNotFound], ...), and
// only those are cached as negative answers.
const ErrUnavailable ClientError = "registry: schema registry unavailable"
