package jsonschema

import (
	"context"
	"errors"
	"strings"
	"testing"

	costbudget "github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/internal/race"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// ruleHostileSchema is recursive, with tagged strings at every level and
// a tagged and an untagged array.
const ruleHostileSchema = `{"$id":"http://x/r","type":"object","properties":{
 "s":{"type":"string","confluent:tags":["PII"]},
 "next":{"$ref":"#"},
 "xs":{"type":"array","items":{"type":"string","confluent:tags":["PII"]}},
 "ns":{"type":"array","items":{"type":"integer"}},
 "any":{"anyOf":[{"type":"string","confluent:tags":["PII"]},{"type":"array","items":{"$ref":"#"}}]}}}`

// ruleRegistry serves ruleHostileSchema with a CEL_FIELD rule on read as
// ID 1, tagging "**.s" PII through metadata as well.
func ruleRegistry(tb testing.TB) *registry.Client {
	rs := &registry.RuleSet{DomainRules: []registry.Rule{{Name: "mask", Kind: registry.RuleKindTransform,
		Mode: registry.RuleModeRead, Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "typeName == 'STRING' ; 'x' + value"}}}
	md := &registry.Metadata{Tags: map[string][]string{"**.s": {"PII"}}}
	return vectortest.Serve(tb, &vectortest.Vector{Registry: []vectortest.Registered{{SubjectSchema: registry.SubjectSchema{
		Subject: "hostile-value", Version: 1, ID: 1,
		Schema: registry.Schema{Schema: ruleHostileSchema, SchemaType: registry.JSON, Metadata: md, RuleSet: rs}}}}})
}

func framed(body string) []byte { return append([]byte{0, 0, 0, 0, 1}, body...) }

// hostileRuleCase is a hostile message for ruleHostileSchema, read with
// opts; limitErr: the depth limit refuses it.
type hostileRuleCase struct {
	name     string
	body     string
	opts     []serde.DeserializerOption
	limitErr bool
}

func hostileRuleCases() []hostileRuleCase {
	// encoding/json refuses more than 10,000 levels itself.
	deep := strings.Repeat(`{"s":"a","next":`, 9_990) + "{}" + strings.Repeat("}", 9_990)
	chain := strings.Repeat(`{"next":`, 9_990) + `{"s":"a"}` + strings.Repeat("}", 9_990)
	deepAny := strings.Repeat(`{"any":[`, 4_990) + "{}" + strings.Repeat("]}", 4_990)
	wide := `{"xs":[` + strings.Repeat(`"a",`, 1_000_000) + `"a"],"ns":[` + strings.Repeat("1,", 1_000_000) + "1]}"
	return []hostileRuleCase{
		{"10k deep, validated", deep, nil, true},
		{"10k deep, not validated", deep, []serde.DeserializerOption{serde.Validate(false)}, true},
		{"10k deep, no leaf above the last, limit raised", chain, []serde.DeserializerOption{WithLimits(Limits{MaxDepth: MaxMaxDepth})}, false},
		{"10k deep through anyOf, limit raised", deepAny, []serde.DeserializerOption{WithLimits(Limits{MaxDepth: MaxMaxDepth})}, false},
		{"a million items in each array", wide, nil, false},
	}
}

// Field rules over hostile messages fail fast at the depth limit, or cost
// in proportion to the message: 10,000 levels deep (refused at the
// default limit; walked when the limit allows it), a million array items.
func TestRulesHostileMessages(t *testing.T) {
	testHostileRules(t, func(t *testing.T, m map[string]any) {
		last := m
		for n, ok := last["next"].(map[string]any); ok; n, ok = last["next"].(map[string]any) {
			last = n
		}
		if s, ok := last["s"].(string); ok && s != "xa" {
			t.Fatalf("s = %q, not masked", s)
		}
		if xs, _ := m["xs"].([]any); len(xs) > 0 && (xs[0] != "xa" || xs[len(xs)-1] != "xa") {
			t.Fatalf("xs not masked: %v…", xs[0])
		}
	})
}

// testHostileRules reads the hostile messages into T, checking what is
// read with check.
func testHostileRules[T any](t *testing.T, check func(*testing.T, T)) {
	if testing.Short() {
		t.Skip("builds messages of megabytes")
	}
	ctx := context.Background()
	client := ruleRegistry(t)
	for _, tc := range hostileRuleCases() {
		t.Run(tc.name, func(t *testing.T) {
			if race.Enabled && len(tc.body) > 1<<20 {
				t.Skip("megabytes of message under the race detector take half a minute; the budget is checked without it")
			}
			d, err := NewDeserializer[T](client, serde.Value, append(tc.opts, rules.Standard())...)
			if err != nil {
				t.Fatal(err)
			}
			payload := framed(tc.body)
			// Warm the registry lookup and the plan first.
			if _, err := d.Deserialize(ctx, "hostile", framed(`{"s":"a"}`), nil); err != nil {
				t.Fatal(err)
			}
			costbudget.Default().CheckInline(t, tc.name, len(payload), func() {
				m, err := d.Deserialize(ctx, "hostile", payload, nil)
				var le *LimitError
				if tc.limitErr {
					if !errors.As(err, &le) {
						t.Fatalf("err = %v, want a *LimitError", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				check(t, m)
			})
		})
	}
}

// FuzzDeserializeRules feeds arbitrary bodies to a deserializer running a
// CEL_FIELD rule over a recursive schema: it may fail, never panic, and
// stays within the budget of a decoder.
func FuzzDeserializeRules(f *testing.F) {
	client := ruleRegistry(f)
	for _, s := range []string{
		`{"s":"a","next":{"s":"b","xs":["c","d"]},"ns":[1,2]}`,
		`{"any":["a",[{"s":"b"}]]}`,
		`{"any":[{"any":[{"s":1}]}]}`,
		`{"s":null,"xs":[null,1,"a",{}],"next":[]}`,
		strings.Repeat(`{"next":`, 200) + "{}" + strings.Repeat("}", 200),
		`[1,2,3]`, `"a"`, `{"s":"\u00e9\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	validating, err := NewDeserializer[map[string]any](client, serde.Value, rules.Standard())
	if err != nil {
		f.Fatal(err)
	}
	loose, err := NewDeserializer[any](client, serde.Value, serde.Validate(false), WithLimits(Limits{MaxDepth: 1_000}), rules.Standard())
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		payload := append([]byte{0, 0, 0, 0, 1}, body...)
		costbudget.Default().Check(t, "one body", len(payload), func() {
			_, _ = validating.Deserialize(ctx, "hostile", payload, nil)
			_, _ = loose.Deserialize(ctx, "hostile", payload, nil)
		})
	})
}

// hostileNode holds ruleHostileSchema's messages as a struct, whose JSON
// form is the message's (without omitempty, a struct's every level would
// hold a tagged "s", and the lazy plan's full names grow with depth).
type hostileNode struct {
	S    string       `json:"s,omitempty"`
	Next *hostileNode `json:"next,omitempty"`
	Xs   []string     `json:"xs,omitempty"`
	Ns   []int        `json:"ns,omitempty"`
	Any  any          `json:"any,omitempty"`
}

// The same messages read into a struct: the typed walk (and the JSON form
// it falls back to deep in the recursive schema) fails at the depth limit
// or costs in proportion to the message.
func TestRulesHostileTypedMessages(t *testing.T) {
	testHostileRules(t, func(t *testing.T, m *hostileNode) {
		last := m
		for last.Next != nil {
			last = last.Next
		}
		if last.S != "" && last.S != "xa" {
			t.Fatalf("s = %q, not masked", last.S)
		}
		if len(m.Xs) > 0 && (m.Xs[0] != "xa" || m.Xs[len(m.Xs)-1] != "xa") {
			t.Fatalf("xs not masked: %v…", m.Xs[0])
		}
	})
}
