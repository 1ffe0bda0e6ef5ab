package protobuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/serde"
)

// ruleView is what data-contract rules see of the messages of one schema
// (serde.RuleCodec): the message itself as its generic form, field walking
// with the schema's tags, and Confluent's JSON rendering. Plans are built
// once per message type and read without a lock.
type ruleView struct {
	mt     protoreflect.MessageType       // the type the codec's values have
	schema protoreflect.MessageDescriptor // mt's message in the schema
	file   protoreflect.FileDescriptor    // the schema, for other types by name; may be nil

	mu    sync.Mutex // serializes plan builds
	pl    planner
	plans atomic.Pointer[map[protoreflect.MessageDescriptor]*msgPlan]
}

// newRuleView returns the view of messages of type mt in schema s, whose
// compiled file is file and in which mt's message is schemaMsg (nil: by
// mt's full name in file, else mt's own descriptor). Tags come from the
// schema's fields ((confluent.field_meta).tags) and s's metadata.tags.
func newRuleView(s *serde.ResolvedSchema, mt protoreflect.MessageType, schemaMsg protoreflect.MessageDescriptor, file protoreflect.FileDescriptor) *ruleView {
	if schemaMsg == nil && file != nil {
		schemaMsg, _ = findMessage(file, mt.Descriptor().FullName())
	}
	v := &ruleView{mt: mt, schema: schemaMsg, file: file}
	v.pl = planner{tagger: serde.NewFieldTagger(s.Metadata), done: map[planKey]*msgPlan{}}
	return v
}

// plan returns the plan of messages of type md.
func (v *ruleView) plan(md protoreflect.MessageDescriptor) *msgPlan {
	if m := v.plans.Load(); m != nil {
		if p, ok := (*m)[md]; ok {
			return p
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.plans.Load()
	if old != nil {
		if p, ok := (*old)[md]; ok {
			return p
		}
	}
	schema := v.schema
	if md != v.mt.Descriptor() {
		schema = nil
		if v.file != nil {
			schema, _ = findMessage(v.file, md.FullName())
		}
	}
	p := v.pl.build(md, schema)
	next := make(map[protoreflect.MessageDescriptor]*msgPlan, 1)
	if old != nil {
		if len(*old) >= maxPlannedTypes {
			return p // an unexpected variety of types: not kept
		}
		for k, e := range *old {
			next[k] = e
		}
	}
	next[md] = p
	v.plans.Store(&next)
	return p
}

// maxPlannedTypes bounds the message types one view keeps plans for (a
// codec's values have one type; rules may hand back others).
const maxPlannedTypes = 64

// transform is TransformFields on a message.
func (v *ruleView) transform(m proto.Message, tags []string, fn serde.FieldFunc) (proto.Message, error) {
	r := m.ProtoReflect()
	if !r.IsValid() {
		return m, nil
	}
	p := v.plan(r.Descriptor())
	if len(tags) > 0 && !serde.TagsIntersect(p.tags, tags) {
		return m, nil
	}
	out, err := newWalker(tags, fn).message(p, r, outer{})
	if err != nil || out == nil {
		return m, err
	}
	return out.Interface(), nil
}

// fromGeneric returns the message of the codec's type that g (a whole
// message transform's result) stands for: g itself, g converted through
// its encoding when it is another Go type of the same message, or a JSON
// object (map[string]any) read with protojson.
func (v *ruleView) fromGeneric(g any) (proto.Message, error) {
	want := v.mt.Descriptor()
	switch x := g.(type) {
	case proto.Message:
		if x == nil || !x.ProtoReflect().IsValid() {
			return nil, errors.New("protobuf: a rule returned a nil message")
		}
		d := x.ProtoReflect().Descriptor()
		if d == want {
			return x, nil
		}
		if d.FullName() != want.FullName() {
			return nil, fmt.Errorf("protobuf: a rule returned a %s message where the schema has %s", d.FullName(), want.FullName())
		}
		return v.convert(x)
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("protobuf: a rule's result: %w", err)
		}
		out := v.mt.New().Interface()
		if err := protojson.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("protobuf: a rule's result is not a %s: %w", want.FullName(), err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("protobuf: a rule returned %T where the schema has a %s message", g, want.FullName())
}

// convert re-reads m, a message of the codec's message type held in
// another Go type, as the codec's type.
func (v *ruleView) convert(m proto.Message) (proto.Message, error) {
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("protobuf: a rule's result: %w", err)
	}
	out := v.mt.New().Interface()
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("protobuf: a rule's result is not a %s: %w", v.mt.Descriptor().FullName(), err)
	}
	return out, nil
}

// jsonOptions render messages as Confluent's clients do for rules (Java's
// JsonFormat printer with default values, Go's protojson with
// EmitDefaultValues): JSON names, every field.
var jsonOptions = protojson.MarshalOptions{EmitDefaultValues: true}

// marshalJSON renders m as Confluent's clients do, without insignificant
// whitespace (protojson's is not stable).
func marshalJSON(m proto.Message) ([]byte, error) {
	b, err := jsonOptions.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(b))
	if err := json.Compact(&out, b); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// ruleMethods implements serde.RuleCodec[T] over a view; the encoders and
// decoders of schemas with rules embed it.
type ruleMethods[T any] struct{ rules *ruleView }

var errNoRuleView = fmt.Errorf("%w: the schema has no rules, so its codec has no rule view", serde.ErrRulesUnsupported)

func message[T any](v T) (proto.Message, error) {
	m, ok := any(v).(proto.Message)
	if !ok || m == nil {
		return nil, fmt.Errorf("protobuf: %T is not a proto.Message", v)
	}
	return m, nil
}

// Generic returns v itself: rules (CEL) read Protobuf messages natively.
func (r ruleMethods[T]) Generic(v T) (any, error) {
	if r.rules == nil {
		return nil, errNoRuleView
	}
	return message(v)
}

// FromGeneric returns the T that g, a rule's message, stands for.
func (r ruleMethods[T]) FromGeneric(g any) (T, error) {
	var zero T
	if r.rules == nil {
		return zero, errNoRuleView
	}
	m, err := r.rules.fromGeneric(g)
	if err != nil {
		return zero, err
	}
	if t, ok := m.(T); ok {
		return t, nil
	}
	if m, err = r.rules.convert(m); err != nil {
		return zero, err
	}
	if t, ok := m.(T); ok {
		return t, nil
	}
	return zero, fmt.Errorf("protobuf: a rule's result %T is not a %T", m, zero)
}

// TransformFields returns v with fn applied to its leaf fields whose tags
// meet tags; v is never modified.
func (r ruleMethods[T]) TransformFields(v T, tags []string, fn serde.FieldFunc) (T, error) {
	if r.rules == nil {
		return v, errNoRuleView
	}
	m, err := message(v)
	if err != nil {
		return v, err
	}
	out, err := r.rules.transform(m, tags, fn)
	if err != nil {
		return v, err
	}
	if t, ok := out.(T); ok {
		return t, nil
	}
	return v, fmt.Errorf("protobuf: the transformed message %T is not a %T", out, v)
}

// JSON returns v as Confluent's clients render a message as JSON.
func (r ruleMethods[T]) JSON(v T) ([]byte, error) {
	m, err := message(v)
	if err != nil {
		return nil, err
	}
	return marshalJSON(m)
}
