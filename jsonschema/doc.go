// Package jsonschema is srkit's JSON Schema format: typed serializers and
// deserializers of Go values as Confluent-framed JSON, validated against
// JSON Schema, and the registry's JSON Schema compatibility rules.
package jsonschema
