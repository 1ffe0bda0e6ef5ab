package protobuf_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/internal/peerbench"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The encryption benchmarks write and read the representative Bench message
// (generated) warm, through a local KMS with AES256_GCM: without rules,
// with ENCRYPT_PAYLOAD, and with ENCRYPT on two string fields (email, note)
// tagged through metadata.tags; the raw row is proto.Marshal (Unmarshal)
// alone.

// encBenchCase is one schema of the encryption benchmarks.
type encBenchCase struct {
	name string
	rs   *registry.RuleSet
}

var encBenchCases = []encBenchCase{
	{"NoRules", nil},
	{"EncryptPayload", &registry.RuleSet{EncodingRules: []registry.Rule{encRule(encryption.TypeEncryptPayload)}}},
	{"EncryptTwoFields", &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}},
}

// encBench returns a warm serializer and deserializer of Bench for c's
// rules, and a payload the serializer wrote.
func encBench(b *testing.B, c encBenchCase) (*serde.Serializer[*srkittestpb.Bench], *serde.Deserializer[*srkittestpb.Bench], []byte) {
	b.Helper()
	client := newBenchMock(b)
	md := &registry.Metadata{Tags: map[string][]string{"srkit.test.events.Bench.email": {"PII"}, "srkit.test.events.Bench.note": {"PII"}}}
	registerWithRules(b, client, "bench", benchMessage(), c.rs, md)
	s := encWriter[*srkittestpb.Bench](b, client)
	d, err := protobuf.NewDeserializer[*srkittestpb.Bench](client, serde.Value, encExecutors(b, client, localkms.New(encSecret)))
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := s.Serialize(ctx, "bench", benchMessage())
	if err != nil {
		b.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "bench", payload, nil)
	if err != nil || !proto.Equal(got, benchMessage()) {
		b.Fatalf("read %v, %v", got, err)
	}
	return s, d, payload
}

func BenchmarkEncryptSerialize(b *testing.B) {
	m := benchMessage()
	peers := []peerbench.Peer{{Name: "raw", Run: func(b *testing.B) {
		for b.Loop() {
			if _, err := proto.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	}}}
	for _, c := range encBenchCases {
		peers = append(peers, peerbench.Peer{Name: c.name, Run: func(b *testing.B) {
			s, _, _ := encBench(b, c)
			for b.Loop() {
				if _, _, err := s.Serialize(ctx, "bench", m); err != nil {
					b.Fatal(err)
				}
			}
		}})
	}
	peerbench.Run(b, peers...)
}

func BenchmarkEncryptDeserialize(b *testing.B) {
	body, err := proto.Marshal(benchMessage())
	if err != nil {
		b.Fatal(err)
	}
	peers := []peerbench.Peer{{Name: "raw", Run: func(b *testing.B) {
		for b.Loop() {
			if err := proto.Unmarshal(body, new(srkittestpb.Bench)); err != nil {
				b.Fatal(err)
			}
		}
	}}}
	for _, c := range encBenchCases {
		peers = append(peers, peerbench.Peer{Name: c.name, Run: func(b *testing.B) {
			_, d, payload := encBench(b, c)
			for b.Loop() {
				if _, err := d.Deserialize(ctx, "bench", payload, nil); err != nil {
					b.Fatal(err)
				}
			}
		}})
	}
	peerbench.Run(b, peers...)
}
