package avro_test

import (
	"context"
	"fmt"
	"log"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// exampleClient returns a client for an in-process mock registry.
func exampleClient() *registry.Client {
	reg, err := mockregistry.New(mockregistry.WithFormats(avro.Format()))
	if err != nil {
		log.Fatal(err)
	}
	client, err := reg.Client()
	if err != nil {
		log.Fatal(err)
	}
	return client
}

// Payment is a specific record: the schema is derived from the struct, and
// AvroName gives the record its full name.
type Payment struct {
	ID     string  `avro:"id"`
	Amount float64 `avro:"amount"`
	Note   *string `avro:"note"`
}

func (Payment) AvroName() string { return "com.example.Payment" }

func ExampleNewSerializer() {
	ctx := context.Background()
	client := exampleClient()

	s, err := avro.NewSerializer[Payment](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	payload, _, err := s.Serialize(ctx, "payments", Payment{ID: "p-1", Amount: 12.5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("magic %d, schema id %d, body %x\n", payload[0], payload[4], payload[5:])

	registered, err := client.LatestSchema(ctx, "payments-value")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(registered.Schema.Schema)
	// Output:
	// magic 0, schema id 1, body 06702d31000000000000294000
	// {"type":"record","name":"Payment","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null}]}
}

func ExampleNewDeserializer() {
	ctx := context.Background()
	client := exampleClient()
	s, err := avro.NewSerializer[Payment](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	note := "thanks"
	payload, headers, err := s.Serialize(ctx, "payments", Payment{ID: "p-2", Amount: 7, Note: &note})
	if err != nil {
		log.Fatal(err)
	}

	// Into the struct.
	d, err := avro.NewDeserializer[Payment](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	p, err := d.Deserialize(ctx, "payments", payload, headers)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID, p.Amount, *p.Note)

	// Or generically.
	g, err := avro.NewDeserializer[map[string]any](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	m, err := g.Deserialize(ctx, "payments", payload, headers)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m["id"], m["amount"], m["note"])
	// Output:
	// p-2 7 thanks
	// p-2 7 thanks
}

// A schema given as text is registered with its defaults, so that a later
// version can add fields with defaults under BACKWARD compatibility; a
// reader with a newer schema fills them.
func ExampleWithSchema() {
	ctx := context.Background()
	client := exampleClient()
	v1 := `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"name","type":"string"}]}`
	v2 := `{"type":"record","name":"User","namespace":"com.example","fields":[
	  {"name":"name","type":"string"},{"name":"email","type":"string","default":"none"}]}`

	s, err := avro.NewSerializer[map[string]any](client, serde.Value, avro.WithSchema(v1))
	if err != nil {
		log.Fatal(err)
	}
	old, _, err := s.Serialize(ctx, "users", map[string]any{"name": "Ada"})
	if err != nil {
		log.Fatal(err)
	}
	s2, err := avro.NewSerializer[map[string]any](client, serde.Value, avro.WithSchema(v2))
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := s2.Serialize(ctx, "users", map[string]any{"name": "Bo", "email": "bo@example.com"}); err != nil {
		log.Fatal(err) // v2 is BACKWARD compatible with v1
	}

	d, err := avro.NewDeserializer[map[string]any](client, serde.Value, avro.WithSchema(v2))
	if err != nil {
		log.Fatal(err)
	}
	u, err := d.Deserialize(ctx, "users", old, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u["name"], u["email"])
	// Output: Ada none
}

func ExampleSchema_CheckRead() {
	v1, _ := avro.Parse(`{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`)
	v2, _ := avro.Parse(`{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`)
	for _, m := range v2.CheckRead(v1, "new", "old") {
		fmt.Println(m)
	}
	// Output:
	// {errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}
}

// Shape is an Avro union of two records held in an any field; Circle and
// Square are its branches.
type Shape struct {
	Kind any `avro:"kind"`
}

type Circle struct {
	Radius float64 `avro:"radius"`
}

type Square struct {
	Side float64 `avro:"side"`
}

// A union of two records in a Go struct: WithUnionType maps each named
// branch to its Go type, for the serializer and the deserializer alike, as
// Confluent's Go serializer does with RegisterType.
func ExampleWithUnionType() {
	ctx := context.Background()
	client := exampleClient()
	schema := avro.WithSchema(`{"type":"record","name":"Shape","namespace":"geo","fields":[{"name":"kind","type":[
	  {"type":"record","name":"Circle","fields":[{"name":"radius","type":"double"}]},
	  {"type":"record","name":"Square","fields":[{"name":"side","type":"double"}]}]}]}`)
	circle := avro.WithUnionType("geo.Circle", Circle{})
	square := avro.WithUnionType("geo.Square", Square{})

	s, err := avro.NewSerializer[Shape](client, serde.Value, schema, circle, square)
	if err != nil {
		log.Fatal(err)
	}
	payload, _, err := s.Serialize(ctx, "shapes", Shape{Kind: Square{Side: 2}})
	if err != nil {
		log.Fatal(err)
	}
	d, err := avro.NewDeserializer[Shape](client, serde.Value, circle, square)
	if err != nil {
		log.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "shapes", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%T %+v\n", got.Kind, got.Kind)
	// Output: avro_test.Square {Side:2}
}
