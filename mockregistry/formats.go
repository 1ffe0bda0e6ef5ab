package mockregistry

import "github.com/srkit-go/srkit/compat"

// defaultFormats returns the formats every new Registry starts with.
//
// The Avro, Protobuf and JSON Schema formats (packages avro, protobuf and
// jsonschema) are wired in here as they become available; until then a
// schema of a type without a format is rejected with 42201 on register,
// lookup and compatibility checks. Add formats with [WithFormats].
func defaultFormats() []compat.Format { return nil }
