package rulestest

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Fixture is a mock registry with one subject, orders-value, and the
// serializers and deserializers of the fake format over it.
type Fixture struct {
	Client *registry.Client
	IDs    []int // the ids of the registered versions, in order
}

// NewFixture registers schemas as versions 1, 2, ... of subject
// orders-value in a fresh mock registry (compatibility NONE).
func NewFixture(t testing.TB, schemas ...registry.Schema) *Fixture {
	t.Helper()
	mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None))
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Client: client}
	for _, s := range schemas {
		if s.SchemaType == "" {
			s.SchemaType = registry.JSON
		}
		got, err := client.Register(context.Background(), "orders-value", s)
		if err != nil {
			t.Fatal(err)
		}
		f.IDs = append(f.IDs, got.ID)
	}
	return f
}

// Serializer returns a serializer writing with the last registered
// version (UseSchemaID), with opts.
func (f *Fixture) Serializer(t testing.TB, opts ...serde.SerializerOption) *serde.Serializer[Doc] {
	t.Helper()
	opts = append([]serde.SerializerOption{serde.UseSchemaID(f.IDs[len(f.IDs)-1])}, opts...)
	cfg, err := serde.NewSerializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serde.NewSerializer[Doc](f.Client, serde.Value, Codec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Deserializer returns a deserializer with opts.
func (f *Fixture) Deserializer(t testing.TB, opts ...serde.DeserializerOption) *serde.Deserializer[Doc] {
	t.Helper()
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := serde.NewDeserializer[Doc](f.Client, serde.Value, Codec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
