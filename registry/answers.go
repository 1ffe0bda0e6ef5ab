package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// This file reads the registry's answers: 2xx bodies into the call's
// result, other answers into an [*Error], and the errors of calls that got
// no usable answer at all.

// maxPageMessage bounds the message taken from a body that is not the
// registry's JSON (a proxy's page): its first bytes are enough to say what
// answered.
const maxPageMessage = 200

// decodeBody decodes a 2xx answer into out. A result type with a check
// method (a schema must have its text, a registration its ID) refuses a
// 2xx that decodes but is not the answer the call expects.
func decodeBody(raw []byte, status int, out any) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *rawBody:
		o.b = raw
		return nil
	}
	if status == http.StatusNoContent || len(bytes.TrimSpace(raw)) == 0 {
		if c, ok := out.(answerChecker); ok {
			return c.checkAnswer()
		}
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return err
	}
	if c, ok := out.(answerChecker); ok {
		return c.checkAnswer()
	}
	return nil
}

// answerChecker is a result that can tell a 2xx body that is not the
// registry's answer from one that is.
type answerChecker interface{ checkAnswer() error }

// errIncompleteAnswer is a 2xx JSON answer without what the call needs.
var errIncompleteAnswer = errors.New("the answer is not the registry's")

// decodeError is a 2xx answer whose body is not the answer the call
// expects (a proxy's login page, a cut body, a JSON object without the
// schema). It matches [ErrJSONParse], the code Confluent's Java client gives
// such answers, and [ErrUnavailable], and unwraps to the encoding/json
// error.
type decodeError struct {
	status       int
	method, path string
	attempts     int
	err          error
}

func (e *decodeError) Error() string {
	msg := "registry: " + e.method + " " + e.path + ": decoding response (HTTP " + strconv.Itoa(e.status)
	if e.attempts > 1 {
		msg += ", " + strconv.Itoa(e.attempts) + " attempts"
	}
	return msg + "): " + e.err.Error()
}
func (e *decodeError) Unwrap() error { return e.err }
func (e *decodeError) Is(target error) bool {
	return target == ErrJSONParse || target == ErrUnavailable
}

// transportError is a request that got no HTTP answer. It matches
// [ErrUnavailable].
type transportError struct {
	err          error
	method, path string
	attempts     int
}

func (e *transportError) Error() string {
	msg := "registry: " + e.method + " " + e.path + ": " + e.err.Error()
	if e.attempts > 1 {
		msg += " (" + strconv.Itoa(e.attempts) + " attempts)"
	}
	return msg
}
func (e *transportError) Unwrap() error        { return e.err }
func (e *transportError) Is(target error) bool { return target == ErrUnavailable }

// authError is a failure to get the credentials of a request (an OAuth
// token endpoint that is down or refuses the client, a [HeaderProvider]'s
// error). It matches [ErrUnavailable]: the request never reached the
// registry.
type authError struct{ err error }

func (e *authError) Error() string        { return e.err.Error() }
func (e *authError) Unwrap() error        { return e.err }
func (e *authError) Is(target error) bool { return target == ErrUnavailable }

// errorFromBody builds the *Error for a non-2xx answer. The message is
// redacted by r (which may be nil) and cut to [MaxErrorMessage] bytes (a
// body that is not the registry's JSON to its first 200).
func errorFromBody(status int, raw []byte, r *redactor) *Error {
	e := &Error{StatusCode: status}
	var body struct {
		Code    json.RawMessage `json:"error_code"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil && (len(body.Code) > 0 || body.Message != "") {
		if n, err := strconv.Atoi(strings.Trim(string(body.Code), `"`)); err == nil {
			e.Code = ErrorCode(n)
		}
		e.Message = r.cut(strings.TrimSpace(body.Message), MaxErrorMessage)
		if e.Message == "" {
			e.Message = statusText(status)
		}
		return e
	}
	secrets := r.secretList()
	msg := strings.TrimSpace(string(raw[:min(len(raw), 4*maxPageMessage+window(secrets))]))
	msg = redactCut(msg, secrets, maxPageMessage)
	if msg == "" || strings.HasPrefix(msg, "<") || !isPrintable(msg) {
		msg = statusText(status)
	}
	e.Message = msg
	return e
}

// statusText is the status's text, or "HTTP n" for unknown statuses.
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "HTTP " + strconv.Itoa(status)
}

// isPrintable reports whether s is text worth quoting in an error.
func isPrintable(s string) bool {
	for _, r := range s {
		if r == 0xFFFD || (r < 0x20 && r != '\n' && r != '\t' && r != '\r') {
			return false
		}
	}
	return true
}

// schemaAnswer is the answer of a call that reads a schema: without the
// schema text it is not the registry's.
type schemaAnswer SubjectSchema

func (a *schemaAnswer) checkAnswer() error {
	if a.Schema.Schema == "" {
		return errIncompleteAnswer
	}
	return nil
}

// idAnswer is the answer of a registration or lookup: without an ID it is
// not the registry's.
type idAnswer SubjectSchema

func (a *idAnswer) checkAnswer() error {
	if a.ID <= 0 {
		return errIncompleteAnswer
	}
	return nil
}

// compatAnswer is the answer of a compatibility check: without
// "is_compatible" it is not the registry's (a proxy's `{}` is no verdict).
type compatAnswer struct {
	IsCompatible *bool    `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

func (a *compatAnswer) checkAnswer() error {
	if a.IsCompatible == nil {
		return errIncompleteAnswer
	}
	return nil
}
