package mockregistry

import (
	"testing"

	"github.com/srkit-go/srkit/registry"
)

func TestConfig(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"GET", "/config", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"GET", "/config/s", "", 404, `{"error_code":40408,"message":"Subject 's' does not have subject-level compatibility configured"}`},
		{"GET", "/config/s?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"PUT", "/config/s", `{"compatibility":"FULL_TRANSITIVE"}`, 200, `{"compatibility":"FULL_TRANSITIVE"}`},
		{"PUT", "/config/s", `{"compatibility":"SOMETIMES"}`, 422,
			`{"error_code":42203,"message":"Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"}`},
		{"GET", "/config/s", "", 200, `{"compatibilityLevel":"FULL_TRANSITIVE"}`},
		// PUT merges: the level stays when only the group is set.
		// PUT answers the resulting config, as Confluent 8 does.
		{"PUT", "/config/s", `{"compatibilityGroup":"major"}`, 200, `{"compatibility":"FULL_TRANSITIVE","compatibilityGroup":"major"}`},
		{"GET", "/config/s", "", 200, `{"compatibilityLevel":"FULL_TRANSITIVE","compatibilityGroup":"major"}`},
		{"DELETE", "/config/s", "", 200, `{"compatibilityLevel":"FULL_TRANSITIVE","compatibilityGroup":"major"}`},
		// The real server answers 40401 (not 40408) when there is nothing to delete.
		{"DELETE", "/config/s", "", 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"PUT", "/config", `{"compatibility":"none"}`, 200, `{"compatibility":"NONE"}`},
		{"GET", "/config", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"DELETE", "/config", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/config", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"PUT", "/config/s", `not json`, 400, ""},
	})
}

func TestCompatibilityLevels(t *testing.T) {
	// v1 {id}, v2 adds email with a default, v3 removes id.
	v1 := `{"name":"R","fields":[{"name":"id","type":"int"}]}`
	v2 := `{"name":"R","fields":[{"name":"id","type":"int"},{"name":"email","type":"string","default":""}]}`
	noID := `{"name":"R","fields":[{"name":"email","type":"string","default":""}]}`
	newReq := `{"name":"R","fields":[{"name":"email","type":"string","default":""},{"name":"phone","type":"string"}]}`
	cases := []struct {
		level string
		next  string
		want  int
	}{
		{"NONE", newReq, 200},
		{"BACKWARD", noID, 200},   // reads v2 data: email has a default
		{"BACKWARD", newReq, 409}, // phone has no default
		{"FORWARD", noID, 409},    // v2 cannot read: id missing, no default
		{"FORWARD", v1, 200},      // v2 reads v1 data: email defaulted
		{"FULL", v1, 200},
		{"FULL", noID, 409},
		{"BACKWARD_TRANSITIVE", noID, 200},
		{"FORWARD_TRANSITIVE", noID, 409},
		{"FULL_TRANSITIVE", noID, 409},
	}
	for _, c := range cases {
		t.Run(c.level, func(t *testing.T) {
			r := newTest(t, WithCompatibility("NONE"))
			run(t, r.Handler(), []step{
				{"POST", "/subjects/s/versions", body(v1), 200, ""},
				{"POST", "/subjects/s/versions", body(v2), 200, ""},
				{"PUT", "/config/s", `{"compatibility":"` + c.level + `"}`, 200, ""},
				{"POST", "/subjects/s/versions", body(c.next), c.want, ""},
			})
		})
	}
}

func TestTransitiveStopsAtFirstFailure(t *testing.T) {
	// v1 {a:int}, v2 {a:int, b:string=""}; new {b:string, c:int}: against
	// v2 it misses a default for c; against v1 for b and c. Transitive
	// checks newest first and reports v2 only.
	r := newTest(t, WithCompatibility("NONE"))
	v1 := `{"name":"R","fields":[{"name":"a","type":"int"}]}`
	v2 := `{"name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":""}]}`
	next := `{"name":"R","fields":[{"name":"b","type":"string"},{"name":"c","type":"int"}]}`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(v1), 200, ""},
		{"POST", "/subjects/s/versions", body(v2), 200, ""},
		{"PUT", "/config/s", `{"compatibility":"BACKWARD_TRANSITIVE"}`, 200, ""},
		// v1 would fail too (b and c), but only the newest failing version is reported.
		{"POST", "/compatibility/subjects/s/versions?verbose=true", body(next), 200, `{"is_compatible":false,"messages":[` +
			q(`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'c' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'c'}`) + `,` +
			q(`{oldSchemaVersion: 2}`) + `,` + q(`{oldSchema: '`+v2+`'}`) + `,` +
			q(`{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}`) + `]}`},
	})
}

