package jsonschema

import (
	"encoding/json"
	"fmt"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Encoders and decoders of schemas with rules are serde.RuleCodecs: rules
// see a message in its JSON form (encoding/json's any), and field rules
// visit the properties the compiled schema describes (rules_walk.go), named
// as Confluent's Go client names them: "$" then ".name" per property, array
// items adding no segment ("$.items.sku").

// ruleView is the rule view of the messages of one schema.
type ruleView[T any] struct {
	root   *node
	tagger *serde.FieldTagger
	mode   decodeMode
	limits Limits
}

func newRuleView[T any](s *Schema, md *registry.Metadata, mode decodeMode, limits Limits) *ruleView[T] {
	return &ruleView[T]{root: s.root, tagger: serde.NewFieldTagger(md), mode: mode, limits: limits.withDefaults()}
}

// Generic implements serde.RuleCodec: v's JSON form. Generic values are
// returned as they are (the result shares memory with v); other values go
// through encoding/json.
func (r *ruleView[T]) Generic(v T) (any, error) {
	if r.mode != decodeTyped {
		return any(v), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot write %T as JSON: %w", ErrUnsupportedType, v, err)
	}
	return decodeDoc(b)
}

// FromGeneric implements serde.RuleCodec: the T that the JSON form g stands
// for, read as the deserializer reads a body (without validation).
func (r *ruleView[T]) FromGeneric(g any) (T, error) {
	var v T
	b, err := json.Marshal(g)
	if err != nil {
		return v, fmt.Errorf("%w: the transformed message is not JSON: %w", ErrInvalid, err)
	}
	d := decoder[T]{mode: r.mode, limits: r.limits}
	err = d.Decode(b, &v)
	return v, err
}

// TransformFields implements serde.RuleCodec: a new JSON form with fn
// applied to the leaf properties tagged with one of tags, read back into T.
// v and what it points to are never modified.
func (r *ruleView[T]) TransformFields(v T, tags []string, fn serde.FieldFunc) (T, error) {
	g, err := r.Generic(v)
	if err != nil {
		var zero T
		return zero, err
	}
	w := &fieldWalker{tagger: r.tagger, tags: tags, fn: fn, maxDepth: r.limits.MaxDepth}
	out, changed, err := w.walk(r.root, g, nil, 0)
	if err != nil {
		var zero T
		return zero, err
	}
	if !changed {
		return v, nil
	}
	return r.FromGeneric(out)
}

// JSON implements serde.RuleCodec: the message body.
func (r *ruleView[T]) JSON(v T) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot write %T as JSON: %w", ErrUnsupportedType, v, err)
	}
	return b, nil
}

// ruleEncoder is the encoder of a schema with rules.
type ruleEncoder[T any] struct {
	*encoder[T]
	*ruleView[T]
}

// ruleDecoder is the decoder of a schema with rules.
type ruleDecoder[T any] struct {
	*decoder[T]
	*ruleView[T]
}

var (
	_ serde.RuleCodec[any] = ruleEncoder[any]{}
	_ serde.Encoder[any]   = ruleEncoder[any]{}
	_ serde.RuleCodec[any] = ruleDecoder[any]{}
	_ serde.Decoder[any]   = ruleDecoder[any]{}
)
