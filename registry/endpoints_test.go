package registry

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// TestEndpoints checks each call's method, path, query and body, and that
// the answer decodes.
func TestEndpoints(t *testing.T) {
	var answer string
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		_, _ = w.Write([]byte(answer))
	})
	avro := Schema{Schema: `{"type":"record","name":"R","fields":[]}`}
	proto := Schema{Schema: `syntax = "proto3"; message M {}`, SchemaType: Protobuf,
		References: []Reference{{Name: "dep.proto", Subject: "dep", Version: 2}}}
	type check struct {
		name   string
		call   func(c *Client) (any, error)
		answer string
		method string
		path   string
		query  string
		body   string // JSON, compared semantically; "" means no body
		want   any
	}
	checks := []check{
		{"register avro", func(c *Client) (any, error) { return c.Register(bg, "orders-value", avro, Normalize()) },
			`{"id":7,"version":3,"guid":"f0e1","newServerField":{"x":1}}`, "POST", "/subjects/orders-value/versions", "normalize=true",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`,
			SubjectSchema{Subject: "orders-value", Version: 3, ID: 7, GUID: "f0e1", Schema: avro}},
		{"register protobuf", func(c *Client) (any, error) { return c.Register(bg, "p", proto, OutputFormat("serialized")) },
			`{"id":8}`, "POST", "/subjects/p/versions", "format=serialized",
			`{"schema":"syntax = \"proto3\"; message M {}","schemaType":"PROTOBUF","references":[{"name":"dep.proto","subject":"dep","version":2}]}`,
			SubjectSchema{Subject: "p", ID: 8, Schema: proto}},
		{"register with explicit id", func(c *Client) (any, error) { return c.Register(bg, "s", avro, ExplicitID(100, 4)) },
			`{"id":100,"version":4}`, "POST", "/subjects/s/versions", "",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}","id":100,"version":4}`,
			SubjectSchema{Subject: "s", Version: 4, ID: 100, Schema: avro}},
		{"lookup", func(c *Client) (any, error) { return c.LookupSchema(bg, "s", avro, Deleted(), Normalize()) },
			`{"subject":"s","version":1,"id":4,"schema":"x"}`, "POST", "/subjects/s", "deleted=true&normalize=true",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`,
			SubjectSchema{Subject: "s", Version: 1, ID: 4, Schema: Schema{Schema: "x"}}},
		{"schema by id", func(c *Client) (any, error) { return c.SchemaByID(bg, 5, SubjectHint("s"), OutputFormat("resolved")) },
			`{"schema":"x","schemaType":"JSON","guid":"g","maxId":99}`, "GET", "/schemas/ids/5", "format=resolved&subject=s", "",
			SubjectSchema{ID: 5, GUID: "g", Schema: Schema{Schema: "x", SchemaType: JSON}}},
		{"schema by guid", func(c *Client) (any, error) { return c.SchemaByGUID(bg, "a-b") },
			`{"schema":"x","id":3}`, "GET", "/schemas/guids/a-b", "", "",
			SubjectSchema{ID: 3, GUID: "a-b", Schema: Schema{Schema: "x"}}},
		{"ids by guid", func(c *Client) (any, error) { return c.IDsByGUID(bg, "a-b") },
			`[{"context":".","id":3},{"context":".x","id":1}]`, "GET", "/schemas/guids/a-b/ids", "", "",
			[]ContextID{{".", 3}, {".x", 1}}},
		{"raw schema by id", func(c *Client) (any, error) { return c.RawSchemaByID(bg, 5) },
			`{"type":"string"}`, "GET", "/schemas/ids/5/schema", "", "", `{"type":"string"}`},
		{"subjects by id", func(c *Client) (any, error) { return c.SubjectsByID(bg, 5, Deleted()) },
			`["a","b"]`, "GET", "/schemas/ids/5/subjects", "deleted=true", "", []string{"a", "b"}},
		{"versions by id", func(c *Client) (any, error) { return c.SubjectVersionsByID(bg, 5, SubjectHint(":.c:a")) },
			`[{"subject":"a","version":1}]`, "GET", "/schemas/ids/5/versions", "subject=%3A.c%3Aa", "", []SubjectVersion{{"a", 1}}},
		{"schemas", func(c *Client) (any, error) {
			return c.Schemas(bg, SubjectPrefix("ord"), Deleted(), LatestOnly(), Page(10, 5))
		},
			`[{"subject":"orders","version":1,"id":1,"schema":"x"}]`, "GET", "/schemas", "deleted=true&latestOnly=true&limit=5&offset=10&subjectPrefix=ord", "",
			[]SubjectSchema{{Subject: "orders", Version: 1, ID: 1, Schema: Schema{Schema: "x"}}}},
		{"schema types", func(c *Client) (any, error) { return c.SchemaTypes(bg) },
			`["JSON","PROTOBUF","AVRO"]`, "GET", "/schemas/types", "", "", []string{"JSON", "PROTOBUF", "AVRO"}},
		{"subjects", func(c *Client) (any, error) { return c.Subjects(bg, SubjectPrefix(":.ctx:"), DeletedOnly()) },
			`[":.ctx:a"]`, "GET", "/subjects", "deletedOnly=true&subjectPrefix=%3A.ctx%3A", "", []string{":.ctx:a"}},
		{"versions", func(c *Client) (any, error) { return c.Versions(bg, "a b/c", Deleted()) },
			`[1,2,3]`, "GET", "/subjects/a%20b%2Fc/versions", "deleted=true", "", []int{1, 2, 3}},
		{"version", func(c *Client) (any, error) { return c.SchemaByVersion(bg, "s", 2, Deleted()) },
			`{"subject":"s","version":2,"id":9,"schema":"x","metadata":{"tags":{"f":["PII"]},"properties":{"owner":"me"},"sensitive":["k"]}}`,
			"GET", "/subjects/s/versions/2", "deleted=true", "",
			SubjectSchema{Subject: "s", Version: 2, ID: 9, Schema: Schema{Schema: "x", Metadata: &Metadata{
				Tags: map[string][]string{"f": {"PII"}}, Properties: map[string]string{"owner": "me"}, Sensitive: []string{"k"}}}}},
		{"latest", func(c *Client) (any, error) { return c.LatestSchema(bg, ":.ctx:s") },
			`{"subject":":.ctx:s","version":4,"id":9,"schema":"x","ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true","onFailure":"DLQ","params":{"a":"b"},"tags":["PII"],"disabled":true,"doc":"d","onSuccess":"NONE"}]}}`,
			"GET", "/subjects/:.ctx:s/versions/latest", "", "",
			SubjectSchema{Subject: ":.ctx:s", Version: 4, ID: 9, Schema: Schema{Schema: "x", RuleSet: &RuleSet{DomainRules: []Rule{{
				Name: "r", Doc: "d", Kind: RuleKindCondition, Mode: RuleModeWrite, Type: "CEL", Tags: []string{"PII"},
				Params: map[string]string{"a": "b"}, Expr: "true", OnSuccess: "NONE", OnFailure: "DLQ", Disabled: true}}}}}},
		{"raw schema by version", func(c *Client) (any, error) { return c.RawSchemaByVersion(bg, "s", Latest) },
			`"string"`, "GET", "/subjects/s/versions/latest/schema", "", "", `"string"`},
		{"latest with metadata", func(c *Client) (any, error) {
			return c.LatestWithMetadata(bg, "s", map[string]string{"owner": "a&b=c", "app": "x y"}, Deleted())
		},
			`{"subject":"s","version":1,"id":2,"schema":"x"}`, "GET", "/subjects/s/metadata",
			"deleted=true&key=app&key=owner&value=x+y&value=a%26b%3Dc", "",
			SubjectSchema{Subject: "s", Version: 1, ID: 2, Schema: Schema{Schema: "x"}}},
		{"referenced by", func(c *Client) (any, error) { return c.ReferencedBy(bg, "s", 1) },
			`[10,11]`, "GET", "/subjects/s/versions/1/referencedby", "", "", []int{10, 11}},
		{"soft delete subject", func(c *Client) (any, error) { return c.DeleteSubject(bg, "s", false) },
			`[1,2]`, "DELETE", "/subjects/s", "", "", []int{1, 2}},
		{"hard delete subject", func(c *Client) (any, error) { return c.DeleteSubject(bg, "s", true) },
			`[1,2]`, "DELETE", "/subjects/s", "permanent=true", "", []int{1, 2}},
		{"soft delete version", func(c *Client) (any, error) { return c.DeleteVersion(bg, "s", 2, false) },
			`2`, "DELETE", "/subjects/s/versions/2", "", "", 2},
		{"hard delete version", func(c *Client) (any, error) { return c.DeleteVersion(bg, "s", Latest, true) },
			`3`, "DELETE", "/subjects/s/versions/latest", "permanent=true", "", 3},
		{"compatibility one version", func(c *Client) (any, error) { return c.CheckCompatibility(bg, "s", 3, avro, Verbose()) },
			`{"is_compatible":false,"messages":["reader field missing"]}`, "POST", "/compatibility/subjects/s/versions/3", "verbose=true",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`,
			CompatibilityResult{IsCompatible: false, Messages: []string{"reader field missing"}}},
		{"compatibility all", func(c *Client) (any, error) { return c.CheckCompatibility(bg, "s", AllVersions, avro, Normalize()) },
			`{"is_compatible":true}`, "POST", "/compatibility/subjects/s/versions", "normalize=true",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`, CompatibilityResult{IsCompatible: true}},
		{"compatibility latest", func(c *Client) (any, error) { return c.CheckCompatibility(bg, "s", Latest, avro) },
			`{"is_compatible":true}`, "POST", "/compatibility/subjects/s/versions/latest", "",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`, CompatibilityResult{IsCompatible: true}},
		{"get global config", func(c *Client) (any, error) { return c.GetConfig(bg, "") },
			`{"compatibilityLevel":"FULL","normalize":true,"validateFields":false}`, "GET", "/config", "", "",
			Config{CompatibilityLevel: Full, Normalize: ptr(true), ValidateFields: ptr(false)}},
		{"get subject config", func(c *Client) (any, error) { return c.GetConfig(bg, "s", DefaultToGlobal()) },
			`{"compatibilityLevel":"BACKWARD","alias":"t","compatibilityGroup":"app.major","defaultMetadata":{"properties":{"a":"b"}},"overrideRuleSet":{"migrationRules":[{"name":"m"}]}}`,
			"GET", "/config/s", "defaultToGlobal=true", "",
			Config{CompatibilityLevel: Backward, Alias: "t", CompatibilityGroup: "app.major",
				DefaultMetadata: &Metadata{Properties: map[string]string{"a": "b"}}, OverrideRuleSet: &RuleSet{MigrationRules: []Rule{{Name: "m"}}}}},
		{"set config", func(c *Client) (any, error) {
			return c.SetConfig(bg, "s", Config{CompatibilityLevel: FullTransitive, Normalize: ptr(true), ValidateRules: ptr(true),
				DefaultRuleSet: &RuleSet{EncodingRules: []Rule{{Name: "enc", Kind: RuleKindTransform, Type: "ENCRYPT_PAYLOAD"}}}})
		},
			`{"compatibility":"FULL_TRANSITIVE","normalize":true}`, "PUT", "/config/s", "",
			`{"compatibility":"FULL_TRANSITIVE","normalize":true,"validateRules":true,"defaultRuleSet":{"encodingRules":[{"name":"enc","kind":"TRANSFORM","type":"ENCRYPT_PAYLOAD"}]}}`,
			Config{CompatibilityLevel: FullTransitive, Normalize: ptr(true)}},
		{"delete config", func(c *Client) (any, error) { return c.DeleteConfig(bg, "s") },
			`{"compatibilityLevel":"NONE"}`, "DELETE", "/config/s", "", "", Config{CompatibilityLevel: None}},
		{"get mode", func(c *Client) (any, error) { return c.GetMode(bg, "") },
			`{"mode":"READWRITE"}`, "GET", "/mode", "", "", ReadWrite},
		{"set mode", func(c *Client) (any, error) { return c.SetMode(bg, "s", Import, Force()) },
			`{"mode":"IMPORT"}`, "PUT", "/mode/s", "force=true", `{"mode":"IMPORT"}`, Import},
		{"delete mode", func(c *Client) (any, error) { return c.DeleteMode(bg, "s") },
			`{"mode":"READONLY"}`, "DELETE", "/mode/s", "", "", ReadOnly},
		{"contexts", func(c *Client) (any, error) { return c.Contexts(bg) },
			`[".",".staging"]`, "GET", "/contexts", "", "", []string{".", ".staging"}},
		{"contexts by prefix", func(c *Client) (any, error) { return c.Contexts(bg, ContextPrefix(".st"), Page(1, 5)) },
			`[".stage"]`, "GET", "/contexts", "contextPrefix=.st&limit=5&offset=1", "", []string{".stage"}},
		{"delete context", func(c *Client) (any, error) { return nil, c.DeleteContext(bg, "staging") },
			``, "DELETE", "/contexts/.staging", "", "", nil},
		{"ping", func(c *Client) (any, error) { return nil, c.Ping(bg) },
			`{}`, "GET", "/", "", "", nil},
		{"associations", func(c *Client) (any, error) {
			return c.AssociationsByResourceName(bg, "lkc-1", "orders", "topic", "value")
		},
			`[{"subject":"orders-value","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value"}]`,
			"GET", "/associations/resources/lkc-1/orders", "associationType=value&resourceType=topic", "",
			[]Association{{Subject: "orders-value", ResourceName: "orders", ResourceNamespace: "lkc-1", ResourceType: "topic", AssociationType: "value"}}},
	}
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			c := mustNew(t, URLs(srv.URL))
			answer = ck.answer
			got, err := ck.call(c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			r := srv.last()
			if r.Method != ck.method || r.Path != ck.path {
				t.Fatalf("request %s %s, want %s %s", r.Method, r.Path, ck.method, ck.path)
			}
			if q, _ := url.ParseQuery(r.RawQuery); canonQuery(q) != ck.query {
				t.Fatalf("query %q, want %q", canonQuery(q), ck.query)
			}
			if ck.body == "" && r.Body != "" {
				t.Fatalf("unexpected body %s", r.Body)
			}
			if ck.body != "" {
				if !jsonEqual(r.Body, ck.body) {
					t.Fatalf("body %s\nwant %s", r.Body, ck.body)
				}
				if ct := r.Header.Get("Content-Type"); ct != "application/vnd.schemaregistry.v1+json" {
					t.Fatalf("Content-Type %q", ct)
				}
			}
			if ck.want != nil && !reflect.DeepEqual(got, ck.want) {
				t.Fatalf("result %#v\nwant %#v", got, ck.want)
			}
		})
	}
}