func TestFullReportsForwardThenBackward(t *testing.T) {
	r := newTest(t, WithCompatibility("FULL"))
	v1 := `{"name":"R","fields":[{"name":"a","type":"int"}]}`
	next := `{"name":"R","fields":[{"name":"b","type":"int"}]}`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(v1), 200, ""},
		{"POST", "/compatibility/subjects/s/versions/1?verbose=true", body(next), 200, `{"is_compatible":false,"messages":[` +
			q(`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'a'}`) + `,` +
			q(`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}`) + `,` +
			q(`{oldSchemaVersion: 1}`) + `,` + q(`{oldSchema: '`+v1+`'}`) + `,` +
			q(`{validateFields: 'false', compatibility: 'FULL'}`) + `]}`},
	})
}

func TestDifferentSchemaType(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(`"int"`), 200, ""},
		{"POST", "/compatibility/subjects/s/versions?verbose=true", body(`"int"`, `"schemaType":"JSON"`), 200, `{"is_compatible":false,"messages":[` +
			q(`Incompatible because of different schema type`) + `,` + q(`{oldSchemaVersion: 1}`) + `,` + q(`{oldSchema: '"int"'}`) + `,` +
			q(`{validateFields: 'false', compatibility: 'BACKWARD'}`) + `]}`},
	})
}

func TestCompatibilityGroup(t *testing.T) {
	r := newTest(t)
	v1 := `{"name":"R","fields":[{"name":"a","type":"int"}]}`
	breaking := `{"name":"R","fields":[{"name":"z","type":"int"}]}`
	run(t, r.Handler(), []step{
		{"POST", "/subjects/s/versions", body(v1, `"metadata":{"properties":{"major":"1"}}`), 200, ""},
		{"POST", "/subjects/s/versions", body(breaking, `"metadata":{"properties":{"major":"2"}}`), 409, ""},
		{"PUT", "/config/s", `{"compatibilityGroup":"major"}`, 200, ""},
		// A new group starts fresh; the same group is still checked.
		{"POST", "/subjects/s/versions", body(breaking, `"metadata":{"properties":{"major":"2"}}`), 200, ""},
		{"POST", "/subjects/s/versions", body(v1, `"metadata":{"properties":{"major":"2"}}`), 409, ""},
	})
}

func TestDefaultAndOverrideMetadataAndRules(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"PUT", "/config/s", `{"defaultMetadata":{"properties":{"owner":"team-a","tier":"gold"}},"overrideMetadata":{"properties":{"tier":"silver"}},` +
			`"defaultRuleSet":{"domainRules":[{"name":"check","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]}}`, 200, ""},
		{"POST", "/subjects/s/versions", body(userV1, `"metadata":{"properties":{"owner":"team-b","app":"x"}}`), 200,
			regBody(1, 1, userV1, `"metadata":{"properties":{"app":"x","owner":"team-b","tier":"silver"}}`,
				`"ruleSet":{"domainRules":[{"name":"check","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true","disabled":false}]}`)},
		{"POST", "/subjects/s/versions", body(userV1, `"ruleSet":{"domainRules":[{"name":"x","mode":"UPGRADE","type":"CEL"}]}`), 422,
			`{"error_code":42210,"message":"Domain rules can only have modes WRITE, READ, or WRITEREAD"}`},
		{"POST", "/subjects/s/versions", body(userV1, `"ruleSet":{"domainRules":[{"name":"a","type":"CEL"},{"name":"a","type":"CEL"}]}`), 422, ""},
	})
}

