package protobuf_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

func protobufSerializer[T any](c *registry.Client, opts []serde.SerializerOption) (*serde.Serializer[T], error) {
	return protobuf.NewSerializer[T](c, serde.Value, opts...)
}

// celRule returns a rule of type typ (CEL, CEL_FIELD, JSONATA).
func celRule(name, typ string, kind registry.RuleKind, mode registry.RuleMode, expr string, tags ...string) registry.Rule {
	return registry.Rule{Name: name, Kind: kind, Mode: mode, Type: typ, Expr: expr, Tags: tags}
}

// celCase writes ruleOrder (changed by edit) with the rules rs, as
// generated, dynamic and proto.Message values, and returns, for each,
// the message read back without rules (nil on a serialization error) and
// the error.
type celResult struct {
	name string
	got  *srkittestpb.OrderPlaced
	err  error
}

func celWrite(t *testing.T, rs *registry.RuleSet, edit func(*srkittestpb.OrderPlaced)) []celResult {
	t.Helper()
	c := ruleMock(t)
	topic := "cel"
	registerWithRules(t, c, topic, ruleOrder(), rs, ruleMetadata)
	std := rules.Standard()
	plain := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, nil)
	in := ruleOrder()
	if edit != nil {
		edit(in)
	}
	before := proto.Clone(in)
	dyn := dynamicOrder(t, c, topic)
	if edit != nil {
		// The same edit, through the wire format.
		b, err := proto.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		dyn = dynamicpb.NewMessage(dyn.Descriptor())
		if err := proto.Unmarshal(b, dyn); err != nil {
			t.Fatal(err)
		}
	}
	dynBefore := proto.Clone(dyn)
	var out []celResult
	add := func(name string, b []byte, err error) {
		r := celResult{name: name, err: err}
		if err == nil {
			if r.got, err = plain.Deserialize(ctx, topic, b, nil); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, r)
	}
	opts := func() []serde.SerializerOption {
		return []serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false), std}
	}
	gs, err := protobufSerializer[*srkittestpb.OrderPlaced](c, opts())
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := gs.Serialize(ctx, topic, in)
	add("generated", b, err)
	ds, err := protobufSerializer[*dynamicpb.Message](c, opts())
	if err != nil {
		t.Fatal(err)
	}
	b, _, err = ds.Serialize(ctx, topic, dyn)
	add("dynamic", b, err)
	is, err := protobufSerializer[proto.Message](c, opts())
	if err != nil {
		t.Fatal(err)
	}
	b, _, err = is.Serialize(ctx, topic, in)
	add("interface", b, err)
	if !proto.Equal(in, before) || !proto.Equal(dyn, dynBefore) {
		t.Errorf("the caller's message changed: %v / %v", in, dyn)
	}
	return out
}

// TestCELCondition: CEL conditions read nested and repeated messages, maps,
// enums, well-known types and oneof branches of generated and dynamic
// messages by their field names.
func TestCELCondition(t *testing.T) {
	const expr = `message.customer.email.endsWith('@example.com') && size(message.lines) == 2 &&
		message.lines[0].discount.code == 'x' && message.customer.attrs['tier'] == 'gold' &&
		message.counters['retries'] == 3 && message.iban == 'de00' && !has(message.card_token) &&
		message.status == 2 && message.customer.level == 3 && message.note == 'leave at door' &&
		message.customer.since.getFullYear() == 2023 && message.lines.all(l, l.quantity > 0)`
	rs := &registry.RuleSet{DomainRules: []registry.Rule{celRule("valid", "CEL", registry.RuleKindCondition, registry.RuleModeWrite, expr)}}
	for _, r := range celWrite(t, rs, nil) {
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
		}
	}
	for _, r := range celWrite(t, rs, func(o *srkittestpb.OrderPlaced) { o.Lines[1].Quantity = 0 }) {
		var re *serde.RuleError
		if !errors.As(r.err, &re) || !errors.Is(r.err, serde.ErrRuleConditionFailed) {
			t.Errorf("%s: got %v, want a failed condition", r.name, r.err)
		}
	}
}

