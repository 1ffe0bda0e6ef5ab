package protobuf_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

var ctx = context.Background()

// newMock starts a mock registry over HTTP with the Protobuf format.
func newMock(t *testing.T, opts ...mockregistry.Option) *registry.Client {
	t.Helper()
	srv := mockregistry.StartServer(t, append([]mockregistry.Option{mockregistry.WithFormats(protobuf.Format())}, opts...)...)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sampleOrder() *srkittestpb.OrderPlaced {
	return &srkittestpb.OrderPlaced{
		OrderId: "o-1",
		Customer: &srkittestpb.Customer{
			Ident: &srkittestpb.Ident{Id: "c-9", Namespace: "eu"},
			Email: "ada@example.com",
			Level: srkittestpb.Level_GOLD,
			Since: timestamppb.New(timestamppb.Now().AsTime().Truncate(1e9)),
			Attrs: map[string]string{"tier": "1"},
		},
		Lines: []*srkittestpb.OrderPlaced_Line{
			{Sku: "A", Quantity: 2, Discount: &srkittestpb.OrderPlaced_Line_Discount{Code: "X", Percent: 5}},
			{Sku: "B", Quantity: 1},
		},
		Status:   srkittestpb.OrderPlaced_PAID,
		Note:     wrapperspb.String("leave at door"),
		Payment:  &srkittestpb.OrderPlaced_Iban{Iban: "DE00"},
		Counters: map[string]int64{"retries": 3},
	}
}

// sameMessage compares a decoded message (generated or dynamic) with want
// through the wire format.
func sameMessage(t *testing.T, got proto.Message, want proto.Message) {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	back := want.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(b, back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(back, want) {
		t.Errorf("decoded %v\nwant %v", back, want)
	}
}

func TestMockRoundTripReferences(t *testing.T) {
	c := newMock(t)
	s, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	order := sampleOrder()
	payload, headers, err := s.Serialize(ctx, "orders", order)
	if err != nil {
		t.Fatal(err)
	}
	if headers != nil || payload[0] != 0 || payload[5] != 0 {
		t.Fatalf("framing: % x, headers %v", payload[:6], headers)
	}

	subjects, err := c.Subjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(subjects)
	if want := []string{"orders-value", "srkittest/base.proto", "srkittest/common.proto"}; !slices.Equal(subjects, want) {
		t.Errorf("subjects = %v, want %v (builtins are never registered)", subjects, want)
	}
	root, err := c.LatestSchema(ctx, "orders-value")
	if err != nil {
		t.Fatal(err)
	}
	if want := []registry.Reference{{Name: "srkittest/common.proto", Subject: "srkittest/common.proto", Version: 1}}; !slices.Equal(root.References, want) {
		t.Errorf("references = %v", root.References)
	}
	common, _ := c.LatestSchema(ctx, "srkittest/common.proto")
	if len(common.References) != 1 || common.References[0].Name != "srkittest/base.proto" {
		t.Errorf("common references = %v", common.References)
	}

	gen, err := protobuf.NewDeserializer[*srkittestpb.OrderPlaced](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	got, err := gen.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, order) {
		t.Errorf("generated: %v", got)
	}

	dyn, err := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dyn.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*dynamicpb.Message); !ok {
		t.Errorf("decoded a %T, want a dynamic message", m)
	}
	if m.ProtoReflect().Descriptor().FullName() != "srkit.test.events.OrderPlaced" {
		t.Errorf("dynamic type %s", m.ProtoReflect().Descriptor().FullName())
	}
	sameMessage(t, m, order)

	// The dynamic message re-serializes through a proto.Message serializer
	// to the same schema.
	ds, err := protobuf.NewSerializer[proto.Message](c, serde.Value, serde.AutoRegister(false), serde.UseLatest())
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := ds.Serialize(ctx, "orders", m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again[:6], payload[:6]) {
		t.Errorf("dynamic re-serialization prefix % x, want % x", again[:6], payload[:6])
	}
}

func TestMockNestedAndMixedMessages(t *testing.T) {
	c := newMock(t)
	s, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	msgs := []proto.Message{
		sampleOrder(),
		&srkittestpb.OrderCancelled{OrderId: "o-1", Reason: "late"},
		&srkittestpb.OrderPlaced_Line_Discount{Code: "Z", Percent: 12.5},
		&srkittestpb.Bench{Id: "b", Items: []*srkittestpb.Bench_Item{{Sku: "s"}}},
	}
	wantIdx := [][]byte{{0}, {2, 2}, {6, 0, 0, 0}, {2, 4}}
	d, err := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	var id []byte
	for i, m := range msgs {
		payload, _, err := s.Serialize(ctx, "events", m)
		if err != nil {
			t.Fatal(err)
		}
		if id == nil {
			id = payload[:5]
		} else if !bytes.Equal(id, payload[:5]) {
			t.Errorf("%T: schema ref % x, want % x (one file, one schema)", m, payload[:5], id)
		}
		if !bytes.HasPrefix(payload[5:], wantIdx[i]) {
			t.Errorf("%T: indexes % x, want % x", m, payload[5:5+len(wantIdx[i])], wantIdx[i])
		}
		got, err := d.Deserialize(ctx, "events", payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.ProtoReflect().Descriptor().FullName() != m.ProtoReflect().Descriptor().FullName() {
			t.Errorf("decoded %s, want %s", got.ProtoReflect().Descriptor().FullName(), m.ProtoReflect().Descriptor().FullName())
		}
		sameMessage(t, got, m)
	}
}

func TestMockLookupAndLatest(t *testing.T) {
	c := newMock(t)
	order := sampleOrder()

	// Without auto-registration nothing is found.
	lookup, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value, serde.AutoRegister(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lookup.Serialize(ctx, "lk", order); err == nil {
		t.Fatal("lookup of an unregistered schema succeeded")
	}
	reg, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := reg.Serialize(ctx, "lk", order)
	if err != nil {
		t.Fatal(err)
	}
	lookup, _ = protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value, serde.AutoRegister(false))
	got, _, err := lookup.Serialize(ctx, "lk", order)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("lookup wrote % x, want % x", got[:6], want[:6])
	}

	// A newer, compatible version with the message moved: use latest finds
	// it by name.
	v2 := `syntax = "proto3";
package srkit.test.events;
message Other { string x = 1; }
message OrderCancelled { string order_id = 1; string reason = 2; string by = 3; }`
	r2, err := c.Register(ctx, "cancel-value", registry.Schema{Schema: v2, SchemaType: registry.Protobuf})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false))
	if err != nil {
		t.Fatal(err)
	}
	msg := &srkittestpb.OrderCancelled{OrderId: "o", Reason: "r"}
	payload, _, err := latest.Serialize(ctx, "cancel", msg)
	if err != nil {
		t.Fatal(err)
	}
	if id := int(payload[1])<<24 | int(payload[2])<<16 | int(payload[3])<<8 | int(payload[4]); id != r2.ID {
		t.Errorf("wrote schema %d, want %d", id, r2.ID)
	}
	if !bytes.Equal(payload[5:7], []byte{2, 2}) {
		t.Errorf("indexes % x, want 02 02 ([1])", payload[5:7])
	}
	dec, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	m, err := dec.Deserialize(ctx, "cancel", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ProtoReflect().Descriptor().Fields().Len() != 3 {
		t.Errorf("decoded with %v, want the writer schema's 3 fields", m.ProtoReflect().Descriptor().FullName())
	}
	sameMessage(t, m, msg)

	// Explicit schema text (WithSchema) on another subject.
	ex, err := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value, protobuf.WithSchema(v2))
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err = ex.Serialize(ctx, "explicit", msg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(payload[5:7], []byte{2, 2}) {
		t.Errorf("explicit schema indexes % x", payload[5:7])
	}
	// A type the writer schema lacks.
	bad, _ := protobuf.NewSerializer[*srkittestpb.Bench](c, serde.Value, serde.UseLatest(), serde.WithSubjectNameStrategy(fixedSubject("cancel-value")))
	if _, _, err := bad.Serialize(ctx, "cancel", &srkittestpb.Bench{}); !errors.Is(err, protobuf.ErrUnknownMessage) {
		t.Errorf("missing message: err = %v", err)
	}
}

