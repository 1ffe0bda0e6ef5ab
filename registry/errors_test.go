package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// allCodes lists every ErrorCode constant of errors.go.
var allCodes = []ErrorCode{
	ErrUnauthorized, ErrForbidden, ErrNotFound, ErrIncompatibleSchema,
	ErrSubjectNotFound, ErrVersionNotFound, ErrSchemaNotFound, ErrSubjectSoftDeleted,
	ErrSubjectNotSoftDeleted, ErrSchemaVersionSoftDeleted, ErrSchemaVersionNotSoftDeleted,
	ErrSubjectLevelCompatNotConfig, ErrSubjectLevelModeNotConfig, ErrAssociationNotFound,
	ErrTooManyAssociations, ErrAssociationExistsForResource, ErrAssociationExistsForSubject,
	ErrStrongAssociationExists, ErrNoActiveSubjectVersion, ErrAssociationFrozen,
	ErrInvalidSchema, ErrInvalidVersion, ErrInvalidCompatibilityLevel, ErrInvalidMode,
	ErrOperationNotPermitted, ErrReferenceExists, ErrIDDoesNotMatch, ErrInvalidSubject,
	ErrSchemaTooLarge, ErrInvalidRuleSet, ErrContextNotEmpty, ErrInvalidAssociation, ErrAssociationBatchLimit,
	ErrStoreError, ErrOperationTimeout, ErrRequestForwardingFailed, ErrUnknownLeader,
	ErrJSONParse, ErrKeyNotFound, ErrKeyNotSoftDeleted, ErrKeySoftDeleted, ErrKeyExists,
	ErrTooManyKeys, ErrDekGenerationForbidden, ErrInvalidKey, ErrKeyReferenceExists,
	ErrDekGeneration,
}

func TestErrorMappingEveryCode(t *testing.T) {
	var code ErrorCode
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, code, "message for "+fmt.Sprint(int(code)))
	})
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), NegativeTTL(0))
	for _, code = range allCodes {
		_, err := c.Versions(bg, "s")
		var re *Error
		if !errors.As(err, &re) {
			t.Fatalf("%d: %T %v is not an *Error", code, err, err)
		}
		if re.StatusCode != code.HTTPStatus() || re.Code != code || re.Message != "message for "+fmt.Sprint(int(code)) {
			t.Fatalf("%d: got %+v", code, re)
		}
		if !errors.Is(err, code) {
			t.Fatalf("%d: errors.Is(err, code) is false", code)
		}
		for _, other := range allCodes {
			if other == code || other.HTTPStatus() == code.HTTPStatus() && other < 1000 {
				continue
			}
			if errors.Is(err, other) {
				t.Fatalf("%d also matches %d", code, other)
			}
		}
		if code >= 1000 && !errors.Is(err, ErrorCode(code.HTTPStatus())) {
			t.Fatalf("%d: the plain HTTP status %d does not match", code, code.HTTPStatus())
		}
		if !strings.Contains(err.Error(), fmt.Sprint(int(code))) || !strings.Contains(code.Error(), fmt.Sprint(int(code))) {
			t.Fatalf("%d: error strings lack the code: %q / %q", code, err.Error(), code.Error())
		}
	}
}

func TestLegacyIncompatibleCode(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 409, map[string]any{"error_code": 409, "message": "Schema being registered is incompatible"})
	})
	c := mustNew(t, URLs(srv.URL))
	_, err := c.Register(bg, "s", Schema{Schema: `"int"`})
	if !errors.Is(err, ErrIncompatibleSchema) {
		t.Fatalf("legacy 409 does not match ErrIncompatibleSchema: %v", err)
	}
}

func TestNonJSONErrorBodies(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		ctype   string
		wantMsg string
		is      ErrorCode
	}{
		{401, "", "", "Unauthorized", ErrUnauthorized},
		{401, "Unauthorized: bad API key", "text/plain", "Unauthorized: bad API key", ErrUnauthorized},
		{403, "<html><body>Forbidden by proxy</body></html>", "text/html", "Forbidden", ErrForbidden},
		{404, "404 page not found", "text/plain", "404 page not found", ErrNotFound},
		{502, "<html>Bad Gateway</html>", "text/html", "Bad Gateway", ErrorCode(502)},
		{400, "\x00\x01\x02", "application/octet-stream", "Bad Request", ErrorCode(400)},
		{404, `{"error_code":"40401","message":"quoted code"}`, "application/json", "quoted code", ErrSubjectNotFound},
		{500, `{"message":"only a message"}`, "application/json", "only a message", ErrorCode(500)},
		{599, "", "", "HTTP 599", ErrorCode(599)},
	}
	for _, tc := range cases {
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			if tc.ctype != "" {
				w.Header().Set("Content-Type", tc.ctype)
			}
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		})
		c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
		_, err := c.Subjects(bg)
		var re *Error
		if !errors.As(err, &re) {
			t.Fatalf("%d %q: %T %v", tc.status, tc.body, err, err)
		}
		if re.StatusCode != tc.status || re.Message != tc.wantMsg || !errors.Is(err, tc.is) {
			t.Fatalf("%d %q: got %+v (%v)", tc.status, tc.body, re, err)
		}
	}
}

