package jsonata_test

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
	"github.com/srkit-go/srkit/rules/internal/rulestest"
	"github.com/srkit-go/srkit/rules/jsonata"
	"github.com/srkit-go/srkit/serde"
)

const (
	v1 = `{"type":"object","properties":{"name":{"type":"string"},"size":{"type":"integer"},"version":{"type":"integer"}}}`
	v2 = `{"type":"object","properties":{"name":{"type":"string"},"height":{"type":"integer"},"version":{"type":"integer"}}}`
	v3 = `{"type":"object","properties":{"title":{"type":"string"},"height":{"type":"integer"},"version":{"type":"integer"}}}`
)

func migration(name string, mode registry.RuleMode, expr string) registry.Rule {
	return registry.Rule{Name: name, Kind: registry.RuleKindTransform, Mode: mode, Type: "JSONATA", Expr: expr}
}

func versions(t *testing.T) *rulestest.Fixture {
	t.Helper()
	md := func(v string) *registry.Metadata {
		return &registry.Metadata{Properties: map[string]string{"major_version": v}}
	}
	return rulestest.NewFixture(t,
		registry.Schema{Schema: v1, Metadata: md("1")},
		registry.Schema{Schema: v2, Metadata: md("2"), RuleSet: &registry.RuleSet{MigrationRules: []registry.Rule{
			// The expressions of the golden vector avro_jsonata_migration.
			migration("sizeToHeight", registry.RuleModeUpgrade, "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])"),
			migration("heightToSize", registry.RuleModeDowngrade, "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])"),
		}}},
		registry.Schema{Schema: v3, Metadata: md("3"), RuleSet: &registry.RuleSet{MigrationRules: []registry.Rule{
			migration("nameToTitle", registry.RuleModeUpDown, "$exists(name) ? $merge([$sift($, function($v, $k) {$k != 'name'}), {'title': name}]) : $merge([$sift($, function($v, $k) {$k != 'title'}), {'name': title}])"),
		}}},
	)
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	f := versions(t)
	exec := serde.WithRuleExecutors(jsonata.NewExecutor())
	cases := []struct {
		name   string
		writer int // version index
		reader string
		in     rulestest.Doc
		want   rulestest.Doc
	}{
		{"v1 to v2", 0, "2", rulestest.Doc{"name": "gizmo", "size": 42, "version": 1}, rulestest.Doc{"name": "gizmo", "height": 42.0, "version": 1.0}},
		{"v1 to v3", 0, "3", rulestest.Doc{"name": "gizmo", "size": 42, "version": 1}, rulestest.Doc{"title": "gizmo", "height": 42.0, "version": 1.0}},
		{"v3 to v1", 2, "1", rulestest.Doc{"title": "gizmo", "height": 7, "version": 3}, rulestest.Doc{"name": "gizmo", "size": 7.0, "version": 3.0}},
		{"v2 to v1", 1, "1", rulestest.Doc{"name": "gizmo", "height": 7, "version": 2}, rulestest.Doc{"name": "gizmo", "size": 7.0, "version": 2.0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _, err := f.Serializer(t, serde.UseSchemaID(f.IDs[c.writer]), exec).Serialize(ctx, "orders", c.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Deserializer(t, exec, serde.UseLatestWithMetadata(map[string]string{"major_version": c.reader})).Deserialize(ctx, "orders", b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// run compiles and runs one rule on doc in the domain phase (WRITE).
func run(t *testing.T, r registry.Rule, doc rulestest.Doc, opts ...jsonata.Option) (rulestest.Doc, error) {
	t.Helper()
	r.Name, r.Type = "r", "JSONATA"
	if r.Mode == "" {
		r.Mode = registry.RuleModeWrite
	}
	f := rulestest.NewFixture(t, registry.Schema{Schema: v1, RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{r}}})
	b, _, err := f.Serializer(t, serde.WithRuleExecutors(jsonata.NewExecutor(opts...))).Serialize(context.Background(), "orders", doc)
	if err != nil {
		return nil, err
	}
	return f.Deserializer(t).Deserialize(context.Background(), "orders", b, nil)
}

func TestCondition(t *testing.T) {
	doc := rulestest.Doc{"name": "gizmo", "size": 42}
	for expr, ok := range map[string]bool{
		"size > 40":            true,
		"size > 50":            false,
		"missing":              true, // undefined holds, as in Confluent's Java executor
		"$contains(name, 'z')": true,
		"0":                    false,
		"'false'":              false,
	} {
		_, err := run(t, registry.Rule{Kind: registry.RuleKindCondition, Expr: expr}, doc)
		if ok != (err == nil) || (!ok && !errors.Is(err, serde.ErrRuleConditionFailed)) {
			t.Errorf("%q: %v", expr, err)
		}
	}
}

func TestTransformUndefinedLeavesMessage(t *testing.T) {
	doc := rulestest.Doc{"name": "gizmo", "size": 42.0}
	got, err := run(t, registry.Rule{Kind: registry.RuleKindTransform, Expr: "missing"}, doc)
	if err != nil || !reflect.DeepEqual(got, doc) {
		t.Fatalf("got %v, %v", got, err)
	}
}

// Hostile and malformed expressions fail the rule, never the process.
func TestRefused(t *testing.T) {
	for _, expr := range []string{
		"size >",
		"$nope(1)",
		"($f := function($x){ $f($x) }; $f(1))",
		"($f := function($x){ $x($x) }; $f($f))",
		"($f := function($x){ $map([1], $x) }; $f($f))",
		"($f := function($a, $x){ $reduce([1], $a, $a) }; $f($f, 1))",
		"($g := function($m){ $replace('a', /a/, $h) }; $h := function($m){ $replace('a', /a/, $g) }; $g(1))",
		"(function($x){ $x ~> $x })(function($y){ $y })",
		"$eval('1 + 1')",
		"($string := function(){ 1 }; $string())",
		strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000),
		strings.Repeat("x", jsonata.DefaultMaxExpressionSize+1),
		"",
		"$string({'a': function(){1}})", // a result that is not JSON is fine here; see below
	} {
		start := time.Now()
		_, err := run(t, registry.Rule{Kind: registry.RuleKindTransform, Expr: expr}, rulestest.Doc{"name": "n", "size": 1})
		if expr == "$string({'a': function(){1}})" {
			continue
		}
		if err == nil || !errors.Is(err, jsonata.ErrExpression) {
			t.Errorf("%.60q: got %v", expr, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%.60q took %v", expr, time.Since(start))
		}
	}
	// Non-recursive functions still work.
	got, err := run(t, registry.Rule{Kind: registry.RuleKindTransform,
		Expr: "($up := function($s){ $uppercase($s) }; {'name': $up(name), 'size': $reduce([1,2,3], function($a, $x){ $a + $x }, size)})"},
		rulestest.Doc{"name": "n", "size": 1})
	if err != nil || got["name"] != "N" || got["size"] != 7.0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestTimeout(t *testing.T) {
	start := time.Now()
	r := registry.Rule{Kind: registry.RuleKindTransform, Expr: "{'n': $count([1..200000].($string($) & 'x'))}",
		Params: map[string]string{jsonata.ParamTimeoutMs: "1"}}
	_, err := run(t, r, rulestest.Doc{"name": "n"})
	if err == nil || !errors.Is(err, jsonata.ErrExpression) || !strings.Contains(err.Error(), "no result within") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
	r.Params[jsonata.ParamTimeoutMs] = "soon"
	if _, err := run(t, r, rulestest.Doc{"name": "n"}); err == nil || !strings.Contains(err.Error(), jsonata.ParamTimeoutMs) {
		t.Fatalf("got %v", err)
	}
}

// Expressions that use a built-in's context form give each evaluation its
// own context, however many run at once.
func TestConcurrentContextForms(t *testing.T) {
	e := serde.WithRuleExecutors(jsonata.NewExecutor())
	var sers []*serde.Serializer[rulestest.Doc]
	for _, expr := range []string{"{'u': name.$uppercase(), 's': $substring(name, 1)}", "{'u': $uppercase(name), 's': name.$substring(1)}"} {
		r := registry.Rule{Name: "r", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "JSONATA", Expr: expr}
		f := rulestest.NewFixture(t, registry.Schema{Schema: v1, RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{r}}})
		sers = append(sers, f.Serializer(t, e))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				name := strings.Repeat(string(rune('a'+(g+i)%26)), 3)
				b, _, err := sers[(g+i)%2].Serialize(context.Background(), "orders", rulestest.Doc{"name": name})
				if err != nil {
					t.Error(err)
					return
				}
				var got rulestest.Doc
				if err := json.Unmarshal(b[5:], &got); err != nil {
					t.Error(err)
					return
				}
				if want := (rulestest.Doc{"u": strings.ToUpper(name), "s": name[1:]}); !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
