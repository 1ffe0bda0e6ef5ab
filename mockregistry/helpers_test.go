package mockregistry

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/registry"
)

// newTest returns a registry with the fake format for every schema type
// but Protobuf (left without a format on purpose).
func newTest(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	all := append([]Option{WithoutDefaultFormats(), WithFormats(fakeFormat{registry.Avro}, fakeFormat{registry.JSON})}, opts...)
	r, err := New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// step is one REST call and the answer the real server gives to it.
type step struct {
	method, path, body string
	status             int
	// want is the expected JSON body, compared as JSON after every "guid"
	// value is checked to be a UUID and replaced by "<guid>", and every
	// "ts" by 0. Empty skips the body check.
	want string
}

// run sends the steps in order to h and checks each answer.
func run(t *testing.T, h http.Handler, steps []step) {
	t.Helper()
	for i, s := range steps {
		status, body := call(h, s.method, s.path, s.body, nil)
		if status != s.status {
			t.Fatalf("step %d %s %s: status %d, want %d; body %s", i, s.method, s.path, status, s.status, body)
		}
		if s.want == "" {
			continue
		}
		got, err := normalizeJSON(body)
		if err != nil {
			t.Fatalf("step %d %s %s: body %q: %v", i, s.method, s.path, body, err)
		}
		want, err := normalizeJSON(s.want)
		if err != nil {
			t.Fatalf("step %d: bad want %q: %v", i, s.want, err)
		}
		if got != want {
			t.Fatalf("step %d %s %s:\n got %s\nwant %s", i, s.method, s.path, got, want)
		}
	}
}

// call serves one request and returns the status and body.
func call(h http.Handler, method, path, body string, header http.Header) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func normalizeJSON(s string) (string, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", err
	}
	v = mask(v)
	b, err := json.Marshal(v)
	return string(b), err
}

func mask(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch {
			case k == "guid":
				if s, ok := e.(string); ok && uuidRE.MatchString(s) {
					x[k] = "<guid>"
				}
			case k == "ts":
				x[k] = 0
			default:
				x[k] = mask(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = mask(e)
		}
	}
	return v
}

// body JSON-encodes a register request for schema text s.
func body(s string, extra ...string) string {
	b, _ := json.Marshal(s)
	out := `{"schema":` + string(b)
	for _, e := range extra {
		out += "," + e
	}
	return out + "}"
}

// q JSON-quotes s (for expected bodies).
func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
