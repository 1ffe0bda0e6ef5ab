// Avro subject-name strategies across the two clients: with
// RecordNameStrategy and TopicRecordNameStrategy (srkit's
// serde.RecordNameStrategy / serde.TopicRecordNameStrategy, Confluent's
// RecordNameStrategyType / TopicRecordNameStrategyType), for keys and
// values, both serializers pick the same subject from the record's full
// name, register one version there and write identical bytes, and each
// deserializer reads the other's.
package interop

import (
	"context"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

var customerKeySchema = havro.MustParse(`{"type":"record","name":"CustomerKey","namespace":"com.example.keys",
	"fields":[{"name":"tenant","type":"string"},{"name":"customerId","type":"long"}]}`)

// avCustomerKey carries its schema (a namespaced record), as avrov2
// expects and srkit's avro.Schemer accepts.
type avCustomerKey struct {
	Tenant     string `avro:"tenant"`
	CustomerID int64  `avro:"customerId"`
}

// Schema implements avro.Schemer and avrov2's schema interface.
func (avCustomerKey) Schema() havro.Schema { return customerKeySchema }

func TestAvroInteropSubjectNameStrategies(t *testing.T) {
	strategies := []struct {
		name    string
		ckg     serde.SubjectNameStrategyType
		sr      srserde.SubjectNameStrategy
		subject string
	}{
		{"record", serde.RecordNameStrategyType, srserde.RecordNameStrategy, "com.example.keys.CustomerKey"},
		{"topic-record", serde.TopicRecordNameStrategyType, srserde.TopicRecordNameStrategy, "accounts-com.example.keys.CustomerKey"},
	}
	parts := []struct {
		ckg serde.Type
		sr  srserde.Part
	}{{serde.KeySerde, srserde.Key}, {serde.ValueSerde, srserde.Value}}
	for _, st := range strategies {
		for _, part := range parts {
			t.Run(st.name+"/"+part.sr.String(), func(t *testing.T) {
				ctx := context.Background()
				c, client := interoptest.BothClients(t)
				in := avCustomerKey{Tenant: "acme", CustomerID: 42}

				cfg := avrov2.NewSerializerConfig()
				cfg.SubjectNameStrategyType = st.ckg
				theirSer, err := avrov2.NewSerializer(c, part.ckg, cfg)
				if err != nil {
					t.Fatal(err)
				}
				theirs, err := theirSer.Serialize("accounts", &in)
				if err != nil {
					t.Fatal(err)
				}
				s, err := avro.NewSerializer[avCustomerKey](client, part.sr, srserde.WithSubjectNameStrategy(st.sr))
				if err != nil {
					t.Fatal(err)
				}
				ours, _, err := s.Serialize(ctx, "accounts", in)
				if err != nil {
					t.Fatal(err)
				}
				if string(ours) != string(theirs) {
					t.Fatalf("bytes differ:\n srkit % x\n ckg   % x", ours, theirs)
				}
				subjects, err := client.Subjects(ctx)
				if err != nil || len(subjects) != 1 || subjects[0] != st.subject {
					t.Fatalf("subjects %v, %v; want only %s", subjects, err, st.subject)
				}
				if vs, err := client.Versions(ctx, st.subject); err != nil || len(vs) != 1 {
					t.Fatalf("versions %v, %v", vs, err)
				}

				d, err := avro.NewDeserializer[avCustomerKey](client, part.sr, srserde.WithSubjectNameStrategy(st.sr))
				if err != nil {
					t.Fatal(err)
				}
				if got, err := d.Deserialize(ctx, "accounts", theirs, nil); err != nil || got != in {
					t.Fatalf("srkit reading confluent-kafka-go: %+v, %v", got, err)
				}
				dcfg := avrov2.NewDeserializerConfig()
				dcfg.SubjectNameStrategyType = st.ckg
				theirDe, err := avrov2.NewDeserializer(c, part.ckg, dcfg)
				if err != nil {
					t.Fatal(err)
				}
				var back avCustomerKey
				if err := theirDe.DeserializeInto("accounts", ours, &back); err != nil || back != in {
					t.Fatalf("confluent-kafka-go reading srkit: %+v, %v", back, err)
				}
			})
		}
	}
}
