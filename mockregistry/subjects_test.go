package mockregistry

import "testing"

const (
	addr      = `{"name":"Address","fields":[{"name":"street","type":"string"}]}`
	customer  = `{"name":"Customer","fields":[{"name":"id","type":"int"}],"refs":["Address"]}`
	addrRef   = `"references":[{"name":"Address","subject":"address","version":1}]`
	badRef    = `"references":[{"name":"Address","subject":"address","version":9}]`
	latestRef = `"references":[{"name":"Address","subject":"address","version":-1}]`
)

func TestSoftAndHardDelete(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"POST", "/subjects/s/versions", body(userV2), 200, ""},
		{"POST", "/subjects/s/versions", body(userBad), 200, ""},
		// Hard delete needs a soft delete first.
		{"DELETE", "/subjects/s/versions/1?permanent=true", "", 404,
			`{"error_code":40407,"message":"Subject 's' Version 1 was not deleted first before being permanently deleted"}`},
		{"DELETE", "/subjects/s/versions/1", "", 200, `1`},
		{"DELETE", "/subjects/s/versions/1", "", 404,
			`{"error_code":40406,"message":"Subject 's' Version 1 was soft deleted.Set permanent=true to delete permanently"}`},
		{"GET", "/subjects/s/versions/1", "", 404, `{"error_code":40402,"message":"Version 1 not found."}`},
		{"GET", "/subjects/s/versions/1?deleted=true", "", 200, verBody("s", 1, 1, userV1, true)},
		{"GET", "/subjects/s/versions", "", 200, `[2,3]`},
		{"GET", "/subjects/s/versions?deleted=true", "", 200, `[1,2,3]`},
		{"GET", "/subjects/s/versions?deletedOnly=true", "", 200, `[1]`},
		// The ID stays readable after the soft delete.
		{"GET", "/schemas/ids/1", "", 200, ""},
		// As listVersionsForId: an ID only soft-deleted versions use lists nothing.
		{"GET", "/schemas/ids/1/subjects", "", 200, `[]`},
		{"GET", "/schemas/ids/1/versions", "", 200, `[]`},
		{"GET", "/schemas/ids/1/subjects?deleted=true", "", 200, `["s"]`},
		{"DELETE", "/subjects/s/versions/1?permanent=true", "", 200, `1`},
		{"GET", "/subjects/s/versions/1?deleted=true", "", 404, `{"error_code":40402,"message":"Version 1 not found."}`},
		{"GET", "/schemas/ids/1", "", 404, `{"error_code":40403,"message":"Schema 1 not found"}`},
		{"GET", "/schemas/ids/1/subjects", "", 404, `{"error_code":40403,"message":"Schema not found"}`},
		{"GET", "/schemas/ids/1/versions", "", 404, `{"error_code":40403,"message":"Schema not found"}`},
		{"DELETE", "/subjects/s/versions/latest", "", 200, `3`},
		{"DELETE", "/subjects/s/versions/9", "", 404, `{"error_code":40402,"message":"Version 9 not found."}`},
		{"DELETE", "/subjects/nope/versions/1", "", 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
		// Whole subject.
		{"DELETE", "/subjects/s?permanent=true", "", 404,
			`{"error_code":40405,"message":"Subject 's' was not deleted first before being permanently deleted"}`},
		{"DELETE", "/subjects/s", "", 200, `[2]`},
		{"DELETE", "/subjects/s", "", 404,
			`{"error_code":40404,"message":"Subject 's' was soft deleted.Set permanent=true to delete permanently"}`},
		{"GET", "/subjects", "", 200, `[]`},
		{"GET", "/subjects?deleted=true", "", 200, `["s"]`},
		{"GET", "/subjects?deletedOnly=true", "", 200, `["s"]`},
		{"GET", "/subjects/s/versions", "", 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"GET", "/subjects/s/versions/latest", "", 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"POST", "/subjects/s", body(userV2), 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"POST", "/subjects/s?deleted=true", body(userV2), 200, ""},
		{"DELETE", "/subjects/s?permanent=true", "", 200, `[2,3]`},
		{"DELETE", "/subjects/s", "", 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"GET", "/subjects?deleted=true", "", 200, `[]`},
		// A new registration after a hard delete starts again at version 1,
		// and the schema keeps its ID only while some version uses it.
		{"POST", "/subjects/s/versions", body(userV2), 200, regBody(4, 1, userV2)},
	})
}

func TestReregisterSoftDeletedSchema(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"DELETE", "/subjects/s/versions/1", "", 200, `1`},
		// A soft-deleted schema registered again becomes a new version with the same ID.
		{"POST", "/subjects/s/versions", body(userV1), 200, regBody(1, 2, userV1)},
	})
}

