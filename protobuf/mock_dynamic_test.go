package protobuf_test

import (
	"fmt"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Dynamic messages built from a registered schema serialize with
// auto-registration too: their compiled file and its imports are printed
// and registered like generated ones.
func TestMockDynamicAutoRegister(t *testing.T) {
	c := newMock(t)
	s, _ := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value)
	order := sampleOrder()
	payload, _, err := s.Serialize(ctx, "src", order)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := protobuf.NewDeserializer[*dynamicpb.Message](c, serde.Value)
	dyn, err := d.Deserialize(ctx, "src", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := protobuf.NewSerializer[*dynamicpb.Message](c, serde.Value, serde.WithSubjectNameStrategy(serde.RecordNameStrategy))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := ds.Serialize(ctx, "dst", dyn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LatestSchema(ctx, "srkit.test.events.OrderPlaced"); err != nil {
		t.Errorf("record-name subject: %v", err)
	}
	g, _ := protobuf.NewDeserializer[*srkittestpb.OrderPlaced](c, serde.Value, serde.WithSubjectNameStrategy(serde.RecordNameStrategy))
	back, err := g.Deserialize(ctx, "dst", out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(back, order) {
		t.Errorf("round trip through dynamic messages: %v", back)
	}
	var nilMsg *dynamicpb.Message
	if b, _, err := ds.Serialize(ctx, "dst", nilMsg); err != nil || b != nil {
		t.Errorf("nil dynamic message: %x, %v (want a tombstone)", b, err)
	}
}

// With serde.UseLatest a dynamic deserializer reads into the subject's
// latest schema: the writer's message of the same name there.
func TestMockDynamicReaderSchema(t *testing.T) {
	c := newMock(t, mockregistry.WithCompatibility(registry.None))
	s, _ := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value)
	payload, _, err := s.Serialize(ctx, "rd", &srkittestpb.OrderCancelled{OrderId: "o", Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	v2 := `syntax = "proto3";
package srkit.test.events;
message OrderCancelled { string order_id = 1; string reason = 2; string by = 3; }`
	r2, err := c.Register(ctx, "rd-value", registry.Schema{Schema: v2, SchemaType: registry.Protobuf})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value, serde.UseLatest())
	m, err := d.Deserialize(ctx, "rd", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	md := m.ProtoReflect().Descriptor()
	if md.Fields().ByName("by") == nil {
		t.Errorf("decoded with the writer schema, want the latest (id %d)", r2.ID)
	}
	if got := m.ProtoReflect().Get(md.Fields().ByName("reason")).String(); got != "r" {
		t.Errorf("reason = %q", got)
	}
	// Generated types ignore the reader schema.
	g, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](c, serde.Value, serde.UseLatest())
	got, err := g.Deserialize(ctx, "rd", payload, nil)
	if err != nil || got.GetReason() != "r" {
		t.Errorf("generated with latest: %v, %v", got, err)
	}
}

// DeserializeInto reuses the caller's message.
func TestDeserializeIntoReuses(t *testing.T) {
	c := newMock(t)
	s, _ := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value)
	p1, _, _ := s.Serialize(ctx, "re", &srkittestpb.OrderCancelled{OrderId: "1", Reason: "a"})
	p2, _, _ := s.Serialize(ctx, "re", &srkittestpb.OrderCancelled{OrderId: "2"})
	d, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](c, serde.Value)
	m := new(srkittestpb.OrderCancelled)
	keep := m
	if err := d.DeserializeInto(ctx, "re", p1, nil, &m); err != nil {
		t.Fatal(err)
	}
	if err := d.DeserializeInto(ctx, "re", p2, nil, &m); err != nil {
		t.Fatal(err)
	}
	if m != keep || m.GetOrderId() != "2" || m.GetReason() != "" {
		t.Errorf("got %p %v, want the same message holding only the second payload", m, m)
	}

	dd, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	var dm proto.Message
	if err := dd.DeserializeInto(ctx, "re", p1, nil, &dm); err != nil {
		t.Fatal(err)
	}
	first := dm
	if err := dd.DeserializeInto(ctx, "re", p2, nil, &dm); err != nil {
		t.Fatal(err)
	}
	f := dm.ProtoReflect().Descriptor().Fields()
	if dm != first || dm.ProtoReflect().Get(f.ByName("order_id")).String() != "2" || dm.ProtoReflect().Has(f.ByName("reason")) {
		t.Errorf("dynamic reuse: %v", dm)
	}
}

// Many goroutines share one serializer and one deserializer, cold and
// warm (run with -race).
func TestConcurrentUse(t *testing.T) {
	c := newMock(t)
	s, _ := protobuf.NewSerializer[proto.Message](c, serde.Value)
	d, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	msgs := []proto.Message{
		sampleOrder(),
		&srkittestpb.OrderCancelled{OrderId: "c"},
		&srkittestpb.OrderPlaced_Line{Sku: "l"},
		&srkittestpb.Bench{Id: "b"},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				m := msgs[(g+i)%len(msgs)]
				topic := []string{"t1", "t2"}[i%2]
				p, _, err := s.Serialize(ctx, topic, m)
				if err != nil {
					errs <- err
					return
				}
				got, err := d.Deserialize(ctx, topic, p, nil)
				if err != nil {
					errs <- err
					return
				}
				if got.ProtoReflect().Descriptor().FullName() != m.ProtoReflect().Descriptor().FullName() {
					errs <- fmt.Errorf("decoded %s, want %s", got.ProtoReflect().Descriptor().FullName(), m.ProtoReflect().Descriptor().FullName())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
