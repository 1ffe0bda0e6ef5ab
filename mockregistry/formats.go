package mockregistry

import (
	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/protobuf"
)

// defaultFormats returns the formats every new Registry starts with:
// srkit's Protobuf and JSON Schema formats. The Avro format is wired in here
// when it is available; until then an Avro schema is rejected with 42201 on
// register, lookup and compatibility checks unless a format is added with
// [WithFormats].
func defaultFormats() []compat.Format {
	return []compat.Format{protobuf.Format(), jsonschema.Format()}
}
