package jsonschema

// The benchmark record, for the external benchmarks (rules_bench_test.go).
type BenchOrder = benchOrder

const BenchSchema = benchSchema

var BenchValue = benchValue
