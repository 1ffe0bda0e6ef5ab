package mockregistry

import (
	"net/http"
	"testing"
)

const (
	userV1  = `{"name":"User","fields":[{"name":"id","type":"int"}]}`
	userV1b = `{ "fields": [ { "type": "int", "name": "id" } ], "name": "User" }` // same schema, other formatting
	userV2  = `{"name":"User","fields":[{"name":"id","type":"int"},{"name":"email","type":"string","default":""}]}`
	userBad = `{"name":"User","fields":[{"name":"id","type":"int"},{"name":"age","type":"int"}]}`
)

func TestRegisterAndRead(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"GET", "/", "", 200, `{}`},
		{"GET", "/subjects", "", 200, `[]`},
		{"POST", "/subjects/users-value/versions", body(userV1), 200,
			regBody(1, 1, userV1)},
		// Identical schema, other formatting: same ID and version.
		{"POST", "/subjects/users-value/versions", body(userV1b), 200,
			regBody(1, 1, userV1)},
		// Same schema in another subject: same global ID, that subject's version 1.
		{"POST", "/subjects/other/versions", body(userV1), 200,
			regBody(1, 1, userV1)},
		{"POST", "/subjects/users-value/versions", body(userV2), 200,
			regBody(2, 2, userV2)},
		{"GET", "/subjects", "", 200, `["other","users-value"]`},
		{"GET", "/subjects?subjectPrefix=us", "", 200, `["users-value"]`},
		{"GET", "/subjects/users-value/versions", "", 200, `[1,2]`},
		{"GET", "/subjects/users-value/versions/1", "", 200, verBody("users-value", 1, 1, userV1, false)},
		{"GET", "/subjects/users-value/versions/latest", "", 200,
			verBody("users-value", 2, 2, userV2, false)},
		{"GET", "/subjects/users-value/versions/-1", "", 200,
			verBody("users-value", 2, 2, userV2, false)},
		{"GET", "/subjects/users-value/versions/1/schema", "", 200, userV1},
		{"GET", "/subjects/users-value/versions/3", "", 404, `{"error_code":40402,"message":"Version 3 not found."}`},
		{"GET", "/subjects/users-value/versions/0", "", 422,
			`{"error_code":42202,"message":"The specified version '0' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""}`},
		{"GET", "/subjects/users-value/versions/abc", "", 422, ""},
		{"GET", "/subjects/nope/versions/1", "", 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
		{"GET", "/subjects/nope/versions", "", 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
		{"GET", "/schemas/ids/1", "", 200, idBody(userV1, false)},
		{"GET", "/schemas/ids/1/schema", "", 200, userV1},
		{"GET", "/schemas/ids/1?fetchMaxId=true", "", 200, idBody(userV1, false, `"maxId":2`)},
		{"GET", "/schemas/ids/1?format=serialized", "", 200, idBody(userV1, false, `"schema":"eyJuYW1lIjoiVXNlciIsImZpZWxkcyI6W3sibmFtZSI6ImlkIiwidHlwZSI6ImludCJ9XX0="`)},
		{"GET", "/schemas/ids/99", "", 404, `{"error_code":40403,"message":"Schema 99 not found"}`},
		{"GET", "/schemas/ids/1/subjects", "", 200, `["other","users-value"]`},
		{"GET", "/schemas/ids/1/versions", "", 200, `[{"subject":"other","version":1},{"subject":"users-value","version":1}]`},
		{"GET", "/schemas/types", "", 200, `["JSON","AVRO"]`},
		{"GET", "/schemas?subjectPrefix=users", "", 200,
			"[" + verBody("users-value", 1, 1, userV1, false) + "," + verBody("users-value", 2, 2, userV2, false) + "]"},
		{"GET", "/schemas?subjectPrefix=users&latestOnly=true", "", 200,
			"[" + verBody("users-value", 2, 2, userV2, false) + "]"},
		// Look-up under a subject.
		{"POST", "/subjects/users-value", body(userV1b), 200,
			lookupBody("users-value", 1, 1, userV1)},
		{"POST", "/subjects/users-value", body(`"string"`), 404, `{"error_code":40403,"message":"Schema not found"}`},
		{"POST", "/subjects/nope", body(userV1), 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
		// Unknown request fields are accepted.
		{"POST", "/subjects/users-value?normalize=false", `{"schema":` + q(userV1) + `,"whatever":{"x":1}}`, 200, ""},
	})
}