func TestContextPrefix(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Path == "/contexts" {
			_, _ = w.Write([]byte(`[]`))
			return
		}
		_, _ = w.Write([]byte(`{"id":1,"schema":"x","mode":"READONLY"}`))
	})
	s := Schema{Schema: `"string"`}
	cases := []struct {
		opts []Option
		call func(c *Client) error
		path string
	}{
		{[]Option{DefaultContext(".staging")}, func(c *Client) error { _, err := c.Register(bg, "s", s); return err },
			"/contexts/.staging/subjects/s/versions"},
		{[]Option{DefaultContext("staging")}, func(c *Client) error { _, err := c.SchemaByID(bg, 1); return err },
			"/contexts/.staging/schemas/ids/1"},
		{[]Option{DefaultContext(":.staging:")}, func(c *Client) error { _, err := c.GetMode(bg, ""); return err },
			"/contexts/.staging/mode"},
		{[]Option{DefaultContext("staging")}, func(c *Client) error { _, err := c.Register(bg, "s", s, InContext("prod")); return err },
			"/contexts/.prod/subjects/s/versions"},
		{[]Option{DefaultContext("staging")}, func(c *Client) error { _, err := c.Register(bg, "s", s, InContext("")); return err },
			"/subjects/s/versions"},
		{nil, func(c *Client) error { _, err := c.Register(bg, ":.dev:s", s); return err },
			"/subjects/:.dev:s/versions"},
		{nil, func(c *Client) error { _, err := c.LookupSchema(bg, "s", s, InContext(".")); return err },
			"/subjects/s"},
		{[]Option{DefaultContext("staging")}, func(c *Client) error { _, err := c.Contexts(bg); return err },
			"/contexts"},
	}
	for i, tc := range cases {
		c := mustNew(t, append([]Option{URLs(srv.URL)}, tc.opts...)...)
		if err := tc.call(c); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got := srv.last().Path; got != tc.path {
			t.Fatalf("%d: path %s, want %s", i, got, tc.path)
		}
	}
}

