package avro

import (
	"context"
	"fmt"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// NewSerializer returns a serializer for values of T, writing Confluent's
// wire format for part (key or value) with schemas from client.
//
// The writer schema is, in this order: the one given with [WithSchema],
// T's own ([Schemer]), or the one derived from T ([DeriveSchema]); with
// serde.UseLatest, serde.UseLatestWithMetadata or serde.UseSchemaID the
// registered schema is written instead. Generic T (map[string]any, any)
// needs one of those. Everything that depends only on T and the schema is
// prepared here; an unsupported T or a T that does not fit the schema is an
// error now, not at the first message.
func NewSerializer[T any](client *registry.Client, part serde.Part, opts ...serde.SerializerOption) (*serde.Serializer[T], error) {
	cfg, err := serde.NewSerializerConfig(registry.Avro, opts...)
	if err != nil {
		return nil, err
	}
	c, err := newWriterCodec[T](client, cfg, collectSettings(opts))
	if err != nil {
		return nil, err
	}
	return serde.NewSerializer[T](client, part, c, cfg)
}

// writerCodec is the serde.WriterCodec for T.
type writerCodec[T any] struct {
	client *registry.Client
	api    havro.API
	g      *goType
	parser parser
	own    *ownSchema // nil: the registry supplies the schema
	limits Limits     // bound the rule view's walks
}

func newWriterCodec[T any](client *registry.Client, cfg serde.SerializerConfig, s settings) (*writerCodec[T], error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	g, err := newGoType[T]()
	if err != nil {
		return nil, err
	}
	c := &writerCodec[T]{client: client, api: newAPI(s), g: g, limits: s.limits}
	if c.own, err = ownFor(cfg.Schema, g, true, s.canonicalText); err != nil {
		return nil, err
	}
	fromRegistry := cfg.UseLatest || cfg.LatestWithMetadata != nil || cfg.SchemaID != 0
	if c.own == nil && !fromRegistry {
		return nil, fmt.Errorf("%w: give %s a schema with avro.WithSchema, or write with a registered one (serde.UseLatest, serde.UseSchemaID): %v",
			ErrNoSchema, g.t, g.deriveErr)
	}
	if c.own != nil && len(c.own.refs) == 0 {
		// Validate the schema and T against it now. Schemas with
		// references need the registry, so they wait for the first
		// message.
		res, err := c.own.resolve(context.Background(), client, &c.parser)
		if err != nil {
			return nil, err
		}
		if _, err := compileEncoder[T](c.api, g, res.parsed); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// SchemaType implements serde.WriterCodec.
func (c *writerCodec[T]) SchemaType() registry.SchemaType { return registry.Avro }

// UsesMessageIndexes implements serde.WriterCodec: Avro has none.
func (c *writerCodec[T]) UsesMessageIndexes() bool { return false }

// SchemaKey implements serde.WriterCodec: all values of T share one schema.
func (c *writerCodec[T]) SchemaKey(T) any { return nil }

// Schema implements serde.WriterCodec.
func (c *writerCodec[T]) Schema(ctx context.Context, _ T) (*serde.ResolvedSchema, string, error) {
	if c.own == nil {
		// The schema comes from the registry; there is nothing to register
		// and no record name.
		return &serde.ResolvedSchema{}, "", nil
	}
	res, err := c.own.resolve(ctx, c.client, &c.parser)
	if err != nil {
		return nil, "", err
	}
	rs := *res.rs
	return &rs, res.parsed.fullName, nil
}

// Encoder implements serde.WriterCodec.
func (c *writerCodec[T]) Encoder(_ context.Context, writer *serde.ResolvedSchema, _ T) (serde.Encoder[T], []int, error) {
	var ps *parsed
	if c.own != nil {
		if res := c.own.resolved(); res.is(writer) {
			// Our own schema as registered: use the parse of the text as
			// given, which keeps the field defaults.
			ps = res.parsed
		}
	}
	if ps == nil {
		var err error
		if ps, err = c.parser.parse(writer.Schema.Schema, writer.Deps); err != nil {
			return nil, nil, err
		}
	}
	enc, err := compileEncoder[T](c.api, c.g, ps)
	if err != nil || writer.RuleSet.IsEmpty() {
		return enc, nil, err
	}
	// Rules see the values through a view of the writer schema.
	return &ruleEncoder[T]{Encoder: enc, ruleMethods: ruleMethods[T]{newRuleView(c.api, ps, writer.Metadata, c.g.t, c.limits)}}, nil, nil
}
