package cel_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules/cel"
	"github.com/srkit-go/srkit/rules/internal/rulestest"
	"github.com/srkit-go/srkit/serde"
)

// orderSchema is the fake format's schema of the tests: nested record,
// array of records, map, nullable and tagged fields.
const orderSchema = `{"type":"object","properties":{
 "orderId":{"type":"string"},
 "quantity":{"type":"integer"},
 "price":{"type":"number"},
 "currency":{"type":"string"},
 "active":{"type":"boolean"},
 "email":{"type":["null","string"],"confluent:tags":["PII"]},
 "ssn":{"type":"string","confluent:tags":["PII"]},
 "address":{"type":"object","properties":{"street":{"type":"string","confluent:tags":["PII"]},"zip":{"type":"string"}}},
 "items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}},
 "attrs":{"type":"object","additionalProperties":{"type":"string"}}
}}`

func order() rulestest.Doc {
	return rulestest.Doc{
		"orderId": "ORD-7", "quantity": 3, "price": 19.5, "currency": "EUR", "active": true,
		"email": "ada@example.com", "ssn": "123-45-6789",
		"address": map[string]any{"street": "1 Main Street", "zip": "94105"},
		"items":   []any{map[string]any{"sku": "A-1", "qty": 1}, map[string]any{"sku": "B-2", "qty": 2}},
		"attrs":   map[string]any{"color": "red", "size": "XL"},
	}
}

func celRule(kind registry.RuleKind, mode registry.RuleMode, typ, expr string, mods ...func(*registry.Rule)) registry.Rule {
	r := registry.Rule{Name: "r", Kind: kind, Mode: mode, Type: typ, Expr: expr}
	for _, m := range mods {
		m(&r)
	}
	return r
}

func withName(n string) func(*registry.Rule)    { return func(r *registry.Rule) { r.Name = n } }
func withTags(t ...string) func(*registry.Rule) { return func(r *registry.Rule) { r.Tags = t } }
func withOnFailure(a string) func(*registry.Rule) {
	return func(r *registry.Rule) { r.OnFailure = a }
}
func withParams(kv ...string) func(*registry.Rule) {
	return func(r *registry.Rule) {
		r.Params = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Params[kv[i]] = kv[i+1]
		}
	}
}

func executors(opts ...cel.Option) serde.Option {
	return serde.WithRuleExecutors(cel.NewExecutor(opts...), cel.NewFieldExecutor(opts...))
}

// write serializes v with the rules and reads the bytes back without
// rules, returning what was written.
func write(t *testing.T, rules []registry.Rule, md *registry.Metadata, v rulestest.Doc, opts ...cel.Option) (rulestest.Doc, error) {
	t.Helper()
	f := rulestest.NewFixture(t, registry.Schema{Schema: orderSchema, RuleSet: &registry.RuleSet{DomainRules: rules}, Metadata: md})
	ctx := context.Background()
	b, _, err := f.Serializer(t, executors(opts...)).Serialize(ctx, "orders", v)
	if err != nil {
		return nil, err
	}
	var out rulestest.Doc
	if err := json.Unmarshal(b[5:], &out); err != nil {
		t.Fatal(err)
	}
	return out, nil
}