func TestQualifiedSubjects(t *testing.T) {
	if got := QualifySubject("staging", "s"); got != ":.staging:s" {
		t.Fatal(got)
	}
	if got := QualifySubject(".x", ":.y:s"); got != ":.y:s" {
		t.Fatal(got)
	}
	if got := QualifySubject("", "s"); got != "s" {
		t.Fatal(got)
	}
	for in, want := range map[string][2]string{
		":.a:s": {".a", "s"}, "s": {"", "s"}, ":.:s": {"", "s"}, ":.a": {".a", ""}, ":.a:b:c": {".a", "b:c"},
	} {
		c, s := SplitSubject(in)
		if c != want[0] || s != want[1] {
			t.Fatalf("SplitSubject(%q) = %q, %q", in, c, s)
		}
	}
	if _, err := New(URLs("http://x"), DefaultContext("a:b")); err == nil {
		t.Fatal("context with a colon accepted")
	}
}

func TestConfigJSON(t *testing.T) {
	var c Config
	if err := json.Unmarshal([]byte(`{"compatibility":"FORWARD","unknown":[1,2]}`), &c); err != nil || c.CompatibilityLevel != Forward {
		t.Fatalf("%+v %v", c, err)
	}
	if err := json.Unmarshal([]byte(`{"compatibilityLevel":"FULL"}`), &c); err != nil || c.CompatibilityLevel != Full {
		t.Fatalf("%+v %v", c, err)
	}
	b, _ := json.Marshal(configUpdate(Config{CompatibilityLevel: Backward, Alias: "a"}))
	if !jsonEqual(string(b), `{"compatibility":"BACKWARD","alias":"a"}`) {
		t.Fatalf("PUT body %s", b)
	}
	if err := json.Unmarshal([]byte(`[1]`), &c); err == nil {
		t.Fatal("bad JSON accepted")
	}
}

func TestSchemaJSON(t *testing.T) {
	for _, tc := range []struct {
		s    Schema
		want string
	}{
		{Schema{Schema: "x"}, `{"schema":"x"}`},
		{Schema{Schema: "x", SchemaType: Avro}, `{"schema":"x"}`},
		{Schema{Schema: "x", SchemaType: JSON}, `{"schema":"x","schemaType":"JSON"}`},
	} {
		b, _ := json.Marshal(tc.s)
		if string(b) != tc.want {
			t.Fatalf("%s, want %s", b, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func canonQuery(q url.Values) string { return q.Encode() }

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
