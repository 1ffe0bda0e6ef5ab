package avro_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Event carries its own hamba schema, as Confluent's Go serializer expects
// of specific types.
type Event struct {
	Kind  string `avro:"kind"`
	Count int32  `avro:"count"`
}

var eventSchema = havro.MustParse(`{"type":"record","name":"Event","namespace":"com.example","doc":"an event",
  "fields":[{"name":"kind","type":"string"},{"name":"count","type":"int","default":1}]}`)

func (Event) Schema() havro.Schema { return eventSchema }

// TestSchemerRegistration: a type's Schema method supplies the schema; the
// serializer registers its full JSON, or with CanonicalSchemaText its
// canonical String(), as Confluent's Go serializer does.
func TestSchemerRegistration(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	b := serialize(t, client, "events", Event{Kind: "click", Count: 3}, avro.CanonicalSchemaText())
	reg, err := client.LatestSchema(ctx, "events-value")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"Event","namespace":"com.example","fields":[{"name":"kind","type":"string"},{"name":"count","type":"int"}]}`; reg.Schema.Schema != want {
		t.Errorf("registered with CanonicalSchemaText %s\nwant %s", reg.Schema.Schema, want)
	}
	if got := deserialize[Event](t, client, "events", b); got != (Event{"click", 3}) {
		t.Errorf("got %+v", got)
	}

	serialize(t, client, "events2", Event{Kind: "view"})
	reg, err = client.LatestSchema(ctx, "events2-value")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"Event","namespace":"com.example","doc":"an event","fields":[{"name":"kind","type":"string"},{"name":"count","type":"int","default":1}]}`; reg.Schema.Schema != want {
		t.Errorf("registered %s\nwant %s", reg.Schema.Schema, want)
	}
}

// TestUseLatestSpecific reads old data into a struct through the subject's
// latest schema.
func TestUseLatestSpecific(t *testing.T) {
	client := startRegistry(t)
	b1 := serialize(t, client, "u", UserV1{ID: 1, Name: "Ada"}, avro.WithSchema(userV1))
	serialize(t, client, "u", UserV2{ID: 2, Name: "Bo", Email: "bo@example.com"}, avro.WithSchema(userV2))
	if got := deserialize[UserV2](t, client, "u", b1, serde.UseLatest()); got != (UserV2{1, "Ada", "unknown"}) {
		t.Errorf("got %+v", got)
	}
	// Writing with the latest schema.
	b := serialize(t, client, "u", UserV2{ID: 3, Name: "Cy", Email: "cy@example.com"}, serde.UseLatest())
	if got := deserialize[UserV1](t, client, "u", b); got != (UserV1{3, "Cy"}) {
		t.Errorf("got %+v", got)
	}
	// A struct that lacks a field the latest schema requires cannot be
	// written with it.
	s, err := avro.NewSerializer[UserV3](client, serde.Value, serde.UseLatest())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(context.Background(), "u", UserV3{ID: 4}); !errors.Is(err, avro.ErrUnsupportedType) {
		t.Errorf("got %v", err)
	}
}

// TestConcurrentUse serializes and deserializes from many goroutines at
// once (run with -race).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	s, err := avro.NewSerializer[Order](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	d, err := avro.NewDeserializer[Order](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	g, err := avro.NewDeserializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := sampleOrder()
			o.Customer = int64(i)
			for range 50 {
				b, _, err := s.Serialize(ctx, "orders", o)
				if err != nil {
					errs <- err
					return
				}
				got, err := d.Deserialize(ctx, "orders", b, nil)
				if err != nil || got.Customer != int64(i) {
					errs <- errors.Join(err, errors.New("wrong value"))
					return
				}
				if _, err := g.Deserialize(ctx, "orders", b, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestUnknownSchema: a message naming a schema the registry does not have.
func TestUnknownSchema(t *testing.T) {
	client := startRegistry(t)
	d, err := avro.NewDeserializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Deserialize(context.Background(), "t", []byte{0, 0, 0, 0, 99, 2}, nil)
	if !errors.Is(err, serde.ErrUnknownSchema) || !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Errorf("got %v", err)
	}
	_, err = d.Deserialize(context.Background(), "t", []byte{7}, nil)
	if !errors.Is(err, serde.ErrUnknownMagicByte) {
		t.Errorf("got %v", err)
	}
}

// SrkitSchemaEvent has a Schema method returning srkit's own avro.Schema:
// it compiles (the README once suggested `Schema() avro.Schema` for hamba's
// type, with srkit's package imported as avro) but is not hamba's type.
type SrkitSchemaEvent struct {
	Kind string `avro:"kind"`
}

func (SrkitSchemaEvent) Schema() avro.Schema { return avro.Schema{} }

// TextSchemaEvent returns the schema as text.
type TextSchemaEvent struct {
	Kind string `avro:"kind"`
}

func (TextSchemaEvent) Schema() string { return `"string"` }

// PtrSchemaEvent has the method on its pointer.
type PtrSchemaEvent struct {
	Kind string `avro:"kind"`
}

func (*PtrSchemaEvent) Schema() *avro.Schema { return nil }

// TestUnusableSchemaMethod is the regression for issue 12 item 5: a type
// whose Schema method has another signature than Schemer's is refused by
// both constructors, with an error naming the accepted signature, rather
// than having its schema silently derived instead.
func TestUnusableSchemaMethod(t *testing.T) {
	client := startRegistry(t)
	check := func(name string, serErr, deserErr error) {
		t.Helper()
		for _, err := range []error{serErr, deserErr} {
			if !errors.Is(err, avro.ErrUnsupportedType) || !strings.Contains(err.Error(), "Schema() github.com/hamba/avro/v2.Schema") ||
				!strings.Contains(err.Error(), "avro.WithSchema") {
				t.Errorf("%s: got %v", name, err)
			}
		}
	}
	_, serErr := avro.NewSerializer[SrkitSchemaEvent](client, serde.Value)
	_, deserErr := avro.NewDeserializer[SrkitSchemaEvent](client, serde.Value)
	check("srkit's avro.Schema", serErr, deserErr)
	_, serErr = avro.NewSerializer[TextSchemaEvent](client, serde.Value)
	_, deserErr = avro.NewDeserializer[TextSchemaEvent](client, serde.Value)
	check("string", serErr, deserErr)
	_, serErr = avro.NewSerializer[PtrSchemaEvent](client, serde.Value)
	_, deserErr = avro.NewDeserializer[*PtrSchemaEvent](client, serde.Value)
	check("pointer receiver", serErr, deserErr)

	// Given a schema explicitly, the method does not matter.
	schema := `{"type":"record","name":"E","fields":[{"name":"kind","type":"string"}]}`
	if _, err := avro.NewSerializer[SrkitSchemaEvent](client, serde.Value, avro.WithSchema(schema)); err != nil {
		t.Errorf("with WithSchema: %v", err)
	}
	if _, err := avro.NewDeserializer[TextSchemaEvent](client, serde.Value, avro.WithSchema(schema)); err != nil {
		t.Errorf("with WithSchema: %v", err)
	}
	// Generic readers have no method to consult.
	if _, err := avro.NewDeserializer[any](client, serde.Value); err != nil {
		t.Errorf("any: %v", err)
	}
}
