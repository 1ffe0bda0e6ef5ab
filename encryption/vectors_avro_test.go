package encryption_test

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/serde"
)

func TestVectorAvroPayload(t *testing.T) {
	v := loadVector(t, "avro_encrypt_payload")
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
}
