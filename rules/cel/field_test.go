package cel_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules/internal/rulestest"
	"github.com/srkit-go/srkit/serde"
)

var fieldTags = &registry.Metadata{Tags: map[string][]string{
	"$.items.sku": {"SKU"},
	"**.attrs":    {"ATTR"},
	"$.quantity":  {"NUM"},
	"$.price":     {"NUM"},
}}

func TestCELFieldTransform(t *testing.T) {
	mask := "typeName == 'STRING' ; '***' + value.substring(value.size() - 4)"
	cases := []struct {
		name string
		rule registry.Rule
		in   func(rulestest.Doc)
		want func(rulestest.Doc)
	}{
		{"mask PII (inline tags, nested record)", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", mask, withTags("PII")), nil,
			func(d rulestest.Doc) {
				d["email"], d["ssn"] = "***.com", "***6789"
				d["address"] = map[string]any{"street": "***reet", "zip": "94105"}
			}},
		{"null field: the guard sees NULL", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", mask, withTags("PII")),
			func(d rulestest.Doc) { d["email"] = nil },
			func(d rulestest.Doc) {
				d["email"], d["ssn"] = nil, "***6789"
				d["address"] = map[string]any{"street": "***reet", "zip": "94105"}
			}},
		{"array of records (metadata tags)", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "value.lowerAscii()", withTags("SKU")), nil,
			func(d rulestest.Doc) {
				d["items"] = []any{map[string]any{"sku": "a-1", "qty": 1.0}, map[string]any{"sku": "b-2", "qty": 2.0}}
			}},
		{"map values", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "name + ':' + value", withTags("ATTR")), nil,
			func(d rulestest.Doc) { d["attrs"] = map[string]any{"color": "attrs:red", "size": "attrs:XL"} }},
		{"variables", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD",
			"name == 'street' ; fullName + '|' + name + '|' + typeName + '|' + tags.join(',') + '|' + message.zip", withTags("PII")), nil,
			func(d rulestest.Doc) {
				d["address"] = map[string]any{"street": "$.address.street|street|STRING|PII|94105", "zip": "94105"}
			}},
		{"numbers keep their kind", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "typeName == 'DOUBLE' ? dyn(value * 2.0) : dyn(value * 2)", withTags("NUM")),
			func(d rulestest.Doc) { d["quantity"], d["price"] = int32(21), float32(1.25) },
			func(d rulestest.Doc) { d["quantity"], d["price"] = 42.0, 2.5 }},
		{"all fields when the rule has no tags", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "typeName == 'BOOLEAN' ; !value"), nil,
			func(d rulestest.Doc) { d["active"] = false }},
		{"null result", celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "name == 'email' ; null", withTags("PII")), nil,
			func(d rulestest.Doc) { d["email"] = nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := order()
			if c.in != nil {
				c.in(in)
			}
			got, err := write(t, []registry.Rule{c.rule}, fieldTags, in)
			if err != nil {
				t.Fatal(err)
			}
			want := jsonRoundTrip(t, order())
			if c.in != nil {
				c.in(want)
			}
			c.want(want)
			want = jsonRoundTrip(t, want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %v\nwant %v", got, want)
			}
		})
	}
}

// The caller's value, and everything it points to, is unchanged by a
// write transform.
func TestCELFieldTransformKeepsCallerValue(t *testing.T) {
	in := order()
	if _, err := write(t, []registry.Rule{celRule(registry.RuleKindTransform, registry.RuleModeWrite, "CEL_FIELD", "'x'", withTags("PII", "SKU", "ATTR"))}, fieldTags, in); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, order()) {
		t.Fatalf("the caller's value changed: %v", in)
	}
}

func TestCELFieldCondition(t *testing.T) {
	cases := []struct {
		expr string
		tags []string
		ok   bool
	}{
		{"value.size() < 20", []string{"PII"}, true},
		{"value.size() < 12", []string{"PII"}, false}, // the street
		{"name != 'ssn'", []string{"PII"}, false},
		{"typeName == 'STRING' ; value.startsWith('A') || value.startsWith('B')", []string{"SKU"}, true},
		{"value > 0", []string{"NUM"}, true},
		{"value > 10", []string{"NUM"}, false},
		{"name == 'zip' ; value == '00000'", nil, false},
	}
	for _, c := range cases {
		_, err := write(t, []registry.Rule{celRule(registry.RuleKindCondition, registry.RuleModeWrite, "CEL_FIELD", c.expr, withTags(c.tags...))}, fieldTags, order())
		if c.ok && err != nil {
			t.Errorf("%q: %v", c.expr, err)
		}
		if !c.ok && !errors.Is(err, serde.ErrRuleConditionFailed) {
			t.Errorf("%q: got %v, want a failed condition", c.expr, err)
		}
	}
}

func jsonRoundTrip(t *testing.T, d rulestest.Doc) rulestest.Doc {
	t.Helper()
	out, err := (rulestest.Codec{}).Decoder(t.Context(), &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: orderSchema}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, _, _ := (rulestest.Codec{}).Encoder(t.Context(), &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: orderSchema}}}, nil)
	b, err := enc.AppendEncode(nil, d)
	if err != nil {
		t.Fatal(err)
	}
	var got rulestest.Doc
	if err := out.Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	return got
}
