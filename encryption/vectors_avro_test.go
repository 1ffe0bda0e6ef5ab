package encryption_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/serde"
)

// The Avro vectors Confluent's Go client wrote decode to expected_decoded
// with the file's KMS secret and DEKs.
func TestVectorsAvro(t *testing.T) {
	for _, name := range []string{"avro_encrypt_payload", "avro_encrypt_aes256gcm", "avro_encrypt_aes256siv", "avro_encrypt_dek_rotation"} {
		t.Run(name, func(t *testing.T) {
			v := loadVector(t, name)
			client, enc := v.serve(t)
			d, err := avro.NewDeserializer[any](client, serde.Value, serde.WithRuleExecutors(enc.Executors()...), strictRead)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(context.Background(), v.Topic, v.payload(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, avroJSON(got), v.ExpectedDecoded)
		})
	}
}

// AES256_SIV is deterministic: srkit re-encrypts the vector's value to
// Confluent's bytes exactly.
func TestVectorAvroSIVReencrypts(t *testing.T) {
	v := loadVector(t, "avro_encrypt_aes256siv")
	client, enc := v.serve(t)
	var value map[string]any
	if err := json.Unmarshal(v.Value, &value); err != nil {
		t.Fatal(err)
	}
	// The vectors' JSON mapping to hamba's generic values.
	value["id"] = int64(value["id"].(float64))
	photo, _ := base64.StdEncoding.DecodeString(value["photo"].(string))
	value["photo"] = photo
	s, err := avro.NewSerializer[any](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(context.Background(), v.Topic, value)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, v.payload(t)) {
		t.Fatalf("re-encrypted\n %x\nConfluent wrote\n %x", b, v.payload(t))
	}
}

func TestVectorJSON(t *testing.T) {
	v := loadVector(t, "json_encrypt_aes256gcm")
	client, enc := v.serve(t)
	d, err := jsonschema.NewDeserializer[any](client, serde.Value, serde.WithRuleExecutors(enc.Executors()...), strictRead)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(context.Background(), v.Topic, v.payload(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, got, v.ExpectedDecoded)
}
