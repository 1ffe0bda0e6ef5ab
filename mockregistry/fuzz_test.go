package mockregistry

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// FuzzHandler sends hostile requests (any method, path, query and body) to
// a registry with srkit's real formats: every error answer is Confluent's
// JSON error body, and nothing panics or leaves the registry locked.
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"POST", "/subjects/s/versions", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}`},
		{"POST", "/subjects/s/versions", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\"; message M { int32 a = 1; }"}`},
		{"POST", "/subjects/s/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"}`},
		{"POST", "/subjects/s/versions", `{"schemaType":"PROTOBUF","schema":"CgdhLnByb3Rv","references":[{"name":"x","subject":"s","version":1}]}`},
		{"POST", "/subjects/s/versions?normalize=true&format=serialized", `{"schema":"\"int\"","id":7,"version":-3}`},
		{"POST", "/subjects/s", `{"schema":"{bad"}`},
		{"POST", "/compatibility/subjects/s/versions/latest?verbose=true", `{"schema":"\"long\""}`},
		{"GET", "/subjects/s/metadata?key=a&value=b&key=c", ""},
		{"GET", "/schemas/ids/1?fetchMaxId=true&format=serialized", ""},
		{"GET", "/schemas/guids/x/ids", ""},
		{"DELETE", "/subjects/s/versions/latest?permanent=true", ""},
		{"PUT", "/config/:.c:s", `{"compatibility":"FULL","defaultRuleSet":{"domainRules":[{"name":"r","type":"CEL","mode":"UPGRADE"}]}}`},
		{"PUT", "/mode?force=true", `{"mode":"import"}`},
		{"GET", "/contexts/.c/subjects?subjectPrefix=:*:&offset=-1&limit=99999999999", ""},
		{"POST", "/dek-registry/v1/keks", `{"name":"k","kmsType":"aws","kmsKeyId":"x","shared":true}`},
		{"POST", "/dek-registry/v1/keks/k/deks", `{"subject":"s","version":-1,"algorithm":"AES256_SIV"}`},
		{"GET", "/dek-registry/v1/keks/k/deks/s/versions/latest?algorithm=NOPE", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	r, err := New()
	if err != nil {
		f.Fatal(err)
	}
	h := r.Handler()
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://mock"+path, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.RequestURI = req.URL.RequestURI()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		// ServeMux redirects paths with dot segments to their clean form.
		if rec.Code >= 400 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: status %d with a body that is not JSON: %q", method, path, rec.Code, rec.Body.String())
		}
		// The registry still answers: no lock was left held.
		probe := httptest.NewRecorder()
		h.ServeHTTP(probe, httptest.NewRequest("GET", "/subjects", nil))
		if probe.Code != http.StatusOK {
			t.Fatalf("GET /subjects after %s %s: %d %s", method, path, probe.Code, probe.Body.String())
		}
	})
}

// panicFormat is a format whose parser panics.
type panicFormat struct{ fakeFormat }

func (panicFormat) Parse(string, []compat.Dependency) (compat.Schema, error) { panic("format bug") }

// A panicking format answers 500 and leaves the registry usable.
func TestPanicInFormatAnswers500(t *testing.T) {
	r := newTest(t, WithFormats(panicFormat{fakeFormat{registry.JSON}}))
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`"int"`, `"schemaType":"JSON"`), 500,
			`{"error_code":50001,"message":"mockregistry: internal error: format bug"}`},
		{"POST", "/subjects/s/versions", body(`"int"`), 200, ""},
		{"GET", "/subjects", "", 200, `["s"]`},
	})
}
