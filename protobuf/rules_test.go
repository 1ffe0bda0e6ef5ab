package protobuf_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// ruleOrder is an order whose strings are lower case, with a nested
// message three levels down, a repeated message, a map, a set oneof
// branch (iban) and an unset one (card_token).
func ruleOrder() *srkittestpb.OrderPlaced {
	return &srkittestpb.OrderPlaced{
		OrderId: "o-1",
		Customer: &srkittestpb.Customer{
			Ident: &srkittestpb.Ident{Id: "c-9", Namespace: "eu"},
			Email: "ada@example.com",
			Level: srkittestpb.Level_GOLD,
			Since: &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 5},
			Attrs: map[string]string{"tier": "gold", "area": "north"},
		},
		Lines: []*srkittestpb.OrderPlaced_Line{
			{Sku: "a-1", Quantity: 2, Discount: &srkittestpb.OrderPlaced_Line_Discount{Code: "x", Percent: 5}},
			{Sku: "b-2", Quantity: 1},
		},
		Status:   srkittestpb.OrderPlaced_PAID,
		Note:     wrapperspb.String("leave at door"),
		Payment:  &srkittestpb.OrderPlaced_Iban{Iban: "de00"},
		Counters: map[string]int64{"retries": 3},
	}
}

// ruleMetadata tags fields by path: a field of a repeated message, one of
// a message nested in it, a map of strings and a map of integers, and the
// value field of the integer map's entry (which, as in Confluent's Go, JS
// and Python clients, selects nothing: see rules_map_test.go).
var ruleMetadata = &registry.Metadata{Tags: map[string][]string{
	"srkit.test.events.OrderPlaced.Line.sku":            {"PII"},
	"**.Discount.code":                                  {"PII"},
	"srkit.test.common.Customer.attrs":                  {"PII"},
	"srkit.test.events.OrderPlaced.counters":            {"PII"},
	"srkit.test.events.OrderPlaced.CountersEntry.value": {"COUNT"},
}}

// wantPII is what a PII rule visits in ruleOrder, in walk order: fields in
// declaration order, elements in order, map values by key (as the map
// field, typed MAP); the oneof's unset branch is not visited.
var wantPII = []string{
	"srkit.test.common.Customer.email STRING [CONTACT PII] ada@example.com in Customer",
	"srkit.test.common.Customer.attrs MAP [PII] north in Customer",
	"srkit.test.common.Customer.attrs MAP [PII] gold in Customer",
	"srkit.test.events.OrderPlaced.Line.sku STRING [PII] a-1 in Line",
	"srkit.test.events.OrderPlaced.Line.Discount.code STRING [PII] x in Discount",
	"srkit.test.events.OrderPlaced.Line.sku STRING [PII] b-2 in Line",
	"srkit.test.events.OrderPlaced.iban STRING [PII] de00 in OrderPlaced",
	"srkit.test.events.OrderPlaced.counters MAP [PII] 3 in OrderPlaced",
}

// checkUpper checks that m (decoded without rules) has ruleOrder's PII
// strings upper-cased and nothing else changed: not the map's values,
// which are typed MAP.
func checkUpper(t *testing.T, m proto.Message) {
	t.Helper()
	want := ruleOrder()
	want.Customer.Email = "ADA@EXAMPLE.COM"
	want.Lines[0].Sku, want.Lines[1].Sku = "A-1", "B-2"
	want.Lines[0].Discount.Code = "X"
	want.Payment = &srkittestpb.OrderPlaced_Iban{Iban: "DE00"}
	sameMessage(t, m, want)
}

