package registry

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Answers of Confluent Schema Registry 7.x and 8.x to the same reads, as
// their SchemaString and Schema entities serialize (Jackson NON_EMPTY): 8.x
// adds guid, schemaType (AVRO included) and ts to every read, and subject
// and version to GET /schemas/ids/{id}?subject=.
var cpAnswers = []struct {
	name       string
	path       string // the request path the answer is for
	v7, v8     string
	wantCommon SubjectSchema // what both decode to, 8.x-only fields aside
}{
	{
		name:       "avro by id",
		path:       "/schemas/ids/1",
		v7:         `{"schema":"\"string\""}`,
		v8:         `{"guid":"6b1a8b02-1c5b-4bd8-8e6f-2b6f5a0ff6e1","schemaType":"AVRO","schema":"\"string\"","ts":1767225600000,"deleted":false}`,
		wantCommon: SubjectSchema{ID: 1, Schema: Schema{Schema: `"string"`}},
	},
	{
		name:       "avro by id with subject",
		path:       "/schemas/ids/1?subject=orders-value",
		v7:         `{"schema":"\"string\""}`,
		v8:         `{"subject":"orders-value","version":3,"guid":"6b1a8b02-1c5b-4bd8-8e6f-2b6f5a0ff6e1","schemaType":"AVRO","schema":"\"string\"","ts":1767225600000,"deleted":false}`,
		wantCommon: SubjectSchema{ID: 1, Schema: Schema{Schema: `"string"`}},
	},
	{
		name: "protobuf by id with references",
		path: "/schemas/ids/2",
		v7:   `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";","references":[{"name":"a.proto","subject":"a","version":1}]}`,
		v8:   `{"guid":"0c3f5f2e-9b1d-4a52-a7b9-1f0f9d1e2c3d","schemaType":"PROTOBUF","schema":"syntax = \"proto3\";","references":[{"name":"a.proto","subject":"a","version":1}],"ts":1767225600000,"deleted":false}`,
		wantCommon: SubjectSchema{ID: 2, Schema: Schema{Schema: `syntax = "proto3";`, SchemaType: Protobuf,
			References: []Reference{{Name: "a.proto", Subject: "a", Version: 1}}}},
	},
	{
		name: "version with metadata and rules",
		path: "/subjects/orders-value/versions/3",
		v7:   `{"subject":"orders-value","version":3,"id":1,"schema":"\"string\"","metadata":{"properties":{"owner":"team-a"}},"ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]}}`,
		v8:   `{"subject":"orders-value","version":3,"id":1,"guid":"6b1a8b02-1c5b-4bd8-8e6f-2b6f5a0ff6e1","schemaType":"AVRO","schema":"\"string\"","metadata":{"properties":{"owner":"team-a"}},"ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]},"ts":1767225600000,"deleted":false}`,
		wantCommon: SubjectSchema{Subject: "orders-value", Version: 3, ID: 1, Schema: Schema{Schema: `"string"`,
			Metadata: &Metadata{Properties: map[string]string{"owner": "team-a"}},
			RuleSet:  &RuleSet{DomainRules: []Rule{{Name: "r", Kind: RuleKindCondition, Mode: RuleModeWrite, Type: "CEL", Expr: "true"}}}}},
	},
}

// TestReadsBothCPShapes: the client reads 7.x and 8.x answers field for
// field; an explicit "AVRO" equals the omitted type.
func TestReadsBothCPShapes(t *testing.T) {
	for _, tc := range cpAnswers {
		t.Run(tc.name, func(t *testing.T) {
			var got [2]SubjectSchema
			for i, body := range []string{tc.v7, tc.v8} {
				srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
					w.Header().Set("Content-Type", contentType)
					_, _ = w.Write([]byte(body))
				})
				c := mustNew(t, URLs(srv.URL))
				var err error
				switch {
				case strings.HasPrefix(tc.path, "/schemas/ids/1?subject="):
					got[i], err = c.SchemaByID(bg, 1, SubjectHint("orders-value"))
				case strings.HasPrefix(tc.path, "/schemas/ids/"):
					got[i], err = c.SchemaByID(bg, int(tc.path[len(tc.path)-1]-'0'))
				default:
					got[i], err = c.SchemaByVersion(bg, "orders-value", 3)
				}
				if err != nil {
					t.Fatalf("shape %d: %v", i, err)
				}
				if want, _, _ := strings.Cut(tc.path, "?"); srv.last().Path != want {
					t.Fatalf("asked %s, want %s", srv.last().Path, want)
				}
			}
			v7, v8 := got[0], got[1]
			if !reflect.DeepEqual(v7, tc.wantCommon) {
				t.Fatalf("7.x answer read as\n%+v\nwant\n%+v", v7, tc.wantCommon)
			}
			var v8body struct {
				Subject string `json:"subject"`
				Version int    `json:"version"`
				GUID    string `json:"guid"`
				TS      int64  `json:"ts"`
			}
			_ = json.Unmarshal([]byte(tc.v8), &v8body)
			if v8.GUID != v8body.GUID || v8.Timestamp != v8body.TS || v8.Timestamp == 0 || v8.Subject != v8body.Subject || v8.Version != v8body.Version {
				t.Fatalf("8.x fields lost: %+v", v8)
			}
			common := v8
			common.GUID, common.Timestamp = "", 0
			if strings.Contains(tc.path, "?subject=") {
				common.Subject, common.Version = "", 0 // 7.x does not answer them
			}
			if !reflect.DeepEqual(common, tc.wantCommon) {
				t.Fatalf("8.x answer read as\n%+v\nwant\n%+v", common, tc.wantCommon)
			}
			if v7.Type() != v8.Type() || v7.SchemaType != v8.SchemaType {
				t.Fatalf("types differ: %q vs %q", v7.SchemaType, v8.SchemaType)
			}
		})
	}
}

// TestAvroTypeNeverSent: Avro goes out without "schemaType", however the
// caller spells it, and an explicit "AVRO" is the same cache key as none.
func TestAvroTypeNeverSent(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 200, map[string]any{"id": 5, "version": 1, "schemaType": "AVRO", "schema": `"int"`, "guid": "g", "ts": 1})
	})
	c := mustNew(t, URLs(srv.URL))
	a, err := c.Register(bg, "s", Schema{Schema: `"int"`, SchemaType: Avro})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(srv.last().Body, "schemaType") {
		t.Fatalf("sent %s", srv.last().Body)
	}
	b, err := c.Register(bg, "s", Schema{Schema: `"int"`})
	if err != nil {
		t.Fatal(err)
	}
	if srv.count() != 1 {
		t.Fatalf("explicit AVRO and omitted type are different keys: %d requests", srv.count())
	}
	if a.SchemaType != "" || !reflect.DeepEqual(a, b) || a.Timestamp != 1 {
		t.Fatalf("register answers: %+v / %+v", a, b)
	}
}

func TestSchemaTypeDecoding(t *testing.T) {
	for in, want := range map[string]SchemaType{`"AVRO"`: "", `"avro"`: "", `""`: "", `"PROTOBUF"`: Protobuf, `"JSON"`: JSON} {
		var got SchemaType
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	var s Schema
	if err := json.Unmarshal([]byte(`{"schemaType":1}`), &s); err == nil {
		t.Error("a number as schemaType accepted")
	}
}
