package mockregistry

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Issue 11 item 4: reads answer CP 8's entities field for field and in
// Jackson's property order: Schema (version reads, lookups, listings:
// creator properties first, so "ruleSet" last), SchemaString (ID and GUID
// reads: subject and version only when the request names a subject) and
// RegisterSchemaResponse, with ts and deleted where the server reads the
// stored version, schemaType always, and rules with their kind, mode and
// disabled flag.
func TestReadShapes(t *testing.T) {
	var now atomic.Int64
	now.Store(1700000000000)
	r := newTest(t, WithClock(func() time.Time { return time.UnixMilli(now.Load()) }))
	h := r.Handler()
	md := `"metadata":{"sensitive":["s2","s1"],"properties":{"owner":"team","app":"x"},"tags":{"**.ssn":["PII"]}}`
	rs := `"ruleSet":{"domainRules":[{"type":"ENCRYPT","name":"enc","tags":["PII"],"params":{"encrypt.kek.name":"k"}}]}`
	if st, b := call(h, "POST", "/subjects/address/versions", body(addr), nil); st != 200 {
		t.Fatal(b)
	}
	st, b := call(h, "POST", "/subjects/c/versions", body(customer, addrRef, md, rs), nil)
	if st != 200 {
		t.Fatal(b)
	}
	guid := guidOfBody(t, b)
	text := q(customer)
	mdOut := `"metadata":{"tags":{"**.ssn":["PII"]},"properties":{"app":"x","owner":"team"},"sensitive":["s1","s2"]}`
	rsOut := `"ruleSet":{"domainRules":[{"name":"enc","kind":"TRANSFORM","mode":"WRITEREAD","type":"ENCRYPT","tags":["PII"],"params":{"encrypt.kek.name":"k"},"disabled":false}]}`
	refs := `"references":[{"name":"Address","subject":"address","version":1}]`
	g := `"guid":"` + guid + `"`
	ts := `"ts":1700000000000`
	entity := `{"subject":"c","version":1,"id":2,` + g + `,"schemaType":"AVRO",` + refs + `,` + mdOut + `,"schema":` + text + `,` + ts + `,"deleted":false,` + rsOut + `}`
	for _, c := range []struct{ name, method, path, body, want string }{
		{"register again", "POST", "/subjects/c/versions", body(customer, addrRef, md, rs),
			`{"id":2,"version":1,` + g + `,"schemaType":"AVRO",` + refs + `,` + mdOut + `,` + rsOut + `,"schema":` + text + `}`},
		{"version", "GET", "/subjects/c/versions/1", "", entity},
		{"latest", "GET", "/subjects/c/versions/latest", "", entity},
		{"listing", "GET", "/schemas?subjectPrefix=c", "", "[" + entity + "]"},
		{"latest with metadata", "GET", "/subjects/c/metadata?key=app&value=x", "", entity},
		{"lookup by identity", "POST", "/subjects/c", body(customer, addrRef, md, rs),
			`{"subject":"c","version":1,"id":2,` + g + `,"schemaType":"AVRO",` + refs + `,` + mdOut + `,"schema":` + text + `,` + rsOut + `}`},
		{"by id", "GET", "/schemas/ids/2", "",
			`{` + g + `,"schemaType":"AVRO","schema":` + text + `,` + refs + `,` + mdOut + `,` + rsOut + `,` + ts + `,"deleted":false}`},
		{"by id with subject", "GET", "/schemas/ids/2?subject=c", "",
			`{"subject":"c","version":1,` + g + `,"schemaType":"AVRO","schema":` + text + `,` + refs + `,` + mdOut + `,` + rsOut + `,` + ts + `,"deleted":false}`},
		{"by id with max id", "GET", "/schemas/ids/1?fetchMaxId=true", "",
			`{"guid":"` + guidFor(addr) + `","schemaType":"AVRO","schema":` + q(addr) + `,"maxId":2,` + ts + `,"deleted":false}`},
		{"by id in the default context's path", "GET", "/contexts/./schemas/ids/1", "",
			`{"subject":"address","version":1,"guid":"` + guidFor(addr) + `","schemaType":"AVRO","schema":` + q(addr) + `,` + ts + `,"deleted":false}`},
		{"by guid", "GET", "/schemas/guids/" + guid, "",
			`{` + g + `,"schemaType":"AVRO","schema":` + text + `,` + refs + `,` + mdOut + `,` + rsOut + `,` + ts + `,"deleted":false}`},
	} {
		st, got := call(h, c.method, c.path, c.body, nil)
		if st != 200 || got != c.want {
			t.Errorf("%s: %s %s: %d\n got %s\nwant %s", c.name, c.method, c.path, st, got, c.want)
		}
	}

	// A soft delete is a new write: ts is the delete's.
	now.Store(1700000005000)
	if st, b := call(h, "POST", "/subjects/j/versions", body(`"boolean"`, `"schemaType":"JSON"`), nil); st != 200 {
		t.Fatal(b)
	}
	call(h, "DELETE", "/subjects/j/versions/1", "", nil)
	for _, c := range []struct{ path, want string }{
		{"/subjects/j/versions/1?deleted=true",
			`{"subject":"j","version":1,"id":3,"guid":"` + guidFor(`"boolean"`) + `","schemaType":"JSON","schema":"\"boolean\"","ts":1700000005000,"deleted":true}`},
		{"/schemas/ids/3?subject=j",
			`{"subject":"j","version":1,"guid":"` + guidFor(`"boolean"`) + `","schemaType":"JSON","schema":"\"boolean\"","ts":1700000005000,"deleted":true}`},
	} {
		if st, got := call(h, "GET", c.path, "", nil); st != 200 || got != c.want {
			t.Errorf("GET %s: %d\n got %s\nwant %s", c.path, st, got, c.want)
		}
	}
}

// Schema text is written as Jackson writes it: no HTML escaping.
func TestNoHTMLEscaping(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := `{"description":"a<b&c>","type":"string"}`
	_, b := call(r.Handler(), "POST", "/subjects/s/versions", body(text, `"schemaType":"JSON"`), nil)
	if !strings.Contains(b, `a<b&c>`) {
		t.Fatalf("escaped: %s", b)
	}
}
