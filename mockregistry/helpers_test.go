package mockregistry

import (
	"encoding/json"
	"fmt"
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

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

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

// jobj builds a JSON object from `"key":value` fragments; a later fragment
// replaces an earlier one with the same key.
func jobj(fields ...string) string {
	m := map[string]json.RawMessage{}
	for _, f := range fields {
		var one map[string]json.RawMessage
		if err := json.Unmarshal([]byte("{"+f+"}"), &one); err != nil {
			panic("bad fragment " + f + ": " + err.Error())
		}
		for k, v := range one {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// regBody is the RegisterSchemaResponse CP 8 answers for a new (or
// identical) AVRO schema: no subject, no ts.
func regBody(id, version int, schema string, extra ...string) string {
	return jobj(append([]string{fmt.Sprintf(`"id":%d,"version":%d,"guid":"<guid>","schemaType":"AVRO","schema":%s`, id, version, q(schema))}, extra...)...)
}

// verBody is the Schema entity of a stored version (GET .../versions/{v},
// /schemas listings, lookups that match by canLookup): with ts and deleted.
func verBody(subject string, version, id int, schema string, deleted bool, extra ...string) string {
	return jobj(append([]string{fmt.Sprintf(`"subject":%s,"version":%d,"id":%d,"guid":"<guid>","schemaType":"AVRO","schema":%s,"ts":0,"deleted":%t`,
		q(subject), version, id, q(schema), deleted)}, extra...)...)
}

// lookupBody is what a lookup that matches by identity answers: the schema
// as sent, with the found version and ID, no ts or deleted.
func lookupBody(subject string, version, id int, schema string, extra ...string) string {
	return jobj(append([]string{fmt.Sprintf(`"subject":%s,"version":%d,"id":%d,"guid":"<guid>","schemaType":"AVRO","schema":%s`,
		q(subject), version, id, q(schema))}, extra...)...)
}

// idBody is the SchemaString of GET /schemas/ids/{id} without a subject.
func idBody(schema string, deleted bool, extra ...string) string {
	return jobj(append([]string{fmt.Sprintf(`"guid":"<guid>","schemaType":"AVRO","schema":%s,"ts":0,"deleted":%t`, q(schema), deleted)}, extra...)...)
}
