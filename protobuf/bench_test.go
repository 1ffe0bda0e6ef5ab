package protobuf_test

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/serde"
)

// benchMessage is the representative record of ../shared/reference/performance.md:
// an id, a long, an email, a 5-symbol enum, a double, a currency, a
// timestamp, 5 line items, a 3-entry map and a nullable note.
func benchMessage() *srkittestpb.Bench {
	m := &srkittestpb.Bench{
		Id:         "6db60d7f-ee4a-46f5-9857-ce8458e2a78f",
		CustomerId: 1234567890123,
		Email:      "ada.lovelace@example.com",
		Kind:       srkittestpb.Bench_WHOLESALE,
		Amount:     1299.95,
		Currency:   "EUR",
		CreatedAt:  &timestamppb.Timestamp{Seconds: 1710506096, Nanos: 789000000},
		Tags:       map[string]string{"channel": "web", "region": "eu-west", "campaign": "spring"},
		Note:       proto.String("leave at the door"),
	}
	for i := range 5 {
		m.Items = append(m.Items, &srkittestpb.Bench_Item{Sku: fmt.Sprintf("SKU-%04d", i), Quantity: int32(i + 1), Price: 9.99 * float64(i+1)})
	}
	return m
}

// benchDynamic is benchMessage as a dynamic message of its generated
// descriptor.
func benchDynamic(b *testing.B) *dynamicpb.Message {
	body, err := proto.Marshal(benchMessage())
	if err != nil {
		b.Fatal(err)
	}
	m := dynamicpb.NewMessage((&srkittestpb.Bench{}).ProtoReflect().Descriptor())
	if err := proto.Unmarshal(body, m); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkProtoMarshalDynamic is plain proto.MarshalAppend of a dynamic
// message: its fields and map entries come out in Go map order, different
// from run to run.
func BenchmarkProtoMarshalDynamic(b *testing.B) {
	benchMarshal(b, benchDynamic(b), proto.MarshalOptions{})
}

// BenchmarkProtoMarshalDynamicDeterministic is the same with
// Deterministic: fields in number order, map entries sorted by key.
func BenchmarkProtoMarshalDynamicDeterministic(b *testing.B) {
	benchMarshal(b, benchDynamic(b), proto.MarshalOptions{Deterministic: true})
}

// BenchmarkProtoMarshalDeterministic is deterministic marshaling of the
// generated message, for comparison with BenchmarkProtoMarshalAppend.
func BenchmarkProtoMarshalDeterministic(b *testing.B) {
	benchMarshal(b, benchMessage(), proto.MarshalOptions{Deterministic: true})
}

func benchMarshal(b *testing.B, m proto.Message, opts proto.MarshalOptions) {
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = opts.MarshalAppend(buf[:0], m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProtobufAppendSerializeDynamic serializes the dynamic message
// (deterministically, the default for dynamic messages).
func BenchmarkProtobufAppendSerializeDynamic(b *testing.B) {
	c := newBenchMock(b)
	s, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	m := benchDynamic(b)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if buf, _, err = s.AppendSerialize(ctx, buf[:0], "bench", m); err != nil {
			b.Fatal(err)
		}
	}
}