func fixedSubject(s string) serde.SubjectNameStrategy {
	return func(context.Context, string, serde.Part, string) (string, error) { return s, nil }
}

func TestMockQualifiedReferenceSubjects(t *testing.T) {
	c := newMock(t)
	s, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value, protobuf.QualifiedReferenceSubjects())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "q", sampleOrder()); err != nil {
		t.Fatal(err)
	}
	subjects, _ := c.Subjects(ctx)
	slices.Sort(subjects)
	if want := []string{"q-value", "srkittest.base", "srkittest.common"}; !slices.Equal(subjects, want) {
		t.Errorf("subjects = %v, want %v", subjects, want)
	}
	root, _ := c.LatestSchema(ctx, "q-value")
	if len(root.References) != 1 || root.References[0] != (registry.Reference{Name: "srkittest/common.proto", Subject: "srkittest.common", Version: 1}) {
		t.Errorf("references = %v", root.References)
	}
}

func TestMockTypeMismatch(t *testing.T) {
	c := newMock(t)
	s, _ := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value)
	payload, _, err := s.Serialize(ctx, "mm", &srkittestpb.OrderCancelled{OrderId: "x"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := protobuf.NewDeserializer[*srkittestpb.OrderPlaced](c, serde.Value)
	if _, err := d.Deserialize(ctx, "mm", payload, nil); !errors.Is(err, protobuf.ErrTypeMismatch) {
		t.Errorf("err = %v, want ErrTypeMismatch", err)
	}
	d, _ = protobuf.NewDeserializer[*srkittestpb.OrderPlaced](c, serde.Value, protobuf.SkipTypeCheck())
	got, err := d.Deserialize(ctx, "mm", payload, nil)
	if err != nil || got.GetOrderId() != "x" {
		t.Errorf("skip type check: %v, %v", got, err)
	}

	// Indexes that name no message of the writer schema.
	bad := append(append([]byte{}, payload[:5]...), 2, 20)
	bad = append(bad, payload[7:]...)
	dyn, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if _, err := dyn.Deserialize(ctx, "mm", bad, nil); !errors.Is(err, protobuf.ErrUnknownMessage) {
		t.Errorf("out-of-range indexes: err = %v", err)
	}
}

func TestMockCompatibility(t *testing.T) {
	c := newMock(t, mockregistry.WithCompatibility(registry.Backward))
	v1 := registry.Schema{SchemaType: registry.Protobuf, Schema: `syntax = "proto3"; package p; message M { int32 a = 1; }`}
	v2 := registry.Schema{SchemaType: registry.Protobuf, Schema: `syntax = "proto3"; package p; message M { string a = 1; }`}
	if _, err := c.Register(ctx, "compat", v1); err != nil {
		t.Fatal(err)
	}
	res, err := c.CheckCompatibility(ctx, "compat", registry.Latest, v2, registry.Verbose())
	if err != nil {
		t.Fatal(err)
	}
	if res.IsCompatible || len(res.Messages) == 0 || res.Messages[0] != "Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}" {
		t.Errorf("result = %+v", res)
	}
	if _, err := c.Register(ctx, "compat", v2); err == nil {
		t.Error("incompatible schema registered")
	}
	if _, err := c.Register(ctx, "bad", registry.Schema{SchemaType: registry.Protobuf, Schema: "message {"}); err == nil {
		t.Error("invalid schema registered")
	}
}

func TestConstructorErrors(t *testing.T) {
	c := newMock(t)
	if _, err := protobuf.NewSerializer[string](c, serde.Value); err == nil {
		t.Error("serializer of string")
	}
	if _, err := protobuf.NewDeserializer[struct{}](c, serde.Value); err == nil {
		t.Error("deserializer of struct{}")
	}
	// Interface types that are not proto.Message (reflect.TypeFor gives the
	// interface type, not nil).
	if _, err := protobuf.NewSerializer[any](c, serde.Value); err == nil || !strings.Contains(err.Error(), "does not implement proto.Message") {
		t.Errorf("serializer of any: %v", err)
	}
	if _, err := protobuf.NewDeserializer[error](c, serde.Value); err == nil || !strings.Contains(err.Error(), "does not implement proto.Message") {
		t.Errorf("deserializer of error: %v", err)
	}
	type custom interface {
		proto.Message
		GetOrderId() string
	}
	if _, err := protobuf.NewDeserializer[custom](c, serde.Value); err == nil {
		t.Error("deserializer into an interface dynamic messages do not implement")
	}
	if _, err := protobuf.NewDeserializer[*dynamicpb.Message](c, serde.Value); err != nil {
		t.Errorf("*dynamicpb.Message: %v", err)
	}
}

// newBenchMock is newMock for benchmarks.
func newBenchMock(b *testing.B) *registry.Client {
	b.Helper()
	srv := mockregistry.StartServer(b, mockregistry.WithFormats(protobuf.Format()))
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}
