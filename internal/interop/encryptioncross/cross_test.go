package encryptioncross

import (
	"bytes"
	"context"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption" // registers ENCRYPT, ENCRYPT_PAYLOAD
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/localkms"
	cserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

const secret = "cross-client-secret"

type piiRecord struct {
	ID   int64  `avro:"id"`
	SSN  string `avro:"ssn"`
	Scan []byte `avro:"scan"`
	City string `avro:"city"`
}

const piiSchema = `{"type":"record","name":"Pii","namespace":"cross","fields":[{"name":"id","type":"long"},` +
	`{"name":"ssn","type":"string","confluent:tags":["PII"]},{"name":"scan","type":"bytes","confluent:tags":["PII"]},` +
	`{"name":"city","type":"string"}]}`

var record = piiRecord{ID: 7, SSN: "123-45-6789", Scan: []byte("scan-bytes-of-a-document"), City: "London"}

// clients are both clients' serializers and deserializers for one topic.
type clients struct {
	cser   *avrov2.Serializer
	cdeser *avrov2.Deserializer
	ser    *serde.Serializer[piiRecord]
	deser  *serde.Deserializer[piiRecord]
}

func setup(t *testing.T, srv *mockregistry.Server, topic string, rs schemaregistry.RuleSet) *clients {
	t.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.Register(topic+"-value", schemaregistry.SchemaInfo{Schema: piiSchema, SchemaType: "AVRO", RuleSet: &rs}, false); err != nil {
		t.Fatal(err)
	}
	sc := avrov2.NewSerializerConfig()
	sc.AutoRegisterSchemas, sc.UseLatestVersion = false, true
	sc.RuleConfig = map[string]string{"secret": secret}
	cser, err := avrov2.NewSerializer(c, cserde.ValueSerde, sc)
	if err != nil {
		t.Fatal(err)
	}
	dc := avrov2.NewDeserializerConfig()
	dc.RuleConfig = map[string]string{"secret": secret}
	cdeser, err := avrov2.NewDeserializer(c, cserde.ValueSerde, dc)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := encryption.New(rc, encryption.WithKMS(localkms.New(secret)))
	if err != nil {
		t.Fatal(err)
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)
	ser, err := avro.NewSerializer[piiRecord](rc, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	if err != nil {
		t.Fatal(err)
	}
	deser, err := avro.NewDeserializer[piiRecord](rc, serde.Value, rules)
	if err != nil {
		t.Fatal(err)
	}
	return &clients{cser: cser, cdeser: cdeser, ser: ser, deser: deser}
}

func rule(typ string, tags []string, params map[string]string) schemaregistry.Rule {
	p := map[string]string{"encrypt.kek.name": "cross-kek", "encrypt.kms.type": "local-kms", "encrypt.kms.key.id": "cross-key"}
	for k, v := range params {
		p[k] = v
	}
	return schemaregistry.Rule{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: typ, Tags: tags, Params: p, OnFailure: "ERROR"}
}

func TestCrossClientEncryption(t *testing.T) {
	ctx := context.Background()
	srv := mockregistry.StartServer(t) // one server: Confluent's executor keeps the first registry it meets
	cases := []struct {
		name          string
		rs            schemaregistry.RuleSet
		deterministic bool
	}{
		{"payload AES256_GCM", schemaregistry.RuleSet{EncodingRules: []schemaregistry.Rule{rule("ENCRYPT_PAYLOAD", nil, nil)}}, false},
		{"payload AES128_GCM rotated", schemaregistry.RuleSet{EncodingRules: []schemaregistry.Rule{rule("ENCRYPT_PAYLOAD", nil,
			map[string]string{"encrypt.dek.algorithm": "AES128_GCM", "encrypt.dek.expiry.days": "30"})}}, false},
		{"payload AES256_SIV rotated", schemaregistry.RuleSet{EncodingRules: []schemaregistry.Rule{rule("ENCRYPT_PAYLOAD", nil,
			map[string]string{"encrypt.dek.algorithm": "AES256_SIV", "encrypt.dek.expiry.days": "30"})}}, true},
		{"fields AES256_GCM", schemaregistry.RuleSet{DomainRules: []schemaregistry.Rule{rule("ENCRYPT", []string{"PII"}, nil)}}, false},
		{"fields AES256_SIV rotated", schemaregistry.RuleSet{DomainRules: []schemaregistry.Rule{rule("ENCRYPT", []string{"PII"},
			map[string]string{"encrypt.dek.algorithm": "AES256_SIV", "encrypt.dek.expiry.days": "30"})}}, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topic := "cross-" + string(rune('a'+i))
			cl := setup(t, srv, topic, c.rs)
			// Confluent writes first (it creates the KEK and the DEK), srkit
			// reads. (Confluent's Go serializer encrypts the fields of the
			// value it is given in place: give it a copy.)
			in := record
			in.Scan = bytes.Clone(record.Scan)
			theirs, err := cl.cser.Serialize(topic, &in)
			if err != nil {
				t.Fatalf("Confluent serialize: %v", err)
			}
			if bytes.Contains(theirs, []byte(record.SSN)) {
				t.Fatal("Confluent wrote the SSN in the clear")
			}
			got, err := cl.deser.Deserialize(ctx, topic, theirs, nil)
			if err != nil || got.SSN != record.SSN || !bytes.Equal(got.Scan, record.Scan) || got.City != record.City {
				t.Fatalf("srkit read Confluent's record: %+v, %v", got, err)
			}
			// srkit writes, Confluent reads.
			ours, _, err := cl.ser.Serialize(ctx, topic, record)
			if err != nil {
				t.Fatalf("srkit serialize: %v", err)
			}
			if bytes.Contains(ours, []byte(record.SSN)) || bytes.Contains(ours, record.Scan) {
				t.Fatal("srkit wrote PII in the clear")
			}
			var back piiRecord
			if err := cl.cdeser.DeserializeInto(topic, ours, &back); err != nil || back.SSN != record.SSN || !bytes.Equal(back.Scan, record.Scan) {
				t.Fatalf("Confluent read srkit's record: %+v, %v", back, err)
			}
			// With the deterministic algorithm both write the same bytes.
			if c.deterministic && !bytes.Equal(ours, theirs) {
				t.Fatalf("AES256_SIV bytes differ:\nsrkit     %x\nConfluent %x", ours, theirs)
			}
		})
	}
}