// ruleSerializer returns a serializer of T writing the latest schema of
// topic's subject with the TEST executor.
func ruleSerializer[T any](t *testing.T, c *registry.Client, e *ruleExec, opts ...serde.SerializerOption) *serde.Serializer[T] {
	t.Helper()
	s, err := protobuf.NewSerializer[T](c, serde.Value, append([]serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ruleDeserializer[T any](t *testing.T, c *registry.Client, e *ruleExec, opts ...serde.DeserializerOption) *serde.Deserializer[T] {
	t.Helper()
	if e != nil {
		opts = append(opts, serde.WithRuleExecutors(e))
	}
	d, err := protobuf.NewDeserializer[T](c, serde.Value, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dynamicOrder returns ruleOrder as a dynamic message of the schema the
// registry holds for topic.
func dynamicOrder(t *testing.T, c *registry.Client, topic string) *dynamicpb.Message {
	t.Helper()
	return dynamicOf(t, c, topic, ruleOrder())
}

// dynamicOf returns m as a dynamic message of the schema the registry
// holds for topic (written without rules, read back through a
// deserializer without rules).
func dynamicOf(t *testing.T, c *registry.Client, topic string, m proto.Message) *dynamicpb.Message {
	t.Helper()
	off := true
	s, err := protobuf.NewSerializer[proto.Message](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false),
		serde.WithRuleOverrides(serde.RuleOverride{Disabled: &off}))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(ctx, topic, m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ruleDeserializer[*dynamicpb.Message](t, c, nil, serde.WithRuleOverrides(serde.RuleOverride{Disabled: &off})).Deserialize(ctx, topic, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRuleFieldTransformWrite: a WRITE transform on PII fields — tagged
// inline ((confluent.field_meta).tags) and through metadata.tags — visits
// exactly them, with Confluent's full names and types, through nested and
// repeated messages, maps and the set oneof branch; the bytes carry the
// new values and the caller's message is unchanged. Generated messages,
// and dynamic ones of the registry's schema.
func TestRuleFieldTransformWrite(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("pii", registry.RuleKindTransform, registry.RuleModeWrite, "upper", "PII")}}
	registerWithRules(t, c, "rt", ruleOrder(), rs, ruleMetadata)
	plain := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, nil)

	write := func(t *testing.T, b []byte, err error, in proto.Message, before proto.Message) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if got := e.take(); !slices.Equal(got, wantPII) {
			t.Errorf("visited\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantPII, "\n"))
		}
		if !proto.Equal(in, before) {
			t.Errorf("the caller's message changed: %v", in)
		}
		got, err := plain.Deserialize(ctx, "rt", b, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkUpper(t, got)
	}
	t.Run("generated", func(t *testing.T) {
		in := ruleOrder()
		cust, line := in.Customer, in.Lines[0]
		b, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "rt", in)
		write(t, b, err, in, ruleOrder())
		if in.Customer != cust || in.Lines[0] != line || cust.Email != "ada@example.com" || line.Discount.Code != "x" || cust.Attrs["tier"] != "gold" {
			t.Errorf("the caller's nested messages changed: %v %v", cust, line)
		}
	})
	t.Run("dynamic", func(t *testing.T) {
		in := dynamicOrder(t, c, "rt")
		before := proto.Clone(in)
		e.take()
		b, _, err := ruleSerializer[*dynamicpb.Message](t, c, e).Serialize(ctx, "rt", in)
		write(t, b, err, in, before)
	})
	t.Run("interface", func(t *testing.T) {
		in := ruleOrder()
		b, _, err := ruleSerializer[proto.Message](t, c, e).Serialize(ctx, "rt", in)
		write(t, b, err, in, ruleOrder())
	})
}

// TestRuleFieldTransformRead: a WRITEREAD transform runs on write and, on
// read, on the decoded message (generated or dynamic): rot13 twice is the
// original, while the bytes carry the transformed values.
func TestRuleFieldTransformRead(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("pii", registry.RuleKindTransform, registry.RuleModeWriteRead, "rot13", "PII")}}
	registerWithRules(t, c, "rr", ruleOrder(), rs, ruleMetadata)
	b, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "rr", ruleOrder())
	if err != nil {
		t.Fatal(err)
	}
	var wire srkittestpb.OrderPlaced
	if err := proto.Unmarshal(b[6:], &wire); err != nil {
		t.Fatal(err)
	}
	if wire.Customer.Email != rot13("ada@example.com") || wire.GetIban() != rot13("de00") || wire.Lines[1].Sku != rot13("b-2") {
		t.Fatalf("the bytes carry %v", &wire)
	}
	e.take()
	gen, err := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, e).Deserialize(ctx, "rr", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, gen, ruleOrder())
	if n := len(e.take()); n != len(wantPII) {
		t.Errorf("read visited %d fields, want %d", n, len(wantPII))
	}
	dyn, err := ruleDeserializer[proto.Message](t, c, e).Deserialize(ctx, "rr", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dyn.(*dynamicpb.Message); !ok {
		t.Fatalf("read %T", dyn)
	}
	sameMessage(t, dyn, ruleOrder())
}

// TestRuleFieldsAll: a rule without tags visits every leaf: scalars,
// enums (as their symbols), well-known types as the messages they are,
// map values (not keys, as the map field typed MAP), repeated elements;
// not unset messages or oneof branches.
func TestRuleFieldsAll(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("all", registry.RuleKindTransform, registry.RuleModeWrite, "same")}}
	registerWithRules(t, c, "ra", ruleOrder(), rs, ruleMetadata)
	in := ruleOrder()
	if _, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "ra", in); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"srkit.test.events.OrderPlaced.order_id STRING [] o-1 in OrderPlaced",
		"srkit.test.base.Ident.id STRING [] c-9 in Ident",
		"srkit.test.base.Ident.namespace STRING [] eu in Ident",
		"srkit.test.common.Customer.email STRING [CONTACT PII] ada@example.com in Customer",
		"srkit.test.common.Customer.level ENUM [] GOLD in Customer",
		"google.protobuf.Timestamp.seconds LONG [] 1700000000 in Timestamp",
		"google.protobuf.Timestamp.nanos INT [] 5 in Timestamp",
		"srkit.test.common.Customer.attrs MAP [PII] north in Customer",
		"srkit.test.common.Customer.attrs MAP [PII] gold in Customer",
		"srkit.test.events.OrderPlaced.Line.sku STRING [PII] a-1 in Line",
		"srkit.test.events.OrderPlaced.Line.quantity INT [] 2 in Line",
		"srkit.test.events.OrderPlaced.Line.Discount.code STRING [PII] x in Discount",
		"srkit.test.events.OrderPlaced.Line.Discount.percent DOUBLE [] 5 in Discount",
		"srkit.test.events.OrderPlaced.Line.sku STRING [PII] b-2 in Line",
		"srkit.test.events.OrderPlaced.Line.quantity INT [] 1 in Line",
		"srkit.test.events.OrderPlaced.status ENUM [] PAID in OrderPlaced",
		"google.protobuf.StringValue.value STRING [] leave at door in StringValue",
		"srkit.test.events.OrderPlaced.iban STRING [PII] de00 in OrderPlaced",
		"srkit.test.events.OrderPlaced.counters MAP [PII] 3 in OrderPlaced",
	}
	if got := e.take(); !slices.Equal(got, want) {
		t.Errorf("visited\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !proto.Equal(in, ruleOrder()) {
		t.Errorf("the caller's message changed: %v", in)
	}
}