// TestCELTransform: a CEL transform's result replaces the message: here a
// JSON object (JSON names, as protojson reads it) built from generated
// and dynamic messages alike.
//
// (An expression that builds a message, srkit.test.events.OrderPlaced{...},
// does not compile yet: rules/cel compiles every expression for generic
// values first, where no Protobuf type is declared.)
func TestCELTransform(t *testing.T) {
	rs := &registry.RuleSet{DomainRules: []registry.Rule{celRule("slim", "CEL", registry.RuleKindTransform, registry.RuleModeWrite,
		`{'orderId': message.order_id + '-x', 'lines': message.lines.filter(l, l.quantity > 1).map(l, {'sku': l.sku, 'quantity': l.quantity})}`)}}
	want := &srkittestpb.OrderPlaced{OrderId: "o-1-x", Lines: []*srkittestpb.OrderPlaced_Line{{Sku: "a-1", Quantity: 2}}}
	for _, r := range celWrite(t, rs, nil) {
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
			continue
		}
		if !proto.Equal(r.got, want) {
			t.Errorf("%s: wrote %v, want %v", r.name, r.got, want)
		}
	}
}

// TestCELFieldTransform: CEL_FIELD on PII fields — nested, repeated, the
// set oneof branch — with the guard form and the message variable (the
// message holding the field); the values of the tagged maps are left, as
// Confluent's CEL_FIELD leaves them (typed MAP, not primitive), and so are
// those tagged COUNT on the map entry's value field only. (The second rule
// has other tags: of two transforms of one type, mode and tags only the
// first runs.)
func TestCELFieldTransform(t *testing.T) {
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		celRule("mask", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeWrite, `typeName == 'STRING' ; value + '#'`, "PII"),
		celRule("sku", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeWrite, `name == 'sku' ; value + '@' + string(message.quantity)`, "PII", "SKU"),
		celRule("count", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeWrite, `typeName == 'LONG' ; value * 10`, "COUNT"),
	}}
	want := ruleOrder()
	want.Customer.Email += "#"
	want.Lines[0].Sku, want.Lines[1].Sku = "a-1#@2", "b-2#@1"
	want.Lines[0].Discount.Code = "x#"
	want.Payment = &srkittestpb.OrderPlaced_Iban{Iban: "de00#"}
	for _, r := range celWrite(t, rs, nil) {
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
			continue
		}
		if !proto.Equal(r.got, want) {
			t.Errorf("%s: wrote %v\nwant %v", r.name, r.got, want)
		}
	}
}

// TestCELFieldCondition: a CEL_FIELD condition over every field fails the
// message at a field whose expression is false, deep in a repeated
// message.
func TestCELFieldCondition(t *testing.T) {
	rs := &registry.RuleSet{DomainRules: []registry.Rule{celRule("positive", "CEL_FIELD", registry.RuleKindCondition, registry.RuleModeWrite,
		`name == 'quantity' ? value > 0 : true`)}}
	for _, r := range celWrite(t, rs, nil) {
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
		}
	}
	for _, r := range celWrite(t, rs, func(o *srkittestpb.OrderPlaced) { o.Lines[1].Quantity = -1 }) {
		if !errors.Is(r.err, serde.ErrRuleConditionFailed) {
			t.Errorf("%s: got %v, want a failed condition", r.name, r.err)
		}
	}
}

// TestCELFieldRead: a WRITEREAD CEL_FIELD pair runs on read on the decoded
// generated or dynamic message.
func TestCELFieldRead(t *testing.T) {
	c := ruleMock(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		celRule("mark", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeRead, `typeName == 'STRING' ; value.upperAscii()`, "PII"),
	}}
	registerWithRules(t, c, "celr", ruleOrder(), rs, ruleMetadata)
	s, err := protobufSerializer[*srkittestpb.OrderPlaced](c, []serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false)})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(ctx, "celr", ruleOrder())
	if err != nil {
		t.Fatal(err)
	}
	gen, err := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, nil, rules.Standard()).Deserialize(ctx, "celr", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkUpper(t, gen)
	dyn, err := ruleDeserializer[*dynamicpb.Message](t, c, nil, rules.Standard()).Deserialize(ctx, "celr", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkUpper(t, dyn)
}