func TestSchemaByGUID(t *testing.T) {
	r := newTest(t)
	st, b := call(r.Handler(), "POST", "/subjects/s/versions", body(userV1), nil)
	if st != 200 {
		t.Fatalf("register: %d %s", st, b)
	}
	guid := b[len(`{"id":1,"version":1,"guid":"`):][:36]
	run(t, r.Handler(), []step{
		{"GET", "/schemas/guids/" + guid, "", 200, `{"guid":"<guid>","schemaType":"AVRO","schema":` + q(userV1) + `,"ts":0,"deleted":false}`},
		{"GET", "/schemas/guids/" + guid + "/ids", "", 200, `[{"context":".","id":1}]`},
		{"GET", "/schemas/guids/00000000-0000-4000-8000-000000000000", "", 404,
			`{"error_code":40403,"message":"Schema 00000000-0000-4000-8000-000000000000 not found"}`},
	})
}

func TestInvalidSchemas(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`{not json`), 422, ""},
		{"POST", "/subjects/s/versions", body(`{"fields":[]}`), 422,
			`{"error_code":42201,"message":"Invalid schema of type AVRO, details: record without a name"}`},
		{"POST", "/subjects/s/versions", `{"schema":""}`, 422, `{"error_code":42201,"message":"Empty schema"}`},
		{"POST", "/subjects/s/versions", body(`"int"`, `"schemaType":"XML"`), 422,
			`{"error_code":42201,"message":"Invalid schema type XML"}`},
		// No format for Protobuf in this registry: rejected, never "compatible".
		{"POST", "/subjects/s/versions", body(`syntax = "proto3";`, `"schemaType":"PROTOBUF"`), 422,
			`{"error_code":42201,"message":"no checker for schema type PROTOBUF: the mock registry has no format for it (add one with mockregistry.WithFormats)"}`},
		{"POST", "/compatibility/subjects/s/versions/latest", body(`syntax = "proto3";`, `"schemaType":"PROTOBUF"`), 422, ""},
		{"POST", "/subjects/s/versions", `{"schema": 12}`, 400, ""},
		{"POST", "/subjects/s/versions", ``, 422, ""},
		{"GET", "/subjects", "", 200, `[]`},
		{"GET", "/no/such/path", "", 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`},
		{"PATCH", "/subjects", "", 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`},
	})
}

func TestIncompatibleRegister(t *testing.T) {
	r := newTest(t)
	msg := `Schema being registered is incompatible with an earlier schema for subject \"s\", details: [` +
		`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}, ` +
		`{oldSchemaVersion: 1}, {oldSchema: '` + escapeJSON(userV1) + `'}, {validateFields: 'false', compatibility: 'BACKWARD'}]`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"POST", "/subjects/s/versions", body(userBad), 409, `{"error_code":40901,"message":"` + msg + `"}`},
		{"POST", "/compatibility/subjects/s/versions/latest", body(userBad), 200, `{"is_compatible":false}`},
		{"POST", "/compatibility/subjects/s/versions/latest?verbose=true", body(userBad), 200, ""},
		{"POST", "/compatibility/subjects/s/versions", body(userV2), 200, `{"is_compatible":true}`},
		{"POST", "/compatibility/subjects/s/versions/7", body(userV2), 404, `{"error_code":40402,"message":"Version 7 not found."}`},
		{"POST", "/compatibility/subjects/s/versions/x", body(userV2), 422, ""},
		// No versions: "latest" is compatible, a numbered version is not found.
		{"POST", "/compatibility/subjects/empty/versions/latest", body(userBad), 200, `{"is_compatible":true}`},
		{"POST", "/compatibility/subjects/empty/versions", body(userBad), 200, `{"is_compatible":true}`},
		// An invalid schema: 42201, or a message when verbose.
		{"POST", "/compatibility/subjects/s/versions", body(`{"fields":[]}`), 422, ""},
		{"POST", "/compatibility/subjects/s/versions?verbose=true", body(`{"fields":[]}`), 200,
			`{"is_compatible":false,"messages":["Invalid schema of type AVRO, details: record without a name"]}`},
	})
	_, b := call(r.Handler(), "POST", "/compatibility/subjects/s/versions/latest?verbose=true", body(userBad), nil)
	want := `{"is_compatible":false,"messages":["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}","{oldSchemaVersion: 1}","{oldSchema: '` + escapeJSON(userV1) + `'}","{validateFields: 'false', compatibility: 'BACKWARD'}"]}`
	if b != want {
		t.Fatalf("verbose:\n got %s\nwant %s", b, want)
	}
}

func escapeJSON(s string) string {
	b := q(s)
	return b[1 : len(b)-1]
}

func TestMethodNotAllowedHasAllow(t *testing.T) {
	r := newTest(t)
	req, _ := http.NewRequest("PATCH", "/config", nil)
	rec := &recorder{h: http.Header{}}
	r.Handler().ServeHTTP(rec, req)
	if rec.code != 405 || rec.h.Get("Allow") == "" {
		t.Fatalf("got %d, Allow %q", rec.code, rec.h.Get("Allow"))
	}
}

type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(c int)           { r.code = c }
