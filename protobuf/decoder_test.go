package protobuf_test

import (
	"testing"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/serde"
)

// wrappedBench implements proto.Message through the generated pointer it
// embeds, but is not the message type.
type wrappedBench struct{ *srkittestpb.Bench }

func TestDeserializerRefusesNonGeneratedType(t *testing.T) {
	if _, err := protobuf.NewDeserializer[wrappedBench](newMock(t), serde.Value); err == nil {
		t.Fatal("a struct embedding a generated message was accepted as its message type")
	}
}

// Warm deserializers return new messages (or nil and the error) on every
// message, never one they returned before.
func TestDeserializeWarmReturnsNewMessages(t *testing.T) {
	c := newMock(t)
	s, _ := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value)
	d, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](c, serde.Value)
	p, _, err := s.Serialize(ctx, "warm", &srkittestpb.OrderCancelled{OrderId: "1", Reason: "a"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*srkittestpb.OrderCancelled]bool{}
	for range 4 {
		m, err := d.Deserialize(ctx, "warm", p, nil)
		if err != nil || m.GetOrderId() != "1" || m.GetReason() != "a" || seen[m] {
			t.Fatalf("%p %v %v", m, m, err)
		}
		seen[m] = true
		m.OrderId = "changed" // must not show in the next message
	}
	bad := append(append([]byte{}, p...), 0xff) // a truncated tag after the message
	if m, err := d.Deserialize(ctx, "warm", bad, nil); err == nil || m != nil {
		t.Fatalf("a malformed body gave %v, %v", m, err)
	}
}