func TestLongErrorBodyIsCut(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(strings.Repeat("é", 500)))
	})
	c := mustNew(t, URLs(srv.URL))
	_, err := c.Subjects(bg)
	var re *Error
	if !errors.As(err, &re) || len(re.Message) > 210 || !strings.HasSuffix(re.Message, "…") {
		t.Fatalf("message not cut: %d bytes", len(re.Message))
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{StatusCode: 404, Code: ErrSubjectNotFound, Message: "Subject 'x' not found."}
	if got := e.Error(); got != "schema registry: Subject 'x' not found. (HTTP 404, error code 40401)" {
		t.Fatalf("Error() = %q", got)
	}
	e = &Error{StatusCode: 401, Message: "Unauthorized"}
	if got := e.Error(); got != "schema registry: Unauthorized (HTTP 401)" {
		t.Fatalf("Error() = %q", got)
	}
	e = &Error{StatusCode: 503, Code: 50003, Message: "forwarding failed", Method: "POST", Path: "/subjects/s/versions", Attempts: 4}
	if got := e.Error(); got != "schema registry: POST /subjects/s/versions: forwarding failed (HTTP 503, error code 50003, 4 attempts)" {
		t.Fatalf("Error() = %q", got)
	}
	if ErrorCode(12345).Error() != "schema registry: error code 12345" {
		t.Fatal(ErrorCode(12345).Error())
	}
	if errors.Is(e, errors.New("x")) {
		t.Fatal("matches a foreign error")
	}
}

func FuzzErrorFromBody(f *testing.F) {
	f.Add(404, []byte(`{"error_code":40401,"message":"x"}`))
	f.Add(502, []byte(`<html>`))
	f.Add(401, []byte{})
	f.Add(500, []byte(`{"error_code":"abc"}`))
	f.Add(422, []byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := errorFromBody(status, body, nil)
		if e.StatusCode != status || e.Message == "" {
			t.Fatalf("%+v", e)
		}
		_ = e.Error()
		_ = errors.Is(e, ErrSubjectNotFound)
	})
}

func FuzzSubjects(f *testing.F) {
	for _, s := range []string{"s", ":.a:s", ":.:", ":.", "::", ":.a:b:c", ""} {
		f.Add(s, ".ctx")
	}
	f.Fuzz(func(t *testing.T, subject, ctxName string) {
		c, name := SplitSubject(subject)
		if _, _, nested := splitQualified(name); nested {
			// The name itself looks qualified (":.a::.b"): QualifySubject
			// leaves such a name as it is, by design.
			return
		}
		if q := QualifySubject(c, name); c != "" && q != subject && canonicalSubject("", subject) != q {
			t.Fatalf("round trip %q -> %q %q -> %q", subject, c, name, q)
		}
		_ = canonicalSubject(normalizeContext(ctxName), subject)
		_ = escapeSubject(subject)
	})
}

// A 2xx answer that is not the expected JSON (a proxy's page, a cut body)
// is a typed error: it matches ErrJSONParse, as in Confluent's Java client,
// and unwraps to the encoding/json error.
func TestUndecodableAnswer(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"schema": "trunc`))
	})
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
	_, err := c.SchemaByID(bg, 1)
	var se *json.SyntaxError
	if !errors.Is(err, ErrJSONParse) || !errors.As(err, &se) || !strings.Contains(err.Error(), "HTTP 200") {
		t.Fatalf("got %v", err)
	}
}

// TestErrorNamesTheCall: an error from a direct call says which call it
// was (method and path, credentials redacted) and how many attempts it made.
func TestErrorNamesTheCall(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrStoreError, "kafka store down")
	})
	c := mustNew(t, URLs(srv.URL), Retries(3, time.Millisecond, time.Millisecond))
	fastRetries(c)
	_, err := c.Versions(bg, "orders-value", Deleted())
	var re *Error
	if !errors.As(err, &re) {
		t.Fatal(err)
	}
	if re.Method != "GET" || re.Path != "/subjects/orders-value/versions?deleted=true" || re.Attempts != 4 {
		t.Fatalf("got %+v", re)
	}
	if !strings.Contains(err.Error(), "GET /subjects/orders-value/versions?deleted=true: kafka store down (HTTP 500, error code 50001, 4 attempts)") {
		t.Fatalf("Error() = %q", err.Error())
	}
	// One attempt is not worth saying.
	srv = newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { replyErr(w, ErrSubjectNotFound, "no") })
	c = mustNew(t, URLs(srv.URL))
	_, err = c.LatestSchema(bg, "s")
	if !errors.As(err, &re) || re.Attempts != 1 || strings.Contains(err.Error(), "attempt") {
		t.Fatalf("single attempt: %+v %q", re, err)
	}
	// A secret in the path (a subject named after it) is redacted.
	srv = newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { w.WriteHeader(500) })
	c = mustNew(t, URLs(srv.URL), Retries(0, 0, 0), BearerToken("tok-in-path"))
	_, err = c.Versions(bg, "tok-in-path")
	if !errors.As(err, &re) || strings.Contains(err.Error(), "tok-in-path") || strings.Contains(re.Path, "tok-in-path") {
		t.Fatalf("secret in path: %+v %q", re, err)
	}
}
