package mockregistry

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// These tests use the default (real) formats.

const (
	protoV1 = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  string id = 1;\n  int64 amount = 2;\n}\n"
	// protoV1b is protoV1 formatted differently.
	protoV1b = "syntax = \"proto3\"; package shop; message Order { string id = 1; int64 amount = 2; }"
	// protoBad changes a field's scalar type.
	protoBad = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  string id = 1;\n  string amount = 2;\n}\n"
	jsonV1   = `{"type":"object","properties":{"id":{"type":"string"}}}`
	jsonBad  = `{"type":"object","properties":{"id":{"type":"integer"}}}`
)

func TestRealProtobuf(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	h := r.Handler()
	pb := `"schemaType":"PROTOBUF"`
	run(t, h, []step{
		{"POST", "/subjects/orders-value/versions", body(protoV1, pb), 200, ""},
		{"POST", "/subjects/orders-value/versions", body(protoV1b, pb), 200, ""},
		{"GET", "/subjects/orders-value/versions", "", 200, `[1]`},
		{"POST", "/subjects/orders-value/versions", body("syntax = \"proto3\"; message {", pb), 422, ""},
		{"POST", "/compatibility/subjects/orders-value/versions/latest", body(protoBad, pb), 200, `{"is_compatible":false}`},
		{"POST", "/subjects/orders-value/versions", body(protoBad, pb), 409, ""},
		{"GET", "/schemas/types", "", 200, `["JSON","PROTOBUF","AVRO"]`},
	})
	// format=serialized answers a base64 FileDescriptorProto, which is
	// accepted on register as the same schema.
	st, b := call(h, "GET", "/schemas/ids/1?format=serialized", "", nil)
	if st != 200 {
		t.Fatalf("serialized: %d %s", st, b)
	}
	var got struct {
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := json.Unmarshal([]byte(b), &got); err != nil {
		t.Fatal(err)
	}
	if _, err := base64.StdEncoding.DecodeString(got.Schema); err != nil || got.SchemaType != "PROTOBUF" {
		t.Fatalf("serialized schema %q (%s): %v", got.Schema, got.SchemaType, err)
	}
	run(t, h, []step{
		{"POST", "/subjects/orders-value/versions", body(got.Schema, pb), 200, ""},
		{"GET", "/subjects/orders-value/versions", "", 200, `[1]`},
	})
	_, text := call(h, "GET", "/subjects/orders-value/versions/1/schema", "", nil)
	if !strings.Contains(text, "message Order") {
		t.Fatalf("stored text %q is not .proto text", text)
	}
}

func TestRealJSONSchema(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	js := `"schemaType":"JSON"`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/j/versions", body(jsonV1, js), 200, ""},
		// Whitespace does not make a new schema; key order does (as in the
		// real server).
		{"POST", "/subjects/j/versions", body(`{ "type": "object", "properties": {"id": {"type": "string"}} }`, js), 200, ""},
		{"GET", "/subjects/j/versions", "", 200, `[1]`},
		// A normalized look-up does not find a version registered without
		// normalize: the server compares the normalized text with the stored one.
		{"POST", "/subjects/j?normalize=true", body(`{"properties":{"id":{"type":"string"}},"type":"object"}`, js), 404, ""},
		{"POST", "/subjects/j/versions", body(`{"properties":{"id":{"type":"string"}},"type":"object"}`, js), 200, ""},
		{"GET", "/subjects/j/versions", "", 200, `[1,2]`},
		{"POST", "/subjects/j/versions", body(`{"type": 12}`, js), 422, ""},
		{"POST", "/subjects/j/versions", body(jsonBad, js), 409, ""},
	})
}

func TestRealAvro(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	v1 := `{"type": "record", "name": "User", "namespace": "shop", "fields": [{"name": "id", "type": "int"}]}`
	v1Canonical := `{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"int"}]}`
	v2 := `{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"email","type":"string","default":""}]}`
	bad := `{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"age","type":"int"}]}`
	msg := `Schema being registered is incompatible with an earlier schema for subject \"u\", details: [` +
		`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}, ` +
		`{oldSchemaVersion: 2}, {oldSchema: '` + escapeJSON(v2) + `'}, {validateFields: 'false', compatibility: 'BACKWARD'}]`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/u/versions", body(v1), 200, regBody(1, 1, v1Canonical)},
		{"POST", "/subjects/u/versions", body(v1Canonical), 200, regBody(1, 1, v1Canonical)},
		{"POST", "/subjects/u/versions", body(v2), 200, regBody(2, 2, v2)},
		{"POST", "/subjects/u/versions", body(bad), 409, `{"error_code":40901,"message":"` + msg + `"}`},
		{"POST", "/subjects/u/versions", body(`{"type":"record"}`), 422, ""},
		{"POST", "/subjects/u/versions", body(`{"type":"record","name":"X","fields":[{"name":"a","type":"Missing"}]}`), 422, ""},
		{"GET", "/schemas/ids/1", "", 200, idBody(v1Canonical, false)},
		// FORWARD: the old schema reads; the message says so.
		{"PUT", "/config/u", `{"compatibility":"FORWARD"}`, 200, ""},
		{"POST", "/compatibility/subjects/u/versions/1?verbose=true", body(`{"type":"record","name":"User","namespace":"shop","fields":[{"name":"email","type":"string"}]}`), 200,
			`{"is_compatible":false,"messages":[` +
				q(`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'id' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'id'}`) + `,` +
				q(`{oldSchemaVersion: 1}`) + `,` + q(`{oldSchema: '`+v1Canonical+`'}`) + `,` +
				q(`{validateFields: 'false', compatibility: 'FORWARD'}`) + `]}`},
	})
}
