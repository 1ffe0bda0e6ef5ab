package mockregistry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/srkit-go/srkit/registry"
)

// apiError is an error answer of the REST API: the HTTP status and the
// {"error_code", "message"} body Confluent's server sends.
type apiError struct {
	status int
	code   int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d %s", e.status, e.code, e.msg) }

func newErr(code registry.ErrorCode, msg string) *apiError {
	return &apiError{status: code.HTTPStatus(), code: int(code), msg: msg}
}

// The messages below follow io.confluent.kafka.schemaregistry.rest.exceptions.Errors
// and the DEK registry's DekRegistryErrors word for word.

func errSubjectNotFound(subject string) *apiError {
	return newErr(registry.ErrSubjectNotFound, fmt.Sprintf("Subject '%s' not found.", subject))
}

func errVersionNotFound(version int) *apiError {
	return newErr(registry.ErrVersionNotFound, fmt.Sprintf("Version %d not found.", version))
}

func errSchemaNotFound() *apiError {
	return newErr(registry.ErrSchemaNotFound, "Schema not found")
}

func errSchemaIDNotFound(id string) *apiError {
	return newErr(registry.ErrSchemaNotFound, fmt.Sprintf("Schema %s not found", id))
}

func errSubjectSoftDeleted(subject string) *apiError {
	return newErr(registry.ErrSubjectSoftDeleted, fmt.Sprintf("Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject))
}

func errSubjectNotSoftDeleted(subject string) *apiError {
	return newErr(registry.ErrSubjectNotSoftDeleted, fmt.Sprintf("Subject '%s' was not deleted first before being permanently deleted", subject))
}

func errVersionSoftDeleted(subject string, version int) *apiError {
	return newErr(registry.ErrSchemaVersionSoftDeleted, fmt.Sprintf("Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently", subject, version))
}

func errVersionNotSoftDeleted(subject string, version int) *apiError {
	return newErr(registry.ErrSchemaVersionNotSoftDeleted, fmt.Sprintf("Subject '%s' Version %d was not deleted first before being permanently deleted", subject, version))
}

func errSubjectCompatNotConfigured(subject string) *apiError {
	return newErr(registry.ErrSubjectLevelCompatNotConfig, fmt.Sprintf("Subject '%s' does not have subject-level compatibility configured", subject))
}

func errSubjectModeNotConfigured(subject string) *apiError {
	return newErr(registry.ErrSubjectLevelModeNotConfig, fmt.Sprintf("Subject '%s' does not have subject-level mode configured", subject))
}

func errIncompatible(subject string, msgs []string) *apiError {
	return newErr(registry.ErrIncompatibleSchema, fmt.Sprintf("Schema being registered is incompatible with an earlier schema for subject \"%s\", details: %s", subject, javaList(msgs)))
}

func errInvalidSchema(msg string) *apiError { return newErr(registry.ErrInvalidSchema, msg) }

func errInvalidVersion(version string) *apiError {
	return newErr(registry.ErrInvalidVersion, fmt.Sprintf("The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", version))
}

func errInvalidCompatibility() *apiError {
	return newErr(registry.ErrInvalidCompatibilityLevel, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
}

func errInvalidMode() *apiError {
	return newErr(registry.ErrInvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.")
}

func errNotPermitted(msg string) *apiError { return newErr(registry.ErrOperationNotPermitted, msg) }

func errReferenceExists(subject string, version int) *apiError {
	return newErr(registry.ErrReferenceExists, fmt.Sprintf("One or more references exist to the schema {subject=%s,version=%d}.", subject, version))
}

func errInvalidSubject(subject string) *apiError {
	return newErr(registry.ErrInvalidSubject, fmt.Sprintf("The specified subject '%s' is not a valid.", subject))
}

func errContextNotEmpty(ctx string) *apiError {
	return newErr(registry.ErrContextNotEmpty, fmt.Sprintf("The specified context '%s' is not empty.", ctx))
}

func errInvalidRuleSet(msg string) *apiError { return newErr(registry.ErrInvalidRuleSet, msg) }

// Errors of the DEK registry.

func errKeyNotFound(name string) *apiError {
	return newErr(registry.ErrKeyNotFound, fmt.Sprintf("Key '%s' not found", name))
}

func errKeyNotSoftDeleted(name string) *apiError {
	return newErr(registry.ErrKeyNotSoftDeleted, fmt.Sprintf("Key '%s' was not deleted first before being permanently deleted", name))
}

func errKeySoftDeleted(name string) *apiError {
	return newErr(registry.ErrKeySoftDeleted, fmt.Sprintf("Key '%s' must be undeleted first", name))
}

func errKeyExists(name string) *apiError {
	return newErr(registry.ErrKeyExists, fmt.Sprintf("Key '%s' already exists; use a different value", name))
}

// errInvalidKey names the invalid or missing field (RestInvalidKeyException).
func errInvalidKey(field string) *apiError {
	return newErr(registry.ErrInvalidKey, fmt.Sprintf("Invalid or missing value for field '%s' of key", field))
}

func errKeyReferenceExists(name string) *apiError {
	return newErr(registry.ErrKeyReferenceExists, fmt.Sprintf("One or more references exist to the key '%s'", name))
}

// Errors of the HTTP layer (Jersey's answers in the real server).

func errHTTP(status int) *apiError {
	return &apiError{status: status, code: status, msg: "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)}
}

func errBadJSON(err error) *apiError {
	return &apiError{status: http.StatusBadRequest, code: http.StatusBadRequest, msg: "Invalid JSON: " + err.Error()}
}

// javaList renders msgs the way Java's List.toString does.
func javaList(msgs []string) string {
	out := "["
	for i, m := range msgs {
		if i > 0 {
			out += ", "
		}
		out += m
	}
	return out + "]"
}

const contentType = "application/vnd.schemaregistry.v1+json"

// writeJSON writes v as the JSON body of a 200 answer. As Jackson, it
// does not escape <, > and & in strings.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := marshalJSON(v)
	if err != nil {
		writeError(w, &apiError{status: 500, code: int(registry.ErrStoreError), msg: "encoding response: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeError writes e as Confluent's error body.
func writeError(w http.ResponseWriter, e *apiError) {
	body, _ := json.Marshal(struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}{e.code, e.msg})
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// marshalJSON is json.Marshal without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
