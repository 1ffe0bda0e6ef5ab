package avro

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// ruleView is what data-contract rules see of the values of one schema
// (serde.RuleCodec): their generic form, field walking with the schema's
// tags, and their JSON form. Plans are built once per schema and Go type
// and read without a lock.
type ruleView struct {
	api      havro.API
	schema   havro.Schema // the schema the values are in
	root     *rnode
	typed    *tnode // the plan of T; nil for an interface T
	maxDepth int

	mu  sync.Mutex // serializes plan builds for dynamic types
	tp  typePlanner
	dyn atomic.Pointer[map[tkey]*tnode]
}

// maxPlannedTypes bounds the Go types one view keeps dynamic plans for
// (values of WithUnionType types and typed slices in generic values).
const maxPlannedTypes = 64

// newRuleView returns the view of values of Go type t in schema ps, whose
// fields' tags are their confluent:tags and md's metadata tags.
func newRuleView(api havro.API, ps *parsed, md *registry.Metadata, t reflect.Type, limits Limits) *ruleView {
	v := &ruleView{api: api, schema: ps.schema, maxDepth: limits.withDefaults().MaxDepth}
	v.root = planSchema(ps.schema, serde.NewFieldTagger(md))
	v.tp.done = map[tkey]*tnode{}
	if t.Kind() != reflect.Interface {
		v.typed = v.tp.plan(t, v.root)
	}
	return v
}

// dynamicPlan returns the plan of Go type t in node n, for values met
// inside generic ones.
func (v *ruleView) dynamicPlan(t reflect.Type, n *rnode) (*tnode, error) {
	key := tkey{t, n}
	if m := v.dyn.Load(); m != nil {
		if p, ok := (*m)[key]; ok {
			return p, nil
		}
	}
	if err := checkKinds(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.dyn.Load()
	if old != nil {
		if p, ok := (*old)[key]; ok {
			return p, nil
		}
	}
	p := v.tp.plan(t, n)
	if old != nil && len(*old) >= maxPlannedTypes {
		return p, nil // an unexpected variety of types: not kept
	}
	next := make(map[tkey]*tnode, 1)
	if old != nil {
		for k, e := range *old {
			next[k] = e
		}
	}
	next[key] = p
	v.dyn.Store(&next)
	return p, nil
}

// toGeneric returns x, a Go value of schema s, in hamba's generic form.
func (v *ruleView) toGeneric(s havro.Schema, x any) (any, error) {
	b, err := v.api.Marshal(s, x)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidValue, err)
	}
	var out any
	if err := v.api.Unmarshal(s, b, &out); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidValue, err)
	}
	return out, nil
}

// recordGeneric returns cur, the record holding a visited leaf (a generic
// map, or a struct's reflect.Value), in the generic form.
func (v *ruleView) recordGeneric(n *rnode, cur any) (any, error) {
	switch x := cur.(type) {
	case map[string]any:
		return x, nil
	case reflect.Value:
		return v.toGeneric(n.schema, x.Interface())
	}
	return nil, fmt.Errorf("%w: no containing record", serde.ErrRulesUnsupported)
}

// ruleMethods implements serde.RuleCodec[T] over a view; the encoders and
// decoders of schemas with rules embed it.
type ruleMethods[T any] struct{ rules *ruleView }

var errNoRuleView = fmt.Errorf("%w: the schema has no rules, so its codec has no rule view", serde.ErrRulesUnsupported)

// Generic returns v in hamba's generic form: v itself for generic T, else
// v written and read back generically.
func (r ruleMethods[T]) Generic(v T) (any, error) {
	if r.rules == nil {
		return nil, errNoRuleView
	}
	if r.rules.typed == nil || r.rules.typed.kind == tDynamic {
		return any(v), nil
	}
	return r.rules.toGeneric(r.rules.schema, v)
}

// FromGeneric returns the T that g, a rule's result in the generic form (or
// the JSON form), stands for.
func (r ruleMethods[T]) FromGeneric(g any) (T, error) {
	var zero T
	if r.rules == nil {
		return zero, errNoRuleView
	}
	x, err := fromJSONForm(r.rules.root, g, 0, r.rules.maxDepth)
	if err != nil {
		return zero, fmt.Errorf("avro: a rule's result: %w", err)
	}
	if r.rules.typed == nil || r.rules.typed.kind == tDynamic {
		if x == nil {
			return zero, nil
		}
		t, ok := x.(T)
		if !ok {
			return zero, fmt.Errorf("%w: a rule returned %T, not a %T", ErrInvalidValue, g, zero)
		}
		return t, nil
	}
	b, err := r.rules.api.Marshal(r.rules.schema, x)
	if err != nil {
		return zero, fmt.Errorf("%w: a rule's result: %v", ErrInvalidValue, err)
	}
	var t T
	if err := r.rules.api.Unmarshal(r.rules.schema, b, &t); err != nil {
		return zero, fmt.Errorf("%w: a rule's result: %v", ErrInvalidValue, err)
	}
	return t, nil
}

// TransformFields returns v with fn applied to its leaf fields whose tags
// meet tags; v is never modified.
func (r ruleMethods[T]) TransformFields(v T, tags []string, fn serde.FieldFunc) (T, error) {
	if r.rules == nil {
		return v, errNoRuleView
	}
	w := newWalker(r.rules, tags, fn)
	if r.rules.typed == nil {
		out, changed, err := w.generic(r.rules.root, any(v), nil)
		if err != nil || !changed {
			return v, err
		}
		t, ok := out.(T)
		if !ok && out != nil {
			return v, fmt.Errorf("%w: the transformed value %T is not a %T", ErrInvalidValue, out, v)
		}
		return t, nil
	}
	out, changed, err := w.typed(r.rules.typed, reflect.ValueOf(&v).Elem(), nil)
	if err != nil || !changed {
		return v, err
	}
	return out.Interface().(T), nil
}

// JSON returns v's JSON form (see jsonform.go).
func (r ruleMethods[T]) JSON(v T) ([]byte, error) {
	if r.rules == nil {
		return nil, errNoRuleView
	}
	g, err := r.Generic(v)
	if err != nil {
		return nil, err
	}
	j, err := toJSONForm(r.rules.root, g, 0, r.rules.maxDepth)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// ruleEncoder is the encoder of a schema with rules: it offers them its
// view of the values.
type ruleEncoder[T any] struct {
	serde.Encoder[T]
	ruleMethods[T]
}

// ruleDecoder is the decoder of a schema with rules.
type ruleDecoder[T any] struct {
	serde.Decoder[T]
	ruleMethods[T]
}