func TestReferences(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/address/versions", body(addr), 200, ""},
		{"POST", "/subjects/customer/versions", body(customer, badRef), 422, ""},
		{"POST", "/subjects/customer/versions", body(customer), 422,
			`{"error_code":42201,"message":"Invalid schema of type AVRO, details: unresolved reference Address"}`},
		{"POST", "/subjects/customer/versions", body(customer, addrRef), 200,
			regBody(2, 1, customer, addrRef)},
		{"POST", "/subjects/customer2/versions", body(customer, latestRef), 200, regBody(3, 1, customer, latestRef)},
		{"GET", "/subjects/address/versions/1/referencedby", "", 200, `[2,3]`},
		{"GET", "/subjects/address/versions/latest/referencedby", "", 200, `[2,3]`},
		{"GET", "/subjects/customer/versions/1/referencedby", "", 200, `[]`},
		{"GET", "/subjects/address/versions/2/referencedby", "", 404, `{"error_code":40402,"message":"Version 2 not found."}`},
		{"DELETE", "/subjects/address/versions/1", "", 422,
			`{"error_code":42206,"message":"One or more references exist to the schema {subject=address,version=1}."}`},
		{"DELETE", "/subjects/address", "", 422, ""},
		{"GET", "/subjects/customer/versions/1", "", 200,
			verBody("customer", 1, 2, customer, false, addrRef)},
		{"POST", "/subjects/customer", body(customer, addrRef), 200, ""},
		{"POST", "/subjects/customer", body(customer), 422, ""},
		// Once the referrers are deleted, the referenced schema can go.
		{"DELETE", "/subjects/customer", "", 200, `[1]`},
		{"DELETE", "/subjects/customer2", "", 200, `[1]`},
		{"GET", "/subjects/address/versions/1/referencedby", "", 200, `[]`},
		{"DELETE", "/subjects/address/versions/1", "", 200, `1`},
		// A live schema may reference a soft-deleted version; the reference
		// then stops a permanent delete before anything else.
		{"POST", "/subjects/customer3/versions", body(customer, addrRef), 200, ""},
		{"DELETE", "/subjects/address/versions/1?permanent=true", "", 422,
			`{"error_code":42206,"message":"One or more references exist to the schema {subject=address,version=1}."}`},
		{"DELETE", "/subjects/address?permanent=true", "", 422, ""},
	})
}

// The real server checks a soft delete of a soft-deleted subject (40404)
// before the mode (42205).
func TestDeleteChecksOrder(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"DELETE", "/subjects/s", "", 200, `[1]`},
		{"PUT", "/mode", `{"mode":"READONLY"}`, 200, ""},
		{"DELETE", "/subjects/s", "", 404, `{"error_code":40404,"message":"Subject 's' was soft deleted.Set permanent=true to delete permanently"}`},
		{"DELETE", "/subjects/s?permanent=true", "", 422, `{"error_code":42205,"message":"Subject s in context  is in read-only mode"}`},
		{"DELETE", "/subjects/nope", "", 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
	})
}

func TestLatestWithMetadata(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1, `"metadata":{"properties":{"app":"a","major":"1"}}`), 200, ""},
		{"POST", "/subjects/s/versions", body(userV2, `"metadata":{"properties":{"app":"a","major":"2"}}`), 200, ""},
		{"POST", "/subjects/s/versions", body(userBad, `"metadata":{"properties":{"app":"b","major":"1"}}`), 200, ""},
		{"GET", "/subjects/s/metadata?key=app&value=a", "", 200,
			verBody("s", 2, 2, userV2, false, `"metadata":{"properties":{"app":"a","major":"2"}}`)},
		{"GET", "/subjects/s/metadata?key=major&value=1", "", 200, ""},
		{"GET", "/subjects/s/metadata?key=app&value=a&key=major&value=1", "", 200,
			verBody("s", 1, 1, userV1, false, `"metadata":{"properties":{"app":"a","major":"1"}}`)},
		{"GET", "/subjects/s/metadata?key=app&value=z", "", 404, `{"error_code":40403,"message":"Schema not found"}`},
		{"GET", "/subjects/nope/metadata?key=app&value=a", "", 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`},
		// The same schema with other metadata is a new version, and a new ID.
		{"POST", "/subjects/s/versions", body(userV1, `"metadata":{"properties":{"app":"c"}}`), 200, regBody(4, 4, userV1, `"metadata":{"properties":{"app":"c"}}`)},
		// Without metadata, a registration inherits the latest version's: same version.
		{"POST", "/subjects/s/versions", body(userV1), 200, regBody(4, 4, userV1, `"metadata":{"properties":{"app":"c"}}`)},
	})
}

func TestNormalize(t *testing.T) {
	r := newTest(t)
	unsorted := `{"name":"R","fields":[{"name":"b","type":"int"},{"name":"a","type":"int"}]}`
	sorted := `{"name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/n/versions?normalize=true", body(unsorted), 200, regBody(1, 1, sorted)},
		// As the real server, a look-up compares the text as sent (here not
		// normalized) with the stored (normalized) text.
		{"POST", "/subjects/n", body(unsorted), 404, `{"error_code":40403,"message":"Schema not found"}`},
		{"POST", "/subjects/n?normalize=true", body(sorted), 200, ""},
		{"POST", "/subjects/raw/versions", body(unsorted), 200, regBody(2, 1, unsorted)},
		{"PUT", "/config/cfg", `{"normalize":true}`, 200, `{"normalize":true}`},
		{"POST", "/subjects/cfg/versions", body(unsorted), 200, regBody(1, 1, sorted)},
	})
}