func TestCELCondition(t *testing.T) {
	cases := []struct {
		name string
		expr string
		ok   bool
	}{
		{"vector", "message.quantity > 0 && message.currency in ['EUR', 'USD']", true},
		{"false", "message.quantity > 10", false},
		{"nested record", "message.address.zip.startsWith('94')", true},
		{"array of records", "message.items.all(i, i.qty > 0) && message.items[1].sku == 'B-2'", true},
		{"array size", "size(message.items) == 3", false},
		{"map", "message.attrs['color'] == 'red' && 'size' in message.attrs", true},
		{"string extensions", "message.orderId.substring(0, 3) == 'ORD' && message.currency.lowerAscii() == 'eur'", true},
		{"validators", "message.email.isEmail() && !message.orderId.isEmail() && message.address.zip.matches('^[0-9]{5}$')", true},
		{"double and int", "message.price > 19 && message.price < 20.0", true},
		{"bool", "message.active", true},
		{"has", "has(message.orderId) && !has(message.missing)", true},
		{"guard false skips", "message.quantity > 100 ; message.currency == 'JPY'", true},
		{"guard true runs", "message.quantity > 1 ; message.currency == 'JPY'", false},
		{"guard error skips", "message.nope.x ; false", true},
		{"math extension", "math.greatest(message.quantity, 2) == 3", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := write(t, []registry.Rule{celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", c.expr)}, nil, order())
			if c.ok && err != nil {
				t.Fatalf("condition %q: %v", c.expr, err)
			}
			if !c.ok && !errors.Is(err, serde.ErrRuleConditionFailed) {
				t.Fatalf("condition %q: got %v, want a failed condition", c.expr, err)
			}
		})
	}
}

func TestCELNull(t *testing.T) {
	v := order()
	v["email"] = nil
	if _, err := write(t, []registry.Rule{celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.email == null")}, nil, v); err != nil {
		t.Fatal(err)
	}
}

func TestCELErrors(t *testing.T) {
	cases := []struct {
		name string
		rule registry.Rule
	}{
		{"syntax", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.quantity >")},
		{"unknown function", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.quantity.frobnicate()")},
		{"not a bool (checked)", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "'yes'")},
		{"not a bool (at run time)", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.orderId")},
		{"missing field", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.missing > 0")},
		{"type error", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.orderId > 3")},
		{"empty", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", " ; ")},
		{"field syntax", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "value +")},
		{"field not a bool", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL_FIELD", "value")},
		{"field wrong kind", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "typeName == 'STRING' ; 5", withTags("PII"))},
		{"field int overflow", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "name == 'quantity' ; 1.5")},
		{"transform to a list", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL", "[1, 2]")},
		{"cost limit", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL",
			"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, a+b+c+d+e+f > 0))))))")},
		{"huge string", celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.orderId + '"+strings.Repeat("x", cel.DefaultMaxExpressionSize)+"' == ''")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := write(t, []registry.Rule{c.rule}, nil, order())
			var re *serde.RuleError
			if !errors.As(err, &re) || re.Rule.Name != "r" {
				t.Fatalf("got %v, want a rule error", err)
			}
			if errors.Is(err, serde.ErrRuleConditionFailed) {
				t.Fatalf("got a failed condition, want an expression error: %v", err)
			}
			if serde.IsTransient(err) {
				t.Fatalf("an expression error is not transient: %v", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

// A failing expression with onFailure NONE lets the message through.
func TestCELErrorNone(t *testing.T) {
	if _, err := write(t, []registry.Rule{celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.quantity >", withOnFailure("NONE"))}, nil, order()); err != nil {
		t.Fatal(err)
	}
}

// A cancelled context ends a long evaluation with a transient error (the
// message is retried, no action runs).
func TestCELContextCancelled(t *testing.T) {
	f := rulestest.NewFixture(t, registry.Schema{Schema: orderSchema, RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{
		celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a+b+c > 0)))", withOnFailure("NONE")),
	}}})
	s := f.Serializer(t, executors(cel.WithCostLimit(1<<62)))
	if _, _, err := s.Serialize(context.Background(), "orders", order()); err != nil {
		t.Fatal(err) // warms the serializer up
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := s.Serialize(ctx, "orders", order())
	if !serde.IsTransient(err) {
		t.Fatalf("got %v, want a transient error", err)
	}
}

func TestCELTransform(t *testing.T) {
	got, err := write(t, []registry.Rule{celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL",
		"{'orderId': message.orderId.upperAscii() + '!', 'quantity': message.quantity * 2, 'items': message.items.filter(i, i.qty > 1), 'email': null}")}, nil, order())
	if err != nil {
		t.Fatal(err)
	}
	want := rulestest.Doc{"orderId": "ORD-7!", "quantity": 6.0, "items": []any{map[string]any{"sku": "B-2", "qty": 2.0}}, "email": nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestCELTransformIdentityAndGuard(t *testing.T) {
	for _, expr := range []string{"message", "false ; {'x': 1}"} {
		v := order()
		got, err := write(t, []registry.Rule{celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL", expr)}, nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if got["orderId"] != "ORD-7" || got["address"].(map[string]any)["zip"] != "94105" {
			t.Fatalf("%q: got %v", expr, got)
		}
	}
}

// cel.ignore.guard.separator: the ';' is part of the expression (here in a
// string literal).
func TestCELIgnoreGuardSeparator(t *testing.T) {
	r := celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.orderId + ';' == 'ORD-7;'", withParams(cel.ParamIgnoreGuardSeparator, "true"))
	if _, err := write(t, []registry.Rule{r}, nil, order()); err != nil {
		t.Fatal(err)
	}
	r.Params = nil // split at the ';' inside the literal: the guard does not compile, the body neither
	if _, err := write(t, []registry.Rule{r}, nil, order()); err == nil {
		t.Fatal("split expression compiled")
	}
}

// READ conditions run after decoding.
func TestCELRead(t *testing.T) {
	f := rulestest.NewFixture(t, registry.Schema{Schema: orderSchema, RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{
		celRule(registry.RuleKindCondition, registry.RuleModeRead, "CEL", "message.quantity < 3"),
	}}})
	ctx := context.Background()
	b, _, err := f.Serializer(t, executors()).Serialize(ctx, "orders", order())
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Deserializer(t, executors()).Deserialize(ctx, "orders", b, nil)
	var re *serde.RuleError
	if !errors.As(err, &re) || re.Mode != registry.RuleModeRead || !errors.Is(err, serde.ErrRuleConditionFailed) {
		t.Fatalf("got %v", err)
	}
}

// Many goroutines share one executor, serializer and program.
func TestCELConcurrent(t *testing.T) {
	f := rulestest.NewFixture(t, registry.Schema{Schema: orderSchema, Metadata: &registry.Metadata{Tags: map[string][]string{"$.orderId": {"ID"}}},
		RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{
			celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL", "message.quantity > 0"),
			celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "value + '-' + string(message.quantity)", withTags("ID"), withName("f")),
		}}})
	s := f.Serializer(t, executors())
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				v := order()
				v["quantity"] = i + 1
				b, _, err := s.Serialize(context.Background(), "orders", v)
				if err != nil {
					t.Error(err)
					return
				}
				var out rulestest.Doc
				_ = json.Unmarshal(b[5:], &out)
				if want := "ORD-7-" + itoa(i+1); out["orderId"] != want {
					t.Errorf("got %v, want %s", out["orderId"], want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// Rules the registry would refuse are refused by Compile too.
func TestCompileRefuses(t *testing.T) {
	for _, e := range []serde.RuleExecutor{cel.NewExecutor(), cel.NewFieldExecutor()} {
		for _, r := range []registry.Rule{
			{Name: "k", Kind: "VALIDATE", Type: e.Type(), Expr: "true"},
			{Name: "k", Kind: "", Type: e.Type(), Expr: "true"},
			{Name: "e", Kind: registry.RuleKindCondition, Type: e.Type(), Expr: ""},
		} {
			c, err := e.Compile(context.Background(), &r, &serde.ResolvedSchema{})
			if err == nil || c != nil || !errors.Is(err, cel.ErrExpression) {
				t.Errorf("%s %+v: got %v, %v", e.Type(), r, c, err)
			}
		}
	}
}