func TestModes(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"GET", "/mode", "", 200, `{"mode":"READWRITE"}`},
		{"GET", "/mode/s", "", 404, `{"error_code":40409,"message":"Subject 's' does not have subject-level mode configured"}`},
		{"GET", "/mode/s?defaultToGlobal=true", "", 200, `{"mode":"READWRITE"}`},
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"PUT", "/mode/s", `{"mode":"READONLY"}`, 200, `{"mode":"READONLY"}`},
		{"PUT", "/mode/s", `{"mode":"SLEEPY"}`, 422,
			`{"error_code":42204,"message":"Invalid mode. Valid values are READWRITE, READONLY, and IMPORT."}`},
		{"POST", "/subjects/s/versions", body(userV2), 422, `{"error_code":42205,"message":"Subject s in context  is in read-only mode"}`},
		{"DELETE", "/subjects/s/versions/1", "", 422, ""},
		{"GET", "/subjects/s/versions/1", "", 200, ""},
		{"DELETE", "/mode/s", "", 200, `{"mode":"READONLY"}`},
		{"DELETE", "/mode/s", "", 404, `{"error_code":40401,"message":"Subject 's' not found."}`},
		{"POST", "/subjects/s/versions", body(userV2), 200, ""},
		// IMPORT: only on an empty subject unless forced; ids and versions come from the request.
		{"PUT", "/mode/s", `{"mode":"IMPORT"}`, 422, `{"error_code":42205,"message":"Cannot import since found existing subjects"}`},
		{"PUT", "/mode/imp", `{"mode":"IMPORT"}`, 200, `{"mode":"IMPORT"}`},
		{"POST", "/subjects/imp/versions", body(userV1), 422, `{"error_code":42205,"message":"Subject imp in context  is not in read-write mode"}`},
		{"POST", "/subjects/imp/versions", body(`"string"`, `"id":100`, `"version":5`), 200,
			regBody(100, 5, `"string"`)},
		{"GET", "/schemas/ids/100", "", 200, idBody(`"string"`, false)},
		{"POST", "/subjects/imp/versions", body(`"long"`, `"id":100`, `"version":6`), 422,
			`{"error_code":42205,"message":"Overwrite new schema with id 100 in context  is not permitted."}`},
		{"POST", "/subjects/s/versions", body(`"int"`, `"id":7`), 422, `{"error_code":42205,"message":"Subject s in context  is not in import mode"}`},
		{"PUT", "/mode", `{"mode":"READONLY"}`, 200, ""},
		{"POST", "/subjects/s/versions", body(userBad), 422, ""},
		{"PUT", "/mode", `{"mode":"READWRITE"}`, 200, ""},
		{"PUT", "/mode", `{"mode":"IMPORT"}`, 422, ""},
		{"PUT", "/mode?force=true", `{"mode":"IMPORT"}`, 200, ""},
		// A new ID after imports continues above the highest one.
		{"PUT", "/mode", `{"mode":"READWRITE"}`, 200, ""},
		{"DELETE", "/mode/imp", "", 200, ""},
		{"POST", "/subjects/fresh/versions", body(`"boolean"`), 200, regBody(101, 1, `"boolean"`)},
	})
}

// A context's config and mode live under the key ":.ctx:", as if the
// context were a subject: the real server rewrites /contexts/.ctx/config
// to /config/:.ctx:.
func TestContextConfigAndMode(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"GET", "/contexts/.stg/config", "", 404, `{"error_code":40408,"message":"Subject ':.stg:' does not have subject-level compatibility configured"}`},
		{"GET", "/contexts/.stg/config?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"DELETE", "/contexts/.stg/config", "", 404, `{"error_code":40401,"message":"Subject ':.stg:' not found."}`},
		{"PUT", "/contexts/.stg/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`},
		{"GET", "/config/:.stg:", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/contexts/stg/config", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/config/:.stg:s?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/config", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"DELETE", "/config/:.stg:", "", 200, `{"compatibilityLevel":"NONE"}`},
		// The default context's scope is the global one.
		{"GET", "/contexts/./config", "", 200, `{"compatibilityLevel":"BACKWARD"}`},
		{"GET", "/config/:.:", "", 200, `{"compatibilityLevel":"BACKWARD"}`},

		{"GET", "/contexts/.stg/mode", "", 404, `{"error_code":40409,"message":"Subject ':.stg:' does not have subject-level mode configured"}`},
		{"GET", "/contexts/.stg/mode?defaultToGlobal=true", "", 200, `{"mode":"READWRITE"}`},
		{"DELETE", "/contexts/.stg/mode", "", 404, `{"error_code":40401,"message":"Subject ':.stg:' not found."}`},
		{"PUT", "/contexts/.stg/mode", `{"mode":"READONLY"}`, 200, `{"mode":"READONLY"}`},
		{"POST", "/subjects/:.stg:s/versions", body(userV1), 422, `{"error_code":42205,"message":"Subject :.stg:s in context :.stg: is in read-only mode"}`},
		{"POST", "/subjects/s/versions", body(userV1), 200, ""},
		{"DELETE", "/mode/:.stg:", "", 200, `{"mode":"READONLY"}`},
		{"POST", "/subjects/:.stg:s/versions", body(userV1), 200, ""},
	})
}

// DELETE /config resets the global level to the registry's initial one.
func TestDeleteGlobalConfigResetsToInitialLevel(t *testing.T) {
	r := newTest(t, WithCompatibility(registry.Full))
	run(t, r.Handler(), []step{
		{"PUT", "/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`},
		{"DELETE", "/config", "", 200, `{"compatibilityLevel":"NONE"}`},
		{"GET", "/config", "", 200, `{"compatibilityLevel":"FULL"}`},
	})
}

// "/contexts/./..." names the default context (http.ServeMux would
// redirect it).
func TestDefaultContextPrefix(t *testing.T) {
	r := newTest(t)
	run(t, r.Handler(), []step{
		{"POST", "/contexts/./subjects/s/versions", body(userV1), 200, ""},
		{"GET", "/contexts/./subjects", "", 200, `["s"]`},
		{"GET", "/subjects/s/versions", "", 200, `[1]`},
		{"DELETE", "/contexts/.", "", 422, `{"error_code":42211,"message":"The specified context ':.:' is not empty."}`},
	})
}
