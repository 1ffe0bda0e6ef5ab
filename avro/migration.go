package avro

import (
	"context"
	"fmt"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// The reader codec is a serde.MigrationCodec: migration rules (JSONATA)
// run on a message's JSON form (jsonform.go) — the writer's body decoded
// generically, as Confluent's Go client hands it to JSONata, then made
// JSON — and the migrated form is written in the reader schema and read
// into T like any message of the reader schema (into T's own schema when
// it has one), as Confluent's Go client does.

// JSONDecoder implements serde.MigrationCodec: bodies written in writer
// into their JSON form. Bodies are checked against the writer schema and
// the deserializer's Limits before they are decoded.
func (c *readerCodec[T]) JSONDecoder(_ context.Context, writer *serde.ResolvedSchema, _ []int) (serde.JSONDecoder, error) {
	w, err := c.parser.parse(writer.Schema.Schema, writer.Deps)
	if err != nil {
		return nil, err
	}
	g, err := newGoType[any]()
	if err != nil {
		return nil, err
	}
	dec, err := compileDecoder[any](c.api, g, w, nil, c.s)
	if err != nil {
		return nil, err
	}
	return &jsonDecoder{dec: dec, root: planSchema(w.schema, serde.NewFieldTagger(nil)), maxDepth: c.s.limits.MaxDepth}, nil
}

// jsonDecoder decodes bodies of one writer schema into their JSON form.
type jsonDecoder struct {
	dec      serde.Decoder[any]
	root     *rnode
	maxDepth int
}

// DecodeJSON implements serde.JSONDecoder.
func (d *jsonDecoder) DecodeJSON(body []byte) (any, error) {
	var x any
	if err := d.dec.Decode(body, &x); err != nil {
		return nil, err
	}
	return toJSONForm(d.root, x, 0, d.maxDepth)
}

// JSONReader implements serde.MigrationCodec: the JSON form of messages in
// reader into T. The reader also offers the reader schema's rules its view
// of the values (serde.RuleCodec).
func (c *readerCodec[T]) JSONReader(ctx context.Context, reader, _ *serde.ResolvedSchema, _ []int) (serde.JSONReader[T], error) {
	rps, err := c.parser.parse(reader.Schema.Schema, reader.Deps)
	if err != nil {
		return nil, err
	}
	values := rps
	var own *parsed
	if c.own != nil {
		res, err := c.own.resolve(ctx, c.client, &c.parser)
		if err != nil {
			return nil, err
		}
		own, values = res.parsed, res.parsed
	}
	dec, err := compileDecoder[T](c.api, c.g, rps, own, c.s)
	if err != nil {
		return nil, err
	}
	r := &jsonReader[T]{api: c.api, schema: rps.schema, dec: dec, root: planSchema(rps.schema, serde.NewFieldTagger(nil)), maxDepth: c.s.limits.MaxDepth}
	if !reader.RuleSet.IsEmpty() {
		r.rules = newRuleView(c.api, values, reader.Metadata, c.g.t, c.s.limits)
	}
	return r, nil
}

// jsonReader reads JSON forms of messages of one reader schema into T.
type jsonReader[T any] struct {
	api      havro.API
	schema   havro.Schema
	dec      serde.Decoder[T]
	root     *rnode
	maxDepth int
	ruleMethods[T]
}

// ReadJSON implements serde.JSONReader.
func (r *jsonReader[T]) ReadJSON(j any, v *T) error {
	x, err := fromJSONForm(r.root, j, 0, r.maxDepth)
	if err != nil {
		return err
	}
	var body []byte
	if r.schema.Type() == havro.Bytes {
		b, ok := x.([]byte)
		if !ok {
			return fmt.Errorf("%w: the migrated value is %T, not bytes", ErrInvalidValue, x)
		}
		body = b // a top-level "bytes" value travels raw
	} else if body, err = r.api.Marshal(r.schema, x); err != nil {
		return fmt.Errorf("%w: the migrated value does not fit the reader schema: %v", ErrInvalidValue, err)
	}
	return r.dec.Decode(body, v)
}
