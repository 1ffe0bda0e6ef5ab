package registry

import (
	"fmt"
	"strconv"
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
// "error_code" and the "message" of its body. A body that is not the
// registry's JSON (a proxy's page, an empty 401) gives Code 0 and a Message
// taken from the body's first bytes. Error never holds credentials.
type Error struct {
	StatusCode int       `json:"-"`
	Code       ErrorCode `json:"error_code"`
	Message    string    `json:"message"`
}

// Error implements error.
func (e *Error) Error() string {
	if e.Code != 0 && int(e.Code) != e.StatusCode {
		return fmt.Sprintf("schema registry: %s (HTTP %d, error code %d)", e.Message, e.StatusCode, e.Code)
	}
	return fmt.Sprintf("schema registry: %s (HTTP %d)", e.Message, e.StatusCode)
}

// Is lets [errors.Is] match e against an [ErrorCode]. A five-digit code
// matches e.Code; a three-digit code matches e.Code or e.StatusCode;
// [ErrIncompatibleSchema] also matches the legacy code 409.
func (e *Error) Is(target error) bool {
	c, ok := target.(ErrorCode)
	if !ok {
		return false
	}
	switch {
	case c == e.Code:
		return true
	case c == ErrIncompatibleSchema:
		return e.Code == 409
	case c < 1000:
		return int(c) == e.StatusCode
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
