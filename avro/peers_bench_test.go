package avro_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	havro "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/peerbench"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The benchmarks of this file run, for each row, hamba's own codec first
// (the raw floor), then srkit and franz-go's pkg/sr (its Serde plugged
// with hamba's Marshal and Unmarshal on the same schema, as its
// documentation shows), each as a sub-benchmark of one process, and report
// each one's time as a ratio to the raw codec's of the same run ("x-raw").
// Every peer does the same work: the same value, a new *BenchOrder per
// decode; the framed payloads of srkit and sr are checked equal.

// avroFixture is what the rows share: hamba's API and schema, warm srkit
// serializers (fixed schema and use-latest) and deserializer, and a
// franz-go Serde registered with the same schema ID.
type avroFixture struct {
	api     havro.API
	schema  havro.Schema
	client  *registry.Client
	ser     *serde.Serializer[*BenchOrder]
	latest  *serde.Serializer[*BenchOrder] // serde.UseLatest
	de      *serde.Deserializer[*BenchOrder]
	franz   *sr.Serde
	value   *BenchOrder
	payload []byte // framed by srkit
	body    []byte // payload without its schema reference
}

func newAvroFixture(b *testing.B, v *BenchOrder) *avroFixture {
	b.Helper()
	ctx := context.Background()
	api, schema := benchRaw(b)
	client := benchClient(b)
	f := &avroFixture{api: api, schema: schema, client: client, value: v}
	var err error
	if f.ser, err = avro.NewSerializer[*BenchOrder](client, serde.Value, avro.WithSchema(benchSchema)); err != nil {
		b.Fatal(err)
	}
	if f.payload, _, err = f.ser.Serialize(ctx, "orders", f.value); err != nil {
		b.Fatal(err)
	}
	if f.latest, err = avro.NewSerializer[*BenchOrder](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false)); err != nil {
		b.Fatal(err)
	}
	// Map entries come out in Go map order: compare the framing and sizes.
	if p, _, err := f.latest.Serialize(ctx, "orders", f.value); err != nil || len(p) != len(f.payload) || !bytes.Equal(p[:5], f.payload[:5]) {
		b.Fatalf("use-latest serializer wrote %x (%v), the fixed one %x", p, err, f.payload)
	}
	if f.de, err = avro.NewDeserializer[*BenchOrder](client, serde.Value); err != nil {
		b.Fatal(err)
	}
	if _, err := f.de.Deserialize(ctx, "orders", f.payload, nil); err != nil {
		b.Fatal(err)
	}
	ref, n, err := serde.ParseSchemaRef(f.payload, serde.NoIndexes)
	if err != nil {
		b.Fatal(err)
	}
	f.body = f.payload[n:]
	f.franz = new(sr.Serde)
	f.franz.Register(ref.ID, &BenchOrder{},
		sr.EncodeFn(func(v any) ([]byte, error) { return api.Marshal(schema, v) }),
		sr.DecodeFn(func(b []byte, v any) error { return api.Unmarshal(schema, b, v) }))
	if fp, err := f.franz.Encode(f.value); err != nil || len(fp) != len(f.payload) || !bytes.Equal(fp[:n], f.payload[:n]) {
		b.Fatalf("franz-go frames %x (%v), srkit %x", fp, err, f.payload)
	}
	return f
}

// marshalPeer is hamba's Marshal, the raw row of both serialize rows
// (hamba has no append form).
func (f *avroFixture) marshalPeer() peerbench.Peer {
	return peerbench.Peer{Name: "raw", Run: func(b *testing.B) {
		for b.Loop() {
			if _, err := f.api.Marshal(f.schema, f.value); err != nil {
				b.Fatal(err)
			}
		}
	}}
}