func TestContexts(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"POST", "/subjects/s/versions", body(userV2), 200, ""},
		// Each context has its own ID space.
		{"POST", "/subjects/:.staging:s/versions", body(userV2), 200, regBody(1, 1, userV2)},
		{"POST", "/contexts/.staging/subjects/t/versions", body(userV1), 200, regBody(2, 1, userV1)},
		{"GET", "/contexts", "", 200, `[".",".staging"]`},
		{"GET", "/contexts?contextPrefix=.st", "", 200, `[".staging"]`},
		{"GET", "/contexts?offset=1&limit=1", "", 200, `[".staging"]`},
		// GET /subjects lists every context (subjectPrefix defaults to ":*:").
		{"GET", "/subjects", "", 200, `[":.staging:s",":.staging:t","s"]`},
		{"GET", "/subjects?subjectPrefix=s", "", 200, `["s"]`},
		{"GET", "/subjects?subjectPrefix=:*:t", "", 200, `[":.staging:t"]`},
		{"GET", "/contexts/.staging/subjects", "", 200, `[":.staging:s",":.staging:t"]`},
		{"GET", "/contexts/.staging/subjects?subjectPrefix=t", "", 200, `[":.staging:t"]`},
		// A prefix that names a context wins over the path's context.
		{"GET", "/contexts/.staging/subjects?subjectPrefix=:.:", "", 200, `["s"]`},
		{"GET", "/contexts/.other/subjects?subjectPrefix=:*:", "", 200, `[":.staging:s",":.staging:t","s"]`},
		{"GET", "/subjects?subjectPrefix=:.staging:", "", 200, `[":.staging:s",":.staging:t"]`},
		{"GET", "/subjects?subjectPrefix=:*:", "", 200, `[":.staging:s",":.staging:t","s"]`},
		{"GET", "/subjects/:.staging:s/versions/1", "", 200, verBody(":.staging:s", 1, 1, userV2, false)},
		{"GET", "/contexts/staging/subjects/s/versions/1", "", 200, verBody(":.staging:s", 1, 1, userV2, false)},
		{"GET", "/schemas/ids/1", "", 200, idBody(userV1, false)},
		{"GET", "/schemas/ids/1?subject=:.staging:s", "", 200, idBody(userV2, false, `"subject":":.staging:s","version":1`)},
		{"GET", "/contexts/.staging/schemas/ids/2", "", 200, idBody(userV1, false, `"subject":":.staging:t","version":1`)},
		{"GET", "/contexts/.staging/schemas/ids/3", "", 404, ""},
		{"DELETE", "/contexts/.staging", "", 422, `{"error_code":42211,"message":"The specified context '.staging' is not empty."}`},
		{"PUT", "/contexts/.staging/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`},
		{"GET", "/config/:.staging:s?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/config/s?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"POST", "/subjects/:.staging:s/versions", body(userBad), 200, ""},
		{"POST", "/subjects/s/versions", body(userBad), 409, ""},
	})
}

// An ID only another context has: without a subject hint the default
// context answers (40403); an unqualified hint also searches the other
// contexts, as the real server's getSchemaKeyUsingContexts does.
func TestIDLookupAcrossContexts(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/:.stg:t/versions", body(userV1), 200, ""},
		{"GET", "/schemas/ids/1", "", 404, `{"error_code":40403,"message":"Schema 1 not found"}`},
		{"GET", "/schemas/ids/1?subject=t", "", 200, idBody(userV1, false, `"subject":":.stg:t","version":1`)},
		{"GET", "/schemas/ids/1?subject=:.:t", "", 200, ""},
		{"GET", "/schemas/ids/1?subject=:.:", "", 404, ""},
		{"GET", "/schemas/ids/1?subject=:.stg:t", "", 200, ""},
		{"GET", "/contexts/.stg/schemas/ids/1", "", 200, ""},
	})
}

func TestSubjectNamesNeedingEscapes(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/a%2Fb%20c/versions", body(userV1), 200, ""},
		{"GET", "/subjects", "", 200, `["a/b c"]`},
		{"GET", "/subjects/a%2Fb%20c/versions/1", "", 200, verBody("a/b c", 1, 1, userV1, false)},
		{"POST", "/subjects/%20/versions", body(userV1), 422, `{"error_code":42208,"message":"The specified subject ' ' is not a valid."}`},
	})
}
