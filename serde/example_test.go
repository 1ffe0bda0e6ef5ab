package serde_test

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// textCodec is a schema format of its own: strings written as the Avro
// schema "string" but in raw UTF-8 (no length prefix), to show the two
// codec interfaces a format implements.
type textCodec struct{}

type textEncoder struct{}

func (textEncoder) AppendEncode(dst []byte, v string) ([]byte, error) { return append(dst, v...), nil }

type textDecoder struct{}

func (textDecoder) Decode(body []byte, v *string) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("text: invalid UTF-8")
	}
	*v = string(body)
	return nil
}

func (textCodec) SchemaType() registry.SchemaType { return registry.Avro }
func (textCodec) UsesMessageIndexes() bool        { return false }
func (textCodec) SchemaKey(string) any            { return nil }
func (textCodec) Schema(context.Context, string) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: `"string"`}}}, "", nil
}
func (textCodec) Encoder(context.Context, *serde.ResolvedSchema, string) (serde.Encoder[string], []int, error) {
	return textEncoder{}, nil, nil
}
func (textCodec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "", nil }
func (textCodec) Decoder(context.Context, *serde.ResolvedSchema, []int, *serde.ResolvedSchema) (serde.Decoder[string], error) {
	return textDecoder{}, nil
}

// ExampleNewSerializer plugs a schema format of your own into serde: the
// codec supplies the schema and the body, serde does registration, the wire
// format and caching.
func ExampleNewSerializer() {
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	ctx := context.Background()

	cfg, err := serde.NewSerializerConfig(registry.Avro)
	if err != nil {
		panic(err)
	}
	s, _ := serde.NewSerializer[string](client, serde.Value, textCodec{}, cfg)
	payload, _, err := s.Serialize(ctx, "greetings", "héllo")
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", payload)

	dcfg, _ := serde.NewDeserializerConfig(registry.Avro)
	d, _ := serde.NewDeserializer[string](client, serde.Value, textCodec{}, dcfg)
	v, err := d.Deserialize(ctx, "greetings", payload, nil)
	fmt.Println(v, err)
	// Output:
	// 00 00 00 00 01 68 c3 a9 6c 6c 6f
	// héllo <nil>
}

// ExampleSubjectNameStrategy names subjects by a rule of your own: here one
// subject per topic prefix, "<team>.<topic>-value" → "<team>-value".
func ExampleSubjectNameStrategy() {
	byTeam := func(_ context.Context, topic string, part serde.Part, _ string) (string, error) {
		team, _, ok := strings.Cut(topic, ".")
		if !ok {
			return "", fmt.Errorf("topic %q has no team prefix", topic)
		}
		return team + "-" + part.String(), nil
	}
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	cfg, _ := serde.NewSerializerConfig(registry.Avro, serde.WithSubjectNameStrategy(byTeam))
	s, _ := serde.NewSerializer[string](client, serde.Value, textCodec{}, cfg)
	if _, _, err := s.Serialize(context.Background(), "payments.refunds", "x"); err != nil {
		panic(err)
	}
	subjects, _ := client.Subjects(context.Background())
	fmt.Println(subjects)
	// Output: [payments-value]
}

// ExampleHeadersFrom deserializes the records of a plain franz-go fetch
// loop: serde.HeadersFrom views kgo's headers as serde's without copying
// (the schema reference may be in a header).
func ExampleHeadersFrom() {
	var (
		ctx     = context.Background()
		cl      *kgo.Client                   // your franz-go client
		d       *serde.Deserializer[Greeting] // built by a format package
		handler = func(Greeting) {}
	)
	if cl == nil || d == nil {
		return // (this example only shows the loop)
	}
	for {
		fetches := cl.PollFetches(ctx)
		if fetches.IsClientClosed() {
			return
		}
		for _, r := range fetches.Records() {
			g, err := d.Deserialize(ctx, r.Topic, r.Value, serde.HeadersFrom(r.Headers))
			if err != nil {
				continue // see package consumer for policies
			}
			handler(g)
		}
	}
}

// Greeting is the example's message type.
type Greeting struct{ Text string }
