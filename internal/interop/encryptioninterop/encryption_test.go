package encryptioninterop

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption" // registers ENCRYPT
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/deks"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/localkms"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/mockregistry"
)

// Confluent's own encryption executor (field-level ENCRYPT) runs against
// the mock's DEK Registry: under a shared KEK the mock makes the DEK, and
// the executor must be able to use the key material (Tink parses it for
// each algorithm); under a local-kms KEK the executor makes and wraps the
// DEK itself and stores it in the mock.

type piiRecord struct {
	ID  int64  `avro:"id"`
	SSN string `avro:"ssn"`
}

const (
	piiSchema = `{"type":"record","name":"Pii","fields":[{"name":"id","type":"long"},{"name":"ssn","type":"string","confluent:tags":["PII"]}]}`
	ssn       = "123-45-6789"
)

// roundTrip registers piiSchema under topic-value with an ENCRYPT rule of
// params, writes a record with Confluent's serializer and reads it back.
func roundTrip(t *testing.T, srv *mockregistry.Server, topic string, params map[string]string) []byte {
	t.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	rule := schemaregistry.Rule{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT",
		Tags: []string{"PII"}, Params: params, OnFailure: "ERROR,NONE"}
	info := schemaregistry.SchemaInfo{Schema: piiSchema, SchemaType: "AVRO",
		RuleSet: &schemaregistry.RuleSet{DomainRules: []schemaregistry.Rule{rule}}}
	if _, err := c.Register(topic+"-value", info, false); err != nil {
		t.Fatalf("Register: %v", err)
	}
	sc := avrov2.NewSerializerConfig()
	sc.AutoRegisterSchemas, sc.UseLatestVersion = false, true
	sc.RuleConfig = map[string]string{"secret": "mysecret"}
	ser, err := avrov2.NewSerializer(c, serde.ValueSerde, sc)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := ser.Serialize(topic, &piiRecord{ID: 7, SSN: ssn})
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	if bytes.Contains(payload, []byte(ssn)) {
		t.Fatalf("the tagged field is in the clear: %q", payload)
	}
	dc := avrov2.NewDeserializerConfig()
	dc.RuleConfig = map[string]string{"secret": "mysecret"}
	deser, err := avrov2.NewDeserializer(c, serde.ValueSerde, dc)
	if err != nil {
		t.Fatal(err)
	}
	var got piiRecord
	if err := deser.DeserializeInto(topic, payload, &got); err != nil || got != (piiRecord{ID: 7, SSN: ssn}) {
		t.Fatalf("DeserializeInto = %+v, %v", got, err)
	}
	return payload
}

// Confluent's executor is configured once per process (with the first
// registry URL it sees), so every encryption case shares one server.
func TestConfluentEncryption(t *testing.T) {
	srv := mockregistry.StartServer(t)
	dc, err := deks.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dc.RegisterKek("shared", "aws-kms", "arn:aws:kms:us-east-1:1:key/k", nil, "", true); err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"AES128_GCM", "AES256_GCM", "AES256_SIV"} {
		t.Run("shared "+alg, func(t *testing.T) {
			topic := "shared-" + alg
			params := map[string]string{"encrypt.kek.name": "shared", "encrypt.dek.algorithm": alg}
			p1 := roundTrip(t, srv, topic, params)
			p2 := roundTrip(t, srv, topic, params)
			// AES256_SIV is deterministic; GCM draws a nonce per message.
			if deterministic := alg == "AES256_SIV"; bytes.Equal(p1, p2) != deterministic {
				t.Fatalf("two writes of one record: equal=%v, want %v", bytes.Equal(p1, p2), deterministic)
			}
			dek, err := dc.GetDekVersion("shared", topic+"-value", -1, alg, false)
			if err != nil || dek.Version != 1 || dek.KeyMaterial == "" || dek.EncryptedKeyMaterial != "" {
				t.Fatalf("DEK = %+v, %v", dek, err)
			}
		})
	}
	t.Run("local-kms", func(t *testing.T) {
		roundTrip(t, srv, "local", map[string]string{"encrypt.kek.name": "local1", "encrypt.kms.type": "local-kms", "encrypt.kms.key.id": "mykey"})
		kek, err := dc.GetKek("local1", false)
		if err != nil || kek.KmsType != "local-kms" || kek.KmsKeyID != "mykey" || kek.Shared {
			t.Fatalf("KEK the executor made = %+v, %v", kek, err)
		}
		dek, err := dc.GetDek("local1", "local-value", "AES256_GCM", false)
		if err != nil || dek.KeyMaterial != "" {
			t.Fatalf("DEK the executor made = %+v, %v", dek, err)
		}
		if raw, err := base64.StdEncoding.DecodeString(dek.EncryptedKeyMaterial); err != nil || len(raw) == 0 {
			t.Fatalf("encryptedKeyMaterial %q: %v", dek.EncryptedKeyMaterial, err)
		}
	})
}
