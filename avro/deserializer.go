package avro

import (
	"context"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// NewDeserializer returns a deserializer for values of T, reading
// Confluent's wire format (schema ID or GUID, in the payload or a header)
// for part (key or value) with schemas from client.
//
// Data is read with the schema it was written with, resolved into a reader
// schema when there is one: the schema given with [WithSchema], else T's
// own ([Schemer]), else with serde.UseLatest / serde.UseLatestWithMetadata
// the subject's registered one. Resolution follows Avro's rules (fields by
// name and alias, defaults for missing fields, numeric promotion, enum
// defaults). A struct T without a schema of its own reads the writer schema
// directly: fields match by name (avro tags), writer fields T lacks are
// skipped. Generic T (any, map[string]any) gets hamba's generic values.
func NewDeserializer[T any](client *registry.Client, part serde.Part, opts ...serde.DeserializerOption) (*serde.Deserializer[T], error) {
	cfg, err := serde.NewDeserializerConfig(registry.Avro, opts...)
	if err != nil {
		return nil, err
	}
	c, err := newReaderCodec[T](client, cfg, collectSettings(opts))
	if err != nil {
		return nil, err
	}
	return serde.NewDeserializer[T](client, part, c, cfg)
}

// readerCodec is the serde.ReaderCodec for T.
type readerCodec[T any] struct {
	client *registry.Client
	api    havro.API
	g      *goType
	s      settings
	parser parser
	own    *ownSchema // T's reader schema; nil when it has none
}

func newReaderCodec[T any](client *registry.Client, cfg serde.DeserializerConfig, s settings) (*readerCodec[T], error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	g, err := newGoType[T]()
	if err != nil {
		return nil, err
	}
	c := &readerCodec[T]{client: client, api: newAPI(s), g: g, s: s}
	if c.own, err = ownFor(cfg.Schema, g, false, false); err != nil {
		return nil, err
	}
	if c.own != nil && len(c.own.refs) == 0 {
		res, err := c.own.resolve(context.Background(), client, &c.parser)
		if err != nil {
			return nil, err
		}
		if _, err := compileDecoder[T](c.api, g, res.parsed, nil, s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// SchemaType implements serde.ReaderCodec.
func (c *readerCodec[T]) SchemaType() registry.SchemaType { return registry.Avro }

// UsesMessageIndexes implements serde.ReaderCodec: Avro has none.
func (c *readerCodec[T]) UsesMessageIndexes() bool { return false }

// RecordName implements serde.ReaderCodec: the writer schema's top-level
// named type.
func (c *readerCodec[T]) RecordName(writer *serde.ResolvedSchema, _ []int) (string, error) {
	ps, err := c.parser.parse(writer.Schema.Schema, writer.Deps)
	if err != nil {
		return "", err
	}
	return ps.fullName, nil
}

// Decoder implements serde.ReaderCodec.
func (c *readerCodec[T]) Decoder(ctx context.Context, writer *serde.ResolvedSchema, _ []int, reader *serde.ResolvedSchema) (serde.Decoder[T], error) {
	w, err := c.parser.parse(writer.Schema.Schema, writer.Deps)
	if err != nil {
		return nil, err
	}
	var r *parsed
	switch {
	case c.own != nil:
		res, err := c.own.resolve(ctx, c.client, &c.parser)
		if err != nil {
			return nil, err
		}
		r = res.parsed
	case reader != nil:
		if r, err = c.parser.parse(reader.Schema.Schema, reader.Deps); err != nil {
			return nil, err
		}
	}
	dec, err := compileDecoder[T](c.api, c.g, w, r, c.s)
	target := writer
	if reader != nil {
		target = reader
	}
	if err != nil || target.RuleSet.IsEmpty() {
		return dec, err
	}
	// Rules see the values through a view of the schema they are read
	// into, with the tags of the schema whose rules run.
	values := w
	if r != nil {
		values = r
	}
	return &ruleDecoder[T]{Decoder: dec, ruleMethods: ruleMethods[T]{newRuleView(c.api, values, target.Metadata, c.g.t, c.s.limits)}}, nil
}