// TestRuleFieldsPruned: a rule whose tags no field carries visits nothing
// and writes the message as it is, and so does one whose tag only the
// value field of a map's entry carries (COUNT); a rule on one tag visits
// only its fields.
func TestRuleFieldsPruned(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		testRuleOf("none", registry.RuleKindTransform, registry.RuleModeWrite, "nil", "NOPE"),
		testRuleOf("count", registry.RuleKindTransform, registry.RuleModeWrite, "same", "COUNT"),
		testRuleOf("contact", registry.RuleKindTransform, registry.RuleModeWrite, "nil", "CONTACT"),
	}}
	registerWithRules(t, c, "rp", ruleOrder(), rs, ruleMetadata)
	b, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "rp", ruleOrder())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"srkit.test.common.Customer.email STRING [CONTACT PII] ada@example.com in Customer",
	}
	if got := e.take(); !slices.Equal(got, want) {
		t.Errorf("visited %q, want %q", got, want)
	}
	got, err := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, nil).Deserialize(ctx, "rp", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := ruleOrder()
	w.Customer.Email = "" // set to nil: cleared
	sameMessage(t, got, w)
}

// TestRuleFieldErrors: a result of the wrong kind, and nil for a map
// value, fail the rule and name the field.
func TestRuleFieldErrors(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("nil-map", registry.RuleKindTransform, registry.RuleModeWrite, "nil", "PII")}}
	registerWithRules(t, c, "re", ruleOrder(), rs, ruleMetadata)
	_, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "re", ruleOrder())
	var re *serde.RuleError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "srkit.test.common.Customer.attrs") {
		t.Fatalf("got %v, want a rule error naming the field", err)
	}
}

