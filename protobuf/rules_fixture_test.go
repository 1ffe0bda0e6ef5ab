package protobuf_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// ruleExec runs rules of type TEST; the rule's expr says what to do:
//
//	true, false     a condition's result
//	upper           upper-case the visited string fields (others left)
//	rot13           rot13 the visited string fields (WRITEREAD: read undoes write)
//	same            visit and return every value as it is
//	nil             set the visited fields to nil
//	set:F=V         (whole message) a copy with string field F set to V
//	setdyn:F=V      the same, the copy a dynamic message
//	setjson:F=V     the same, the copy as a JSON object (map[string]any)
//	json:OPS        (migration) run OPS on the JSON form: "mv a b", "rm a",
//	                "num a" (string to number), "str a" (number to string),
//	                "set a v", separated by commas
//
// Every visited field is logged as "fullName TYPE [tags] value".
type ruleExec struct {
	mu  sync.Mutex
	log []string
}

func (e *ruleExec) Type() string { return "TEST" }

func (e *ruleExec) Compile(_ context.Context, r *registry.Rule, _ *serde.ResolvedSchema) (serde.CompiledRule, error) {
	return testRule{e: e, expr: r.Expr}, nil
}

func (e *ruleExec) add(s string) {
	e.mu.Lock()
	e.log = append(e.log, s)
	e.mu.Unlock()
}

// take returns the log and clears it.
func (e *ruleExec) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.log
	e.log = nil
	return out
}

type testRule struct {
	e    *ruleExec
	expr string
}

func (t testRule) Run(_ context.Context, rc *serde.RuleContext, m *serde.Message) (bool, error) {
	op, arg, _ := strings.Cut(t.expr, ":")
	switch op {
	case "true", "false":
		t.e.add(fmt.Sprintf("%s %s", rc.Rule.Name, rc.Mode))
		return op == "true", nil
	case "upper", "rot13", "same", "nil":
		return true, m.TransformFields(rc.Rule.Tags, func(f *serde.Field, v any) (any, error) {
			c, err := f.Containing()
			if err != nil {
				return nil, err
			}
			t.e.add(fmt.Sprintf("%s %s %v %v in %s", f.FullName, f.Type, f.Tags, v, c.(proto.Message).ProtoReflect().Descriptor().Name()))
			s, isString := v.(string)
			switch {
			case op == "nil":
				return nil, nil
			case op == "same" || !isString || f.Type != serde.TypeString:
				return v, nil
			case op == "upper":
				return strings.ToUpper(s), nil
			}
			return rot13(s), nil
		})
	case "set", "setdyn", "setjson":
		g, err := m.Generic()
		if err != nil {
			return false, err
		}
		name, val, _ := strings.Cut(arg, "=")
		var c proto.Message
		if op == "setdyn" { // the same message as another Go type
			b, err := proto.Marshal(g.(proto.Message))
			if err != nil {
				return false, err
			}
			c = dynamicpb.NewMessage(g.(proto.Message).ProtoReflect().Descriptor())
			if err := proto.Unmarshal(b, c); err != nil {
				return false, err
			}
		} else {
			c = proto.Clone(g.(proto.Message))
		}
		fd := c.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(name))
		c.ProtoReflect().Set(fd, protoreflect.ValueOfString(val))
		if op == "setjson" { // a JSON object
			b, err := protojson.Marshal(c)
			if err != nil {
				return false, err
			}
			var j map[string]any
			if err := json.Unmarshal(b, &j); err != nil {
				return false, err
			}
			return true, m.Replace(j)
		}
		return true, m.Replace(c)
	case "json":
		g, err := m.Generic()
		if err != nil {
			return false, err
		}
		in := g.(map[string]any)
		t.e.add(fmt.Sprintf("%s %s %v", rc.Rule.Name, rc.Mode, sortedKeys(in)))
		out := map[string]any{}
		for k, v := range in {
			out[k] = v
		}
		for _, step := range strings.Split(arg, ",") {
			f := strings.Fields(step)
			switch f[0] {
			case "mv":
				out[f[2]] = out[f[1]]
				delete(out, f[1])
			case "rm":
				delete(out, f[1])
			case "num":
				n, err := strconv.ParseFloat(out[f[1]].(string), 64)
				if err != nil {
					return false, err
				}
				out[f[1]] = n
			case "str":
				out[f[1]] = strconv.FormatFloat(out[f[1]].(float64), 'f', -1, 64)
			case "set":
				out[f[1]] = f[2]
			}
		}
		return true, m.Replace(out)
	}
	return false, errors.New("unknown TEST expr " + t.expr)
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func rot13(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		}
		return r
	}, s)
}

// testRuleOf returns a TEST rule.
func testRuleOf(name string, kind registry.RuleKind, mode registry.RuleMode, expr string, tags ...string) registry.Rule {
	return registry.Rule{Name: name, Kind: kind, Mode: mode, Type: "TEST", Expr: expr, Tags: tags}
}

// ruleMock is a mock registry that knows the Protobuf format, with
// compatibility checks off unless opts say otherwise.
func ruleMock(t *testing.T, opts ...mockregistry.Option) *registry.Client {
	t.Helper()
	return newMock(t, append([]mockregistry.Option{mockregistry.WithCompatibility(registry.None)}, opts...)...)
}

// registerWithRules registers msg's file under topic's value subject (its
// imports first, by auto-registration) and then again with rs and md, and
// returns that version.
func registerWithRules(t testing.TB, c *registry.Client, topic string, msg proto.Message, rs *registry.RuleSet, md *registry.Metadata) registry.SubjectSchema {
	t.Helper()
	s, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, topic, msg); err != nil {
		t.Fatal(err)
	}
	first, err := c.LatestSchema(ctx, topic+"-value")
	if err != nil {
		t.Fatal(err)
	}
	sch := first.Schema
	sch.RuleSet, sch.Metadata = rs, md
	got, err := c.Register(ctx, topic+"-value", sch)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
