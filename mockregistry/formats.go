package mockregistry

import (
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/protobuf"
)

// defaultFormats returns the formats every new Registry starts with:
// srkit's Avro, Protobuf and JSON Schema formats.
func defaultFormats() []compat.Format {
	return []compat.Format{avro.Format(), protobuf.Format(), jsonschema.Format()}
}