// TestRuleWholeMessage: a whole-message transform (Generic, then Replace)
// may hand back the message of its codec's type, the same message as a
// dynamic one, or its JSON object; the caller's message is unchanged.
func TestRuleWholeMessage(t *testing.T) {
	for _, op := range []string{"set", "setdyn", "setjson"} {
		t.Run(op, func(t *testing.T) {
			c := ruleMock(t)
			e := &ruleExec{}
			rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("w", registry.RuleKindTransform, registry.RuleModeWrite, op+":order_id=o-2")}}
			registerWithRules(t, c, "rw", ruleOrder(), rs, nil)
			want := ruleOrder()
			want.OrderId = "o-2"
			plain := ruleDeserializer[*srkittestpb.OrderPlaced](t, c, nil)
			in := ruleOrder()
			b, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "rw", in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := plain.Deserialize(ctx, "rw", b, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameMessage(t, got, want)
			if in.OrderId != "o-1" {
				t.Errorf("the caller's message changed")
			}
			dyn := dynamicOrder(t, c, "rw")
			if b, _, err = ruleSerializer[*dynamicpb.Message](t, c, e).Serialize(ctx, "rw", dyn); err != nil {
				t.Fatal(err)
			}
			if got, err = plain.Deserialize(ctx, "rw", b, nil); err != nil {
				t.Fatal(err)
			}
			sameMessage(t, got, want)
		})
	}
}

// TestRuleConditionsAndDeadLetter: a CONDITION that holds lets the
// message through; one that fails with DLQ gives the message as JSON the
// way Confluent's clients render it (JSON names, default values).
func TestRuleConditionsAndDeadLetter(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		testRuleOf("ok", registry.RuleKindCondition, registry.RuleModeWrite, "true"),
		func() registry.Rule {
			r := testRuleOf("bad", registry.RuleKindCondition, registry.RuleModeWrite, "false")
			r.OnFailure = "DLQ"
			return r
		}(),
	}}
	registerWithRules(t, c, "rc", ruleOrder(), rs, nil)
	in := ruleOrder()
	in.Lines[1].Quantity = 0
	_, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "rc", in)
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter == nil {
		t.Fatalf("got %v, want a dead-lettered rule error", err)
	}
	if got := e.take(); !slices.Equal(got, []string{"ok WRITE", "bad WRITE"}) {
		t.Errorf("ran %v", got)
	}
	var j map[string]any
	if err := json.Unmarshal(re.DeadLetter.Value, &j); err != nil {
		t.Fatalf("dead-letter value %s: %v", re.DeadLetter.Value, err)
	}
	lines := j["lines"].([]any)
	if j["orderId"] != "o-1" || j["status"] != "PAID" || j["iban"] != "de00" || lines[1].(map[string]any)["quantity"] != 0.0 ||
		j["customer"].(map[string]any)["since"] != "2023-11-14T22:13:20.000000005Z" || j["counters"].(map[string]any)["retries"] != "3" {
		t.Errorf("dead-letter value %s", re.DeadLetter.Value)
	}
	if _, ok := j["cardToken"]; ok {
		t.Errorf("the unset oneof branch is in %s", re.DeadLetter.Value)
	}
}
