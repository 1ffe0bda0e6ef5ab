package producer_test

import (
	"context"
	"fmt"
	"log"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// Greeting is the value type of the examples.
type Greeting struct {
	To   string `avro:"to"`
	Text string `avro:"text"`
}

// exampleSetup starts an in-process Kafka with a one-partition topic and
// the mock registry; in production these are your cluster and registry.
func exampleSetup() (*kgo.Client, *mockregistry.Server, func()) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "greetings", "greetings.dlq"))
	if err != nil {
		log.Fatal(err)
	}
	reg, err := mockregistry.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		log.Fatal(err)
	}
	return cl, reg, func() { cl.Close(); reg.Close(); cluster.Close() }
}

func ExampleNew() {
	cl, reg, stop := exampleSetup()
	defer stop()
	rc, _ := reg.Client() // registry.New(registry.URLs("https://..."), registry.BasicAuth(key, secret))
	ser, err := avro.NewSerializer[Greeting](rc, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	p, err := producer.New(cl, producer.String(), ser)
	if err != nil {
		log.Fatal(err)
	}
	res, err := p.Produce(context.Background(), "greetings", "ada", Greeting{To: "Ada", Text: "hello"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("acknowledged: %s/%d at offset %d\n", res.Topic, res.Partition, res.Offset)
	// Output: acknowledged: greetings/0 at offset 0
}

func ExampleProducer_ProduceAsync() {
	cl, reg, stop := exampleSetup()
	defer stop()
	rc, _ := reg.Client()
	ser, _ := avro.NewSerializer[Greeting](rc, serde.Value)
	p, _ := producer.New(cl, producer.String(), ser)

	ctx := context.Background()
	for _, to := range []string{"Ada", "Grace", "Linus"} {
		// Returns once the record is buffered; the callback reports the
		// acknowledgement (on franz-go's promise goroutine).
		err := p.ProduceAsync(ctx, "greetings", to, Greeting{To: to, Text: "hi"}, func(res producer.Result, err error) {
			if err != nil {
				log.Printf("greeting to %s lost: %v", to, err)
			}
		})
		if err != nil { // the value did not serialize
			log.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	offsets, _ := kadm.NewClient(cl).ListEndOffsets(ctx, "greetings")
	end, _ := offsets.Lookup("greetings", 0)
	fmt.Println("records in the topic:", end.Offset)
	// Output: records in the topic: 3
}

func ExampleProducer_Send() {
	cl, reg, stop := exampleSetup()
	defer stop()
	rc, _ := reg.Client()
	ser, _ := avro.NewSerializer[Greeting](rc, serde.Value)
	p, _ := producer.New(cl, producer.String(), ser)

	// In an HTTP handler: pass the request's context, answer at once; the
	// record is delivered after the handler returns.
	fut, err := p.Send(context.Background(), "greetings", "grace", Greeting{To: "Grace", Text: "welcome"})
	if err != nil {
		log.Fatal(err)
	}
	// Later, or in another goroutine:
	res, err := fut.Wait(context.Background())
	fmt.Println(res.Offset, err)
	// Output: 0 <nil>
}

func ExampleDeadLetterTopic() {
	cl, reg, stop := exampleSetup()
	defer stop()
	rc, _ := reg.Client()
	// Text must be one of the enum's symbols.
	ser, _ := avro.NewSerializer[Greeting](rc, serde.Value, avro.WithSchema(`{"type":"record","name":"Greeting","fields":[
		{"name":"to","type":"string"},
		{"name":"text","type":{"type":"enum","name":"Text","symbols":["hello","hi"]}}]}`))
	p, _ := producer.New(cl, producer.String(), ser, producer.DeadLetterTopic("greetings.dlq"))

	res, err := p.Produce(context.Background(), "greetings", "x", Greeting{To: "X", Text: "not a symbol"})
	fmt.Println(err == nil, res.Topic, res.DeadLetter != nil)
	// Output: true greetings.dlq true
}

// A plain kgo client, without a Producer: serde.HeadersAs hands the
// serializer's headers (the schema GUID, when it travels in a header) to
// kgo without copying.
func Example_kgoProduce() {
	cl, reg, stop := exampleSetup()
	defer stop()
	rc, _ := reg.Client()
	ser, _ := avro.NewSerializer[Greeting](rc, serde.Value, serde.WithPlacement(serde.HeaderGUID))

	ctx := context.Background()
	payload, hs, err := ser.Serialize(ctx, "greetings", Greeting{To: "Ada", Text: "hello"})
	if err != nil {
		log.Fatal(err)
	}
	r := &kgo.Record{Topic: "greetings", Key: []byte("ada"), Value: payload, Headers: serde.HeadersAs[kgo.RecordHeader](hs)}
	if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("offset", r.Offset, "header", r.Headers[0].Key)
	// Output: offset 0 header __value_schema_id
}
