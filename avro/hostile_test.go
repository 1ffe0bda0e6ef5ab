package avro_test

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// decodeWithin runs decode in a goroutine and fails the test if it has not
// returned after d: a hang is a failure, not a stuck test run.
func decodeWithin(t *testing.T, d time.Duration, decode func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- decode() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("decoding did not return within %v", d)
		return nil
	}
}

// TestSkippedArrayHugeBlockCount is the regression for issue 10 item 1: a
// 16-byte record written with v2 (id, tags) and read with v1 (id) skips
// tags, whose block count claims 2^62 items. hamba's resolver looped over
// them for good; the read must fail fast with ErrInvalidData.
func TestSkippedArrayHugeBlockCount(t *testing.T) {
	v2 := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"long"}}]}`
	v1 := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`
	type orderV1 struct {
		ID int64 `avro:"id"`
	}
	ctx := context.Background()
	client := startRegistry(t)
	id, err := client.Register(ctx, "orders-value", registry.Schema{Schema: v2})
	if err != nil {
		t.Fatal(err)
	}
	// 00 + 4-byte ID, id = 1, tags block count = 2^62 (zig-zag varint, 10 bytes).
	body, _ := hex.DecodeString("02" + "80808080808080808001")
	payload := append([]byte{0, 0, 0, 0, byte(id.ID)}, body...)
	if len(payload) != 16 {
		t.Fatalf("payload is %d bytes", len(payload))
	}
	d, err := avro.NewDeserializer[orderV1](client, serde.Value, avro.WithSchema(v1))
	if err != nil {
		t.Fatal(err)
	}
	err = decodeWithin(t, 5*time.Second, func() error {
		_, err := d.Deserialize(ctx, "orders", payload, nil)
		return err
	})
	if !errors.Is(err, avro.ErrInvalidData) {
		t.Fatalf("got %v, want ErrInvalidData", err)
	}
}
