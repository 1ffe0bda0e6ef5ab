package protobuf_test

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// TestMockRefusesHugeSchemaCheaply: 14 MB of nested messages POSTed to the
// mock registry left it at 8.9 GB; now it answers 42201 having allocated
// a small multiple of the request (reading and decoding the JSON body, on
// the client and the server side of the test alike). The mock's own cap on
// request bodies is raised here, so that the format's limit is the one
// that refuses it.
func TestMockRefusesHugeSchemaCheaply(t *testing.T) {
	c := newMock(t, mockregistry.WithoutDefaultFormats(), mockregistry.WithLimits(mockregistry.Limits{MaxRequestBytes: 64 << 20}))
	const n = 14_000_000 / 12
	text := `syntax = "proto3";` + strings.Repeat("message M {", n) + strings.Repeat("}", n)
	var err error
	protobuf.RequireAllocBelow(t, 16*uint64(len(text)), func() {
		_, err = c.Register(ctx, "deep-value", registry.Schema{Schema: text, SchemaType: registry.Protobuf})
	})
	if !errors.Is(err, registry.ErrInvalidSchema) || !strings.Contains(err.Error(), "Limits.MaxBytes") {
		t.Fatalf("err = %v, want 42201 naming Limits.MaxBytes", err)
	}
}

// TestDeserializerLimits: a deserializer refuses a writer schema over its
// limits before compiling it, and protobuf.WithLimits raises them.
func TestDeserializerLimits(t *testing.T) {
	raised := protobuf.Limits{MaxDepth: 200}
	c := newMock(t, mockregistry.WithoutDefaultFormats(), mockregistry.WithFormats(protobuf.FormatWithLimits(raised)))
	// A legal schema whose option value nests 100 levels.
	text := `syntax = "proto3"; import "google/protobuf/descriptor.proto";
message V { V v = 1; int32 a = 2; }
extend google.protobuf.FileOptions { V val = 50000; }
option (val) = ` + strings.Repeat("{v: ", 100) + "{a: 1}" + strings.Repeat("}", 100) + ";"
	reg, err := c.Register(ctx, "deep-value", registry.Schema{Schema: text, SchemaType: registry.Protobuf})
	if err != nil {
		t.Fatal(err)
	}
	// V{a: 7}, message index [0].
	payload := []byte{0, 0, 0, 0, byte(reg.ID), 0, 0x10, 7}

	def, err := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	var le *protobuf.LimitError
	if _, err := def.Deserialize(ctx, "deep", payload, nil); !errors.As(err, &le) || le.Limit != "MaxDepth" || !errors.Is(err, protobuf.ErrInvalidSchema) {
		t.Fatalf("default limits: %v, want a MaxDepth LimitError", err)
	}
	more, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, protobuf.WithLimits(raised))
	if err != nil {
		t.Fatal(err)
	}
	m, err := more.Deserialize(ctx, "deep", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	md := m.ProtoReflect().Descriptor()
	if got := m.ProtoReflect().Get(md.Fields().ByName("a")).Int(); got != 7 {
		t.Errorf("a = %d", got)
	}
}
