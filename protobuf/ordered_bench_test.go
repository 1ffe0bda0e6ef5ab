package protobuf

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
)

// BenchmarkOrderedMarshalDynamic is the deterministic marshaling the
// serializer does for dynamic messages, alone: compare with
// BenchmarkProtoMarshalDynamic (unordered) and
// BenchmarkProtoMarshalDynamicDeterministic (proto's option).
func BenchmarkOrderedMarshalDynamic(b *testing.B) {
	m := &srkittestpb.Bench{
		Id: "6db60d7f-ee4a-46f5-9857-ce8458e2a78f", CustomerId: 1234567890123, Email: "ada.lovelace@example.com",
		Kind: srkittestpb.Bench_WHOLESALE, Amount: 1299.95, Currency: "EUR",
		CreatedAt: &timestamppb.Timestamp{Seconds: 1710506096, Nanos: 789000000},
		Tags:      map[string]string{"channel": "web", "region": "eu-west", "campaign": "spring"},
		Note:      proto.String("leave at the door"),
	}
	for i := range 5 {
		m.Items = append(m.Items, &srkittestpb.Bench_Item{Sku: "SKU-000" + string(rune('0'+i)), Quantity: int32(i + 1), Price: 9.99 * float64(i+1)})
	}
	body, err := proto.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	d := dynamicpb.NewMessage(m.ProtoReflect().Descriptor())
	if err := proto.Unmarshal(body, d); err != nil {
		b.Fatal(err)
	}
	enc := encoder[*dynamicpb.Message]{}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = enc.AppendEncode(buf[:0], d); err != nil {
			b.Fatal(err)
		}
	}
}
