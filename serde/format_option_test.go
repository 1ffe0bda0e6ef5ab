package serde_test

import (
	"errors"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type testFormatOption struct{ serde.FormatOption }

// TestForeignOptionRefused: an option of another format, or a schema of
// another type, is an error instead of being ignored.
func TestForeignOptionRefused(t *testing.T) {
	proto := testFormatOption{serde.NewFormatOption(registry.Protobuf)}
	if _, err := serde.NewSerializerConfig(registry.Avro, proto); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("serializer: err = %v, want ErrForeignOption", err)
	}
	if _, err := serde.NewDeserializerConfig(registry.JSON, proto); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("deserializer: err = %v, want ErrForeignOption", err)
	}
	if _, err := serde.NewSerializerConfig(registry.Protobuf, proto); err != nil {
		t.Errorf("own option refused: %v", err)
	}
	schema := serde.WithSchema(registry.JSON, `{}`)
	if _, err := serde.NewSerializerConfig(registry.Avro, schema); !errors.Is(err, serde.ErrForeignOption) {
		t.Errorf("foreign schema: err = %v, want ErrForeignOption", err)
	}
	if _, err := serde.NewDeserializerConfig(registry.JSON, schema); err != nil {
		t.Errorf("own schema refused: %v", err)
	}
}
