package serde

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
)

// stringCodec reads any Avro-typed body as a string.
type stringCodec struct{}

type stringDecoder struct{}

func (stringDecoder) Decode(b []byte, v *string) error { *v = string(b); return nil }

func (stringCodec) SchemaType() registry.SchemaType                   { return registry.Avro }
func (stringCodec) UsesMessageIndexes() bool                          { return false }
func (stringCodec) RecordName(*ResolvedSchema, []int) (string, error) { return "", nil }
func (stringCodec) Decoder(context.Context, *ResolvedSchema, []int, *ResolvedSchema) (Decoder[string], error) {
	return stringDecoder{}, nil
}

// TestDeserializerCacheBounded: a deserializer that meets many writer
// schemas keeps at most its capacity of them (regression: the schema map
// grew for good and copied itself on every new schema).
func TestDeserializerCacheBounded(t *testing.T) {
	v := &vectortest.Vector{Name: "many"}
	for id := 1; id <= 300; id++ {
		v.Registry = append(v.Registry, vectortest.Registered{SubjectSchema: registry.SubjectSchema{Subject: "t-value", Version: id, ID: id, Schema: registry.Schema{Schema: `"string"`}}})
	}
	client, _ := vectortest.ServeCounting(t, v)
	cfg, _ := NewDeserializerConfig(registry.Avro, CacheCapacity(20))
	d, err := NewDeserializer[string](client, Value, stringCodec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, 6)
	for id := 1; id <= 300; id++ {
		msg[0] = 0
		binary.BigEndian.PutUint32(msg[1:5], uint32(id))
		msg[5] = 'x'
		if s, err := d.Deserialize(context.Background(), "t", msg, nil); err != nil || s != "x" {
			t.Fatalf("id %d: %q %v", id, s, err)
		}
	}
	if n := d.schemas.m.Len(); n > 20+2 || n < 10 {
		t.Fatalf("keeps %d writer schemas with capacity 20", n)
	}
}
