package jsonschema

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Encoders and decoders of schemas with rules are serde.RuleCodecs: rules
// see a message in its JSON form (encoding/json's any), and field rules
// visit the properties the compiled schema describes (rules_walk.go), named
// as Confluent's Go client names them: "$" then ".name" per property, array
// items adding no segment ("$.items.sku").

// ruleView is the rule view of the messages of one schema. It is built
// with the encoder or decoder (once per schema) and read without a lock.
type ruleView[T any] struct {
	plan *pnode
	// typed is the plan of T's values over plan (rules_typed.go); nil when
	// T is generic or is walked in its JSON form as a whole.
	typed *tnode
	// form converts T's values to their JSON form (jsonform.go); nil when
	// T is generic or goes through encoding/json as a whole.
	form    *fplan
	tagger  *serde.FieldTagger
	mode    decodeMode
	limits  Limits
	walkers walkers
}

func newRuleView[T any](s *Schema, md *registry.Metadata, mode decodeMode, limits Limits) *ruleView[T] {
	tagger := serde.NewFieldTagger(md)
	r := &ruleView[T]{plan: planSchema(s.root, tagger), tagger: tagger, mode: mode, limits: limits.withDefaults()}
	if mode == decodeTyped {
		r.typed = planTyped(reflect.TypeFor[T](), r.plan)
		if f := planForm(reflect.TypeFor[T]()); f.kind != fJSON && f.kind != fIface {
			r.form = f
		}
	}
	return r
}

// Generic implements serde.RuleCodec: v's JSON form. Generic values are
// returned as they are (the result shares memory with v); structs (and
// the pointers, slices, maps in them) are converted by reflection
// (jsonform.go), other values go through encoding/json.
func (r *ruleView[T]) Generic(v T) (any, error) {
	if r.mode != decodeTyped {
		return any(v), nil
	}
	if r.form != nil {
		return r.form.form(reflect.ValueOf(any(v)), 0)
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

// TransformFields implements serde.RuleCodec: fn applied to the leaf
// properties tagged with one of tags, as they are in v's JSON form; a
// generic v's result is the new form (sharing what did not change with v).
// A struct (and the pointers, slices, arrays, maps and structs in it) is
// walked directly (rules_typed_walk.go), other typed values on their JSON
// form, read back into T. When no property of the schema carries one of
// tags, v is returned as it is. v and what it points to are never
// modified.
func (r *ruleView[T]) TransformFields(v T, tags []string, fn serde.FieldFunc) (T, error) {
	var zero T
	if r.plan == nil || !r.plan.wanted(tags) {
		return v, nil
	}
	if r.typed != nil {
		return r.transformTyped(v, tags, fn)
	}
	g, err := r.Generic(v)
	if err != nil {
		return zero, err
	}
	w := r.walkers.get(r.tagger, tags, fn, r.limits.MaxDepth)
	out, changed, err := w.walk(r.plan, g, 0)
	r.walkers.put(w)
	if err != nil {
		return zero, err
	}
	if !changed {
		return v, nil
	}
	if r.mode != decodeTyped {
		t, ok := out.(T)
		if !ok {
			return zero, fmt.Errorf("%w: the transformed message is %s", ErrInvalid, jsonTypeName(out))
		}
		return t, nil
	}
	return r.FromGeneric(out)
}

// transformTyped is TransformFields of a value walked by its typed plan.
func (r *ruleView[T]) transformTyped(v T, tags []string, fn serde.FieldFunc) (T, error) {
	var zero T
	w := r.walkers.get(r.tagger, tags, fn, r.limits.MaxDepth)
	c, err := w.typed(r.typed, reflect.ValueOf(any(v)), 0)
	r.walkers.put(w)
	if err != nil {
		return zero, err
	}
	if !c.ok {
		return v, nil
	}
	out := c.val
	if !out.IsValid() {
		out = reflect.New(r.typed.t).Elem()
		if err := r.typed.store(out, c.x); err != nil {
			return zero, err
		}
	}
	if out.CanAddr() {
		return *out.Addr().Interface().(*T), nil
	}
	return out.Interface().(T), nil
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
