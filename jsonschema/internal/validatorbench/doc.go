// Package validatorbench measures srkit's JSON Schema serializers and
// deserializers beside encoding/json alone, the JSON Schema validators
// srkit could have used (santhosh-tekuri/jsonschema v5 and v6,
// kaptinlin/jsonschema, google/jsonschema-go) and franz-go's pkg/sr, in
// one run on one record, and checks srkit's validator against v5 (the
// validator srkit used before) on the JSON Schema Test Suite's schemas.
// It is a module of its own so that none of them is a dependency of srkit;
// BENCHMARKS.md (section jsonschema) has the figures and the commands.
package validatorbench
