package avro_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// By default a serializer registers the full schema, defaults included;
// CanonicalSchemaText registers hamba's canonical form instead, the exact
// text Confluent's Go serializer (confluent-kafka-go's avrov2) registers,
// so that both register the same version of a shared subject.
func ExampleCanonicalSchemaText() {
	ctx := context.Background()
	client := exampleClient()
	for _, c := range []struct {
		topic string
		opts  []serde.SerializerOption
	}{
		{"full", nil},
		{"canonical", []serde.SerializerOption{avro.CanonicalSchemaText()}},
	} {
		s, err := avro.NewSerializer[Payment](client, serde.Value, c.opts...)
		if err != nil {
			log.Fatal(err)
		}
		if _, _, err := s.Serialize(ctx, c.topic, Payment{ID: "p-1"}); err != nil {
			log.Fatal(err)
		}
		registered, err := client.LatestSchema(ctx, c.topic+"-value")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.topic+":", registered.Schema.Schema)
	}
	// Output:
	// full: {"type":"record","name":"Payment","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null}]}
	// canonical: {"type":"record","name":"Payment","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"]}]}
}

// A schema that uses a type of another subject parses with that schema as
// a dependency (reference name = the type's full name).
func ExampleParse() {
	address := compat.Dependency{Name: "com.example.Address", Subject: "address-value", Version: 1,
		Schema: registry.Schema{Schema: `{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"city","type":"string"}]}`}}
	s, err := avro.Parse(`{"type":"record","name":"Customer","namespace":"com.example","fields":[
	  {"name":"name","type":"string"},{"name":"home","type":"Address"}]}`, address)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.FullName())
	fmt.Println(s.Canonical())
	_, err = avro.Parse(`{"type":"record","name":"Customer","fields":[{"name":"home","type":"com.example.Address"}]}`)
	fmt.Println(errors.Is(err, avro.ErrInvalidSchema))
	// Output:
	// com.example.Customer
	// {"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"name","type":"string"},{"name":"home","type":"Address"}]}
	// true
}

// Compare lists why a reader schema cannot read a writer's data, as values;
// none when it can.
func ExampleCompare() {
	v1, _ := avro.Parse(`{"type":"record","name":"User","fields":[{"name":"id","type":"int"}]}`)
	v2, _ := avro.Parse(`{"type":"record","name":"User","fields":[{"name":"id","type":"long"},
	  {"name":"email","type":"string"},{"name":"plan","type":"string","default":"free"}]}`)
	for _, d := range avro.Compare(v2, v1) { // can v2 read v1's data?
		fmt.Println(d.Type, d.Path, d.Detail, d.Type.Compatible())
	}
	fmt.Println(len(avro.Compare(v1, v2))) // v1 reads v2's data: int from long is not allowed
	// Output:
	// READER_FIELD_MISSING_DEFAULT_VALUE /fields/1 email false
	// 1
}

// DeriveSchema shows the schema a serializer derives from a Go type (and
// registers): pointer fields are nullable unions defaulting to null.
func ExampleDeriveSchema() {
	schema, err := avro.DeriveSchema(reflect.TypeFor[Payment]())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(schema)
	// Output:
	// {"name":"com.example.Payment","type":"record","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null}]}
}

// WithLimits bounds what one message may hold and cost; a message beyond
// a limit fails with an error that names it.
func ExampleWithLimits() {
	ctx := context.Background()
	client := exampleClient()
	schema := avro.WithSchema(`{"type":"array","items":"long"}`)
	s, err := avro.NewSerializer[[]int64](client, serde.Value, schema)
	if err != nil {
		log.Fatal(err)
	}
	payload, _, err := s.Serialize(ctx, "batches", make([]int64, 1000))
	if err != nil {
		log.Fatal(err)
	}
	d, err := avro.NewDeserializer[[]int64](client, serde.Value, avro.WithLimits(avro.Limits{MaxItems: 100}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = d.Deserialize(ctx, "batches", payload, nil)
	var limit *avro.LimitError
	fmt.Println(errors.Is(err, avro.ErrInvalidData), errors.As(err, &limit) && limit.Limit == "MaxItems")
	fmt.Println(err)
	// Output:
	// true true
	// serde: decoding value of topic "batches" with schema id 1: avro: invalid data: the number of array items and map entries in the message exceeds Limits.MaxItems = 100 (raise it with avro.WithLimits)
}