// BenchmarkPeersSerialize: hamba's Marshal, Serialize, sr's Encode (a new
// slice per message), and Serialize of a use-latest serializer.
func BenchmarkPeersSerialize(b *testing.B) {
	f := newAvroFixture(b, benchOrder())
	ctx := context.Background()
	peerbench.Run(b,
		f.marshalPeer(),
		peerbench.Peer{Name: "srkit", Run: func(b *testing.B) {
			for b.Loop() {
				if _, _, err := f.ser.Serialize(ctx, "orders", f.value); err != nil {
					b.Fatal(err)
				}
			}
		}},
		peerbench.Peer{Name: "latest", Run: func(b *testing.B) {
			for b.Loop() {
				if _, _, err := f.latest.Serialize(ctx, "orders", f.value); err != nil {
					b.Fatal(err)
				}
			}
		}},
		peerbench.Peer{Name: "franz", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := f.franz.Encode(f.value); err != nil {
					b.Fatal(err)
				}
			}
		}})
}

// BenchmarkPeersAppendSerialize: into a reused buffer (hamba has no append
// form: its row is Marshal; sr's AppendEncode appends what Encode returns).
func BenchmarkPeersAppendSerialize(b *testing.B) {
	f := newAvroFixture(b, benchOrder())
	peerbench.Run(b, f.appendPeers(true)...)
}

// appendPeers is Marshal, AppendSerialize (of the use-latest serializer
// too, with latest) and sr's AppendEncode into a reused buffer.
func (f *avroFixture) appendPeers(latest bool) []peerbench.Peer {
	ctx := context.Background()
	appendWith := func(name string, s *serde.Serializer[*BenchOrder]) peerbench.Peer {
		return peerbench.Peer{Name: name, Run: func(b *testing.B) {
			buf := make([]byte, 0, len(f.payload))
			for b.Loop() {
				var err error
				if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", f.value); err != nil {
					b.Fatal(err)
				}
			}
		}}
	}
	peers := []peerbench.Peer{f.marshalPeer(), appendWith("srkit", f.ser)}
	if latest {
		peers = append(peers, appendWith("latest", f.latest))
	}
	return append(peers, peerbench.Peer{Name: "franz", Run: func(b *testing.B) {
		buf := make([]byte, 0, len(f.payload))
		for b.Loop() {
			var err error
			if buf, err = f.franz.AppendEncode(buf[:0], f.value); err != nil {
				b.Fatal(err)
			}
		}
	}})
}

// BenchmarkPeersDeserialize: a new *BenchOrder per message: hamba's
// Unmarshal of the body, Deserialize of the payload, sr's Decode.
func BenchmarkPeersDeserialize(b *testing.B) {
	peerbench.Run(b, newAvroFixture(b, benchOrder()).deserializePeers()...)
}

func (f *avroFixture) deserializePeers() []peerbench.Peer {
	ctx := context.Background()
	return []peerbench.Peer{
		{Name: "raw", Run: func(b *testing.B) {
			for b.Loop() {
				if err := f.api.Unmarshal(f.schema, f.body, new(BenchOrder)); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "srkit", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := f.de.Deserialize(ctx, "orders", f.payload, nil); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "franz", Run: func(b *testing.B) {
			for b.Loop() {
				if err := f.franz.Decode(f.payload, new(BenchOrder)); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

// BenchmarkPeersCurve is the cost curve: the record with 1, 10, 100 and
// 1,000 line items, append-serialized and deserialized by each peer.
func BenchmarkPeersCurve(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
			v := benchOrder()
			v.Items = make([]BenchItem, n)
			for i := range v.Items {
				v.Items[i] = BenchItem{SKU: "SKU-" + strconv.Itoa(10000+i), Quantity: int32(i%7 + 1), Price: float64(i) + 0.99}
			}
			f := newAvroFixture(b, v)
			b.Run("serialize", func(b *testing.B) { peerbench.Run(b, f.appendPeers(false)...) })
			b.Run("deserialize", func(b *testing.B) { peerbench.Run(b, f.deserializePeers()...) })
		})
	}
}
