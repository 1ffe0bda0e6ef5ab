package protobuf_test

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/internal/peerbench"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The benchmarks of this file run, for each row, the raw codec first, then
// srkit and franz-go's pkg/sr (its Serde, plugged with the same proto
// calls as its documentation shows), each as a sub-benchmark, and report
// each one's time as a ratio to the raw codec's of the same run ("x-raw").
// Every peer does the same work as the raw codec: the same message, a new
// message per decode (or the same reused one in the "reuse" rows), the same
// proto options; the framed payloads of srkit and sr are checked equal.

// pbFixture is what the rows share: a warm srkit serializer and
// deserializer, and a franz-go Serde registered with the same schema ID and
// message index.
type pbFixture struct {
	client  *registry.Client
	ser     *serde.Serializer[*srkittestpb.Bench]
	de      *serde.Deserializer[*srkittestpb.Bench]
	franz   *sr.Serde
	payload []byte // framed by srkit
	body    []byte // payload without its schema reference
	indexes []int  // of the message in its schema
}

func newPBFixture(b *testing.B, m *srkittestpb.Bench) *pbFixture {
	b.Helper()
	c := newBenchMock(b)
	ser, err := protobuf.NewSerializer[*srkittestpb.Bench](c, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := ser.Serialize(ctx, "bench", m)
	if err != nil {
		b.Fatal(err)
	}
	de, err := protobuf.NewDeserializer[*srkittestpb.Bench](c, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := de.Deserialize(ctx, "bench", payload, nil); err != nil {
		b.Fatal(err)
	}
	ref, n, err := serde.ParseSchemaRef(payload, serde.ZigzagIndexes)
	if err != nil {
		b.Fatal(err)
	}
	indexes, err := serde.ParseMessageIndexes(nil, ref.Indexes, serde.ZigzagIndexes)
	if err != nil {
		b.Fatal(err)
	}
	var franz sr.Serde
	franz.Register(ref.ID, &srkittestpb.Bench{},
		sr.EncodeFn(func(v any) ([]byte, error) { return proto.Marshal(v.(*srkittestpb.Bench)) }),
		sr.AppendEncodeFn(func(b []byte, v any) ([]byte, error) {
			return proto.MarshalOptions{}.MarshalAppend(b, v.(*srkittestpb.Bench))
		}),
		sr.DecodeFn(func(b []byte, v any) error { return proto.Unmarshal(b, v.(*srkittestpb.Bench)) }),
		sr.Index(indexes...))
	// Map entries come out in Go map order: compare the framing and sizes.
	if fp, err := franz.Encode(m); err != nil || len(fp) != len(payload) || !bytes.Equal(fp[:n], payload[:n]) {
		b.Fatalf("franz-go frames %x (%v), srkit %x", fp, err, payload)
	}
	return &pbFixture{client: c, ser: ser, de: de, franz: &franz, payload: payload, body: payload[n:], indexes: indexes}
}

// serializePeers is proto.Marshal, Serialize and sr's Encode (a new slice
// per message).
func (f *pbFixture) serializePeers(m *srkittestpb.Bench) []peerbench.Peer {
	return []peerbench.Peer{
		{Name: "raw", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := proto.Marshal(m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "srkit", Run: func(b *testing.B) {
			for b.Loop() {
				if _, _, err := f.ser.Serialize(ctx, "bench", m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "franz", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := f.franz.Encode(m); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

// appendPeers is MarshalAppend, AppendSerialize and sr's AppendEncode into
// a reused buffer.
func (f *pbFixture) appendPeers(m *srkittestpb.Bench) []peerbench.Peer {
	return []peerbench.Peer{
		{Name: "raw", Run: func(b *testing.B) {
			buf := make([]byte, 0, len(f.payload))
			for b.Loop() {
				var err error
				if buf, err = (proto.MarshalOptions{}).MarshalAppend(buf[:0], m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "srkit", Run: func(b *testing.B) {
			buf := make([]byte, 0, len(f.payload))
			for b.Loop() {
				var err error
				if buf, _, err = f.ser.AppendSerialize(ctx, buf[:0], "bench", m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "franz", Run: func(b *testing.B) {
			buf := make([]byte, 0, len(f.payload))
			for b.Loop() {
				var err error
				if buf, err = f.franz.AppendEncode(buf[:0], m); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

// deserializePeers decodes into a new message per op: proto.Unmarshal into
// new(Bench), Deserialize, sr's Decode into new(Bench).
func (f *pbFixture) deserializePeers() []peerbench.Peer {
	return []peerbench.Peer{
		{Name: "raw", Run: func(b *testing.B) {
			for b.Loop() {
				if err := proto.Unmarshal(f.body, new(srkittestpb.Bench)); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "srkit", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := f.de.Deserialize(ctx, "bench", f.payload, nil); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "franz", Run: func(b *testing.B) {
			for b.Loop() {
				if err := f.franz.Decode(f.payload, new(srkittestpb.Bench)); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

// reusePeers decodes into one message reused (and reset) per op.
func (f *pbFixture) reusePeers() []peerbench.Peer {
	return []peerbench.Peer{
		{Name: "raw", Run: func(b *testing.B) {
			m := new(srkittestpb.Bench)
			for b.Loop() {
				if err := proto.Unmarshal(f.body, m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "srkit", Run: func(b *testing.B) {
			m := new(srkittestpb.Bench)
			for b.Loop() {
				if err := f.de.DeserializeInto(ctx, "bench", f.payload, nil, &m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{Name: "franz", Run: func(b *testing.B) {
			m := new(srkittestpb.Bench)
			for b.Loop() {
				if err := f.franz.Decode(f.payload, m); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

func BenchmarkSerialize(b *testing.B) {
	m := benchMessage()
	peerbench.Run(b, newPBFixture(b, m).serializePeers(m)...)
}

func BenchmarkAppendSerialize(b *testing.B) {
	m := benchMessage()
	peerbench.Run(b, newPBFixture(b, m).appendPeers(m)...)
}

func BenchmarkDeserialize(b *testing.B) {
	peerbench.Run(b, newPBFixture(b, benchMessage()).deserializePeers()...)
}

func BenchmarkDeserializeReuse(b *testing.B) {
	peerbench.Run(b, newPBFixture(b, benchMessage()).reusePeers()...)
}

// BenchmarkDeserializeDynamic decodes into dynamic messages (no generated
// code). The raw codec and sr decode into dynamicpb messages of the
// descriptor srkit compiled from the registered schema, the one srkit
// decodes with (a generated descriptor costs dynamicpb a little less).
func BenchmarkDeserializeDynamic(b *testing.B) {
	f := newPBFixture(b, benchMessage())
	d, err := protobuf.NewDeserializer[proto.Message](f.client, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	warm, err := d.Deserialize(ctx, "bench", f.payload, nil)
	if err != nil {
		b.Fatal(err)
	}
	md := warm.ProtoReflect().Descriptor()
	var franz sr.Serde
	franz.Register(int(binary.BigEndian.Uint32(f.payload[1:5])), &dynamicpb.Message{},
		sr.DecodeFn(func(b []byte, v any) error { return proto.Unmarshal(b, v.(*dynamicpb.Message)) }),
		sr.Index(f.indexes...))
	peerbench.Run(b,
		peerbench.Peer{Name: "raw", Run: func(b *testing.B) {
			for b.Loop() {
				if err := proto.Unmarshal(f.body, dynamicpb.NewMessage(md)); err != nil {
					b.Fatal(err)
				}
			}
		}},
		peerbench.Peer{Name: "srkit", Run: func(b *testing.B) {
			for b.Loop() {
				if _, err := d.Deserialize(ctx, "bench", f.payload, nil); err != nil {
					b.Fatal(err)
				}
			}
		}},
		peerbench.Peer{Name: "franz", Run: func(b *testing.B) {
			for b.Loop() {
				if err := franz.Decode(f.payload, dynamicpb.NewMessage(md)); err != nil {
					b.Fatal(err)
				}
			}
		}})
}

// benchMessageN is benchMessage with n line items.
func benchMessageN(n int) *srkittestpb.Bench {
	m := benchMessage()
	m.Items = make([]*srkittestpb.Bench_Item, n)
	for i := range m.Items {
		m.Items[i] = &srkittestpb.Bench_Item{Sku: "SKU-" + strconv.Itoa(i), Quantity: int32(i + 1), Price: 9.99 * float64(i+1)}
	}
	return m
}

// BenchmarkCurve is the cost curve: the record with 1, 10, 100 and 1,000
// line items, append-serialized and deserialized by the raw codec, srkit
// and sr. srkit's ratio must not grow with the size.
func BenchmarkCurve(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
			m := benchMessageN(n)
			f := newPBFixture(b, m)
			b.Run("serialize", func(b *testing.B) { peerbench.Run(b, f.appendPeers(m)...) })
			b.Run("deserialize", func(b *testing.B) { peerbench.Run(b, f.deserializePeers()...) })
		})
	}
}
