package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/srkit-go/srkit/serde"
)

// The reader codec is a serde.MigrationCodec: a JSON body is its own JSON
// form, so migration rules (JSONATA) run on the decoded body and the
// migrated form is read into T as a body of the reader schema.

// JSONDecoder implements serde.MigrationCodec: bodies written in writer,
// validated against it when validation is on and bounded by the Limits,
// decoded into their JSON form.
func (c *readerCodec[T]) JSONDecoder(_ context.Context, writer *serde.ResolvedSchema, _ []int) (serde.JSONDecoder, error) {
	d := &decoder[any]{mode: decodeAny, limits: c.limits.withDefaults()}
	if c.validate {
		s, err := c.cache.get(writer)
		if err != nil {
			return nil, err
		}
		d.schema = s
	}
	return jsonDecoder{d}, nil
}

// jsonDecoder decodes bodies into their JSON form.
type jsonDecoder struct{ d *decoder[any] }

// DecodeJSON implements serde.JSONDecoder.
func (j jsonDecoder) DecodeJSON(body []byte) (any, error) {
	if len(body) > j.d.limits.MaxBytes {
		return nil, &LimitError{Limit: "MaxBytes", Max: j.d.limits.MaxBytes}
	}
	var v any
	err := j.d.Decode(body, &v)
	return v, err
}

// JSONReader implements serde.MigrationCodec: JSON forms of messages in
// reader read into T, validated against reader when validation is on. The
// reader offers the reader schema's rules its view of the values.
func (c *readerCodec[T]) JSONReader(ctx context.Context, reader, _ *serde.ResolvedSchema, indexes []int) (serde.JSONReader[T], error) {
	dec, err := c.Decoder(ctx, reader, indexes, nil)
	if err != nil {
		return nil, err
	}
	if rd, ok := dec.(ruleDecoder[T]); ok {
		return ruleJSONReader[T]{jsonReader[T]{rd.decoder}, rd.ruleView}, nil
	}
	return jsonReader[T]{dec.(*decoder[T])}, nil
}

// jsonReader reads JSON forms into T through the body decoder.
type jsonReader[T any] struct{ d *decoder[T] }

// ReadJSON implements serde.JSONReader.
func (r jsonReader[T]) ReadJSON(j any, v *T) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("%w: the migrated message is not JSON: %w", ErrInvalid, err)
	}
	return r.d.Decode(b, v)
}

// ruleJSONReader is the jsonReader of a reader schema with rules.
type ruleJSONReader[T any] struct {
	jsonReader[T]
	*ruleView[T]
}

var (
	_ serde.MigrationCodec[any] = (*readerCodec[any])(nil)
	_ serde.RuleCodec[any]      = ruleJSONReader[any]{}
)
