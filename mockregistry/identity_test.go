package mockregistry

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"testing"
)

// guidFor is the server's GUID of a schema: MD5.ofSchema written as a UUID
// (Schema.updateHash: text, references, then 1 + metadata, 1 + rule set).
func guidFor(parts ...string) string {
	h := md5.New()
	for _, p := range parts {
		h.Write([]byte(p))
	}
	s := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

func guidOfBody(t *testing.T, body string) string {
	t.Helper()
	var v struct {
		GUID string `json:"guid"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return v.GUID
}

// Issue 11 item 2: "references":[] is the same schema as no references
// (the server's hash skips an empty list), so registering either answers
// the same version; empty metadata and an empty rule set are not absent
// ones (the hash marks them present).
func TestEmptyReferencesAreNoReferences(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`"string"`), 200, regBody(1, 1, `"string"`)},
		{"POST", "/subjects/s/versions", body(`"string"`, `"references":[]`), 200, regBody(1, 1, `"string"`)},
		{"POST", "/subjects/s/versions", body(`"string"`, `"references":null`), 200, regBody(1, 1, `"string"`)},
		{"POST", "/subjects/s", body(`"string"`, `"references":[]`), 200, lookupBody("s", 1, 1, `"string"`)},
		{"GET", "/subjects/s/versions", "", 200, `[1]`},
		// Another subject: same ID.
		{"POST", "/subjects/t/versions", body(`"string"`, `"references":[]`), 200, regBody(1, 1, `"string"`)},
	})
	// Empty metadata: a new schema (ID 2), kept as {}.
	run(t, r.Handler(), []step{
		{"POST", "/subjects/m/versions", body(`"string"`, `"metadata":{}`), 200, regBody(2, 1, `"string"`, `"metadata":{}`)},
		{"POST", "/subjects/m/versions", body(`"string"`, `"metadata":{"properties":{}}`), 200, regBody(2, 1, `"string"`, `"metadata":{}`)},
		{"GET", "/subjects/m/versions/1", "", 200, verBody("m", 1, 2, `"string"`, false, `"metadata":{}`)},
		// An empty rule set hashes as empty metadata does (text, then a 1
		// byte): the server takes ID 2 for it, finds that ID names another
		// schema and refuses, as the mock does.
		{"POST", "/subjects/rs/versions", body(`"string"`, `"ruleSet":{}`), 422,
			`{"error_code":42205,"message":"Overwrite new schema with id 2 in context  is not permitted."}`},
		{"POST", "/subjects/rs/versions", body(`"string"`, `"ruleSet":{"domainRules":[{"name":"r","type":"CEL"}]}`), 200,
			regBody(3, 1, `"string"`, `"ruleSet":{"domainRules":[{"name":"r","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL","disabled":false}]}`)},
	})
	// The GUIDs are the server's: the MD5 of what the hash covers.
	for _, c := range []struct{ path, guid string }{
		{"/subjects/s/versions/1", guidFor(`"string"`)},
		{"/subjects/m/versions/1", guidFor(`"string"`, "\x01")},
		{"/subjects/rs/versions/1", guidFor(`"string"`, "\x01", "r", "TRANSFORM", "WRITEREAD", "CEL")},
	} {
		_, b := call(r.Handler(), "GET", c.path, "", nil)
		if got := guidOfBody(t, b); got != c.guid {
			t.Errorf("%s: guid %s, want %s", c.path, got, c.guid)
		}
	}
}

func TestGUIDIsTheServersHash(t *testing.T) {
	r := newTest(t)
	md := `"metadata":{"tags":{"**.ssn":["PII","A"]},"properties":{"b":"2","a":"1"},"sensitive":["z","y"]}`
	rs := `"ruleSet":{"domainRules":[{"name":"enc","type":"ENCRYPT","tags":["PII"],"params":{"k":"v"},"onFailure":"ERROR,NONE"}],"enableAt":"CLIENT"}`
	call(r.Handler(), "POST", "/subjects/address/versions", body(addr), nil)
	_, b := call(r.Handler(), "POST", "/subjects/c/versions", body(customer, addrRef, md, rs), nil)
	want := guidFor(customer, "Address", "address", "\x00\x00\x00\x01",
		"\x01", "**.ssn", "A", "PII", "a", "1", "b", "2", "y", "z",
		"\x01", "enc", "TRANSFORM", "WRITEREAD", "ENCRYPT", "PII", "k", "v", "ERROR,NONE", "CLIENT")
	if got := guidOfBody(t, b); got != want {
		t.Fatalf("guid %s, want %s (body %s)", got, want, b)
	}
	// The same schema in another context has the same GUID.
	call(r.Handler(), "POST", "/subjects/:.x:address/versions", body(addr), nil)
	_, b2 := call(r.Handler(), "POST", "/subjects/:.x:c/versions", body(customer, addrRef, md, rs), nil)
	if got := guidOfBody(t, b2); got != want {
		t.Fatalf("other context: guid %s, want %s", got, want)
	}
	st, ids := call(r.Handler(), "GET", "/schemas/guids/"+want+"/ids", "", nil)
	if st != 200 || ids != `[{"context":".","id":2},{"context":".x","id":2}]` {
		t.Fatalf("ids by guid: %d %s", st, ids)
	}
}

// Issue 11 item 3: registering an existing version again, as sent, answers
// it, even when a later version has other metadata and rules (which a new
// registration would inherit); lookups answer it too.
func TestReregisterOldVersionAsSent(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	md1 := `"metadata":{"properties":{"major_version":"1"}}`
	md2 := `"metadata":{"properties":{"major_version":"2"}}`
	rules := `"ruleSet":{"migrationRules":[{"name":"up","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","expr":"$"}]}`
	rulesOut := `"ruleSet":{"migrationRules":[{"name":"up","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","expr":"$","disabled":false}]}`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`"int"`, md1), 200, regBody(1, 1, `"int"`, md1)},
		{"POST", "/subjects/s/versions", body(`"long"`, md2, rules), 200, regBody(2, 2, `"long"`, md2, rulesOut)},
		{"POST", "/subjects/s/versions", body(`"int"`, md1), 200, regBody(1, 1, `"int"`, md1)},
		{"GET", "/subjects/s/versions", "", 200, `[1,2]`},
		{"POST", "/subjects/s", body(`"int"`, md1), 200, lookupBody("s", 1, 1, `"int"`, md1)},
		{"POST", "/subjects/s", body(`"long"`, md2, rules), 200, lookupBody("s", 2, 2, `"long"`, md2, rulesOut)},
		// Without its metadata, v1's text is looked up with the latest
		// version's metadata and rules filled in: no such version.
		{"POST", "/subjects/s", body(`"int"`), 404, `{"error_code":40403,"message":"Schema not found"}`},
		// Registered without them, it inherits v2's: a new version.
		{"POST", "/subjects/s/versions", body(`"int"`), 200, regBody(3, 3, `"int"`, md2, rulesOut)},
	})
}

// With default (or override) metadata or rules in the subject's config the
// server does not look the request up as sent: it fills in the previous
// version's rules and the defaults first, so the old version's text makes
// a new version; lookups find that one by filling in the same way.
func TestReregisterWithConfigDefaults(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	md1 := `"metadata":{"properties":{"major_version":"1"}}`
	md2 := `"metadata":{"properties":{"major_version":"2"}}`
	md1Owned := `"metadata":{"properties":{"major_version":"1","owner":"t"}}`
	md2Owned := `"metadata":{"properties":{"major_version":"2","owner":"t"}}`
	rules := `"ruleSet":{"migrationRules":[{"name":"up","mode":"UPGRADE","type":"JSONATA","expr":"$"}]}`
	rulesOut := `"ruleSet":{"migrationRules":[{"name":"up","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","expr":"$","disabled":false}]}`
	run(t, r.Handler(), []step{
		{"PUT", "/config/s", `{"defaultMetadata":{"properties":{"owner":"t"}}}`, 200, ""},
		{"POST", "/subjects/s/versions", body(`"int"`, md1), 200, regBody(1, 1, `"int"`, md1Owned)},
		{"POST", "/subjects/s/versions", body(`"long"`, md2, rules), 200, regBody(2, 2, `"long"`, md2Owned, rulesOut)},
		{"POST", "/subjects/s/versions", body(`"int"`, md1), 200, regBody(3, 3, `"int"`, md1Owned, rulesOut)},
		{"POST", "/subjects/s", body(`"int"`, md1), 200, lookupBody("s", 3, 3, `"int"`, md1Owned, rulesOut)},
		// As sent with what the defaults add, v1 itself is found.
		{"POST", "/subjects/s", body(`"int"`, md1Owned), 200, lookupBody("s", 1, 1, `"int"`, md1Owned)},
	})
}

// confluent:version: set to the new version when the metadata has one;
// a request without it finds the stored version by canLookup, and then
// answers the stored version itself (with ts and deleted).
func TestConfluentVersion(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	cv := func(n int) string { return fmt.Sprintf(`"metadata":{"properties":{"confluent:version":"%d"}}`, n) }
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`"int"`, cv(7)), 200, regBody(1, 1, `"int"`, cv(1))},
		{"POST", "/subjects/s/versions", body(`"long"`), 200, regBody(2, 2, `"long"`, cv(2))},
		{"POST", "/subjects/s/versions", body(`"int"`), 200, regBody(1, 1, `"int"`, cv(1), `"ts":0`, `"deleted":false`)},
		{"POST", "/subjects/s", body(`"long"`), 200, verBody("s", 2, 2, `"long"`, false, cv(2))},
		{"POST", "/subjects/s", body(`"long"`, cv(2)), 200, lookupBody("s", 2, 2, `"long"`, cv(2))},
		// A confluent:version only on the request side must name the version.
		{"POST", "/subjects/plain/versions", body(`"int"`), 200, regBody(3, 1, `"int"`)},
		{"POST", "/subjects/plain", body(`"int"`, cv(1)), 200, verBody("plain", 1, 3, `"int"`, false)},
		{"POST", "/subjects/plain", body(`"int"`, cv(2)), 404, ""},
		// A version in the request sets confluent:version (here: schema 1 again).
		{"POST", "/subjects/v/versions", body(`"int"`, `"version":1`), 200, regBody(1, 1, `"int"`, cv(1))},
	})
}

// A soft-deleted version registered again: its ID comes back under a new
// version and the soft-deleted one is dropped, as the server tombstones it.
func TestReregisterSoftDeletedDropsOldVersion(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"DELETE", "/subjects/s/versions/1", "", 200, `1`},
		{"POST", "/subjects/s/versions", body(userV1), 200, regBody(1, 2, userV1)},
		{"GET", "/subjects/s/versions?deleted=true", "", 200, `[2]`},
	})
}

// Register answers a re-registration in READONLY mode when the version
// exists (the server looks it up before checking the mode).
func TestReregisterInReadOnlyMode(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"PUT", "/mode/s", `{"mode":"READONLY"}`, 200, ""},
		{"POST", "/subjects/s/versions", body(userV1), 200, regBody(1, 1, userV1)},
		{"POST", "/subjects/s/versions", body(userV2), 422, `{"error_code":42205,"message":"Subject s in context  is in read-only mode"}`},
	})
}

// A lookup of an unqualified subject also searches the other contexts.
func TestLookupAcrossContexts(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/:.stg:s/versions", body(userV1), 200, ""},
		{"POST", "/subjects/s", body(userV1), 200, lookupBody(":.stg:s", 1, 1, userV1)},
		{"POST", "/subjects/s", body(userV2), 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"POST", "/subjects/:.other:s", body(userV1), 404, `{"error_code":40401,"message":"Subject ':.other:s' not found."}`},
	})
}
