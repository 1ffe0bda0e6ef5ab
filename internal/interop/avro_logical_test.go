// Avro logical types and nullable unions across the two clients: a record
// with uuid, timestamp-millis, date and decimal fields and two nullable
// unions (a string and a record) is written byte for byte alike by srkit
// (with Confluent's schema text, avro.CanonicalSchemaText) and
// confluent-kafka-go, with the unions null and set, and each deserializer
// reads the other's output back to equal values. With default options
// srkit registers the full schema (defaults kept) as a second version: the
// bodies are the same, the schema ID is not.
package interop

import (
	"context"
	"math/big"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

var paymentSchema = havro.MustParse(`{"type":"record","name":"Payment","namespace":"com.example.pay","fields":[
	{"name":"id","type":{"type":"string","logicalType":"uuid"}},
	{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"day","type":{"type":"int","logicalType":"date"}},
	{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
	{"name":"memo","type":["null","string"],"default":null},
	{"name":"ref","type":["null",{"type":"record","name":"Ref","fields":[
		{"name":"system","type":"string"},{"name":"key","type":"long"}]}],"default":null}]}`)

type avRef struct {
	System string `avro:"system"`
	Key    int64  `avro:"key"`
}

type avPayment struct {
	ID     string    `avro:"id"`
	At     time.Time `avro:"at"`
	Day    time.Time `avro:"day"`
	Amount *big.Rat  `avro:"amount"`
	Memo   *string   `avro:"memo"`
	Ref    *avRef    `avro:"ref"`
}

// Schema implements avro.Schemer and avrov2's schema interface.
func (avPayment) Schema() havro.Schema { return paymentSchema }

// equal compares decoded payments: decimals by value, times by instant.
func (p avPayment) equal(q avPayment) bool {
	eqStr := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	eqRef := func(a, b *avRef) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return p.ID == q.ID && p.At.Equal(q.At) && p.Day.Equal(q.Day) &&
		p.Amount != nil && q.Amount != nil && p.Amount.Cmp(q.Amount) == 0 &&
		eqStr(p.Memo, q.Memo) && eqRef(p.Ref, q.Ref)
}

func samplePayments() []avPayment {
	memo := "refund"
	base := avPayment{
		ID:     "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b",
		At:     time.UnixMilli(1_710_506_096_789).UTC(),
		Day:    time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
		Amount: big.NewRat(-1234567, 100), // -12345.67
	}
	set := base
	set.Memo, set.Ref = &memo, &avRef{System: "erp", Key: 9}
	return []avPayment{base, set}
}

func TestAvroInteropLogicalTypes(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	theirSer, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	s, err := avro.NewSerializer[avPayment](client, srserde.Value, avro.CanonicalSchemaText())
	if err != nil {
		t.Fatal(err)
	}
	full, err := avro.NewSerializer[avPayment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	d, err := avro.NewDeserializer[avPayment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	theirDe, err := avrov2.NewDeserializer(c, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range samplePayments() {
		theirs, err := theirSer.Serialize("payments", &in)
		if err != nil {
			t.Fatal(err)
		}
		ours, _, err := s.Serialize(ctx, "payments", in)
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(theirs) {
			t.Fatalf("payment %d: bytes differ:\n srkit % x\n ckg   % x", i, ours, theirs)
		}
		if got, err := d.Deserialize(ctx, "payments", theirs, nil); err != nil || !got.equal(in) {
			t.Fatalf("payment %d: srkit reading confluent-kafka-go: %+v, %v", i, got, err)
		}
		var back avPayment
		if err := theirDe.DeserializeInto("payments", ours, &back); err != nil || !back.equal(in) {
			t.Fatalf("payment %d: confluent-kafka-go reading srkit: %+v, %v", i, back, err)
		}
		withDefaults, _, err := full.Serialize(ctx, "payments", in)
		if err != nil {
			t.Fatal(err)
		}
		if string(withDefaults[5:]) != string(theirs[5:]) || withDefaults[4] != 2 {
			t.Fatalf("payment %d: with the full schema:\n srkit % x\n ckg   % x", i, withDefaults, theirs)
		}
		back = avPayment{}
		if err := theirDe.DeserializeInto("payments", withDefaults, &back); err != nil || !back.equal(in) {
			t.Fatalf("payment %d: confluent-kafka-go reading srkit's full-schema record: %+v, %v", i, back, err)
		}
	}
	if vs, err := client.Versions(ctx, "payments-value"); err != nil || len(vs) != 2 {
		t.Fatalf("versions %v, %v", vs, err)
	}
}
