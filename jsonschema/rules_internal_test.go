package jsonschema

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/internal/race"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// planOrderSchema has a metadata-tagged property in an object in an array
// in an array, an inline-tagged one, and one no rule touches.
const planOrderSchema = `{"type":"object","properties":{
 "id":{"type":"integer"},
 "ssn":{"type":"string","confluent:tags":["PII"]},
 "lines":{"type":"array","items":{"type":"array","items":{"type":"object","properties":{
   "sku":{"type":"string"},"email":{"type":"string"}}}}},
 "next":{"$ref":"#"}}}`

var planMetadata = &registry.Metadata{Tags: map[string][]string{"**.email": {"PII"}, "**.id": {"KEY"}}}

// findLeaf returns the plan node of the leaf at path, searching p.
func findLeaf(p *pnode, path string, depth int) *pnode {
	if p == nil || depth > 16 || p.lazy {
		return nil
	}
	if p.isLeaf() && p.leaf.FullName == path {
		return p
	}
	var kids []*pnode
	for _, pr := range p.props {
		kids = append(kids, pr.typ)
	}
	kids = append(append(append(kids, p.tuple...), p.items), p.subs...)
	for _, k := range kids {
		if f := findLeaf(k, path, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// The plan holds every property's tags, metadata ones included, so a walk
// matches no pattern.
func TestPlanHoldsMetadataTags(t *testing.T) {
	s := mustParse(t, planOrderSchema)
	plan := planSchema(s.root, serde.NewFieldTagger(planMetadata))
	for path, want := range map[string][]string{
		"$.id": {"KEY"}, "$.ssn": {"PII"}, "$.lines.email": {"PII"}, "$.lines.sku": nil,
		"$.next.lines.email": {"PII"}, "$.next.next.id": {"KEY"},
	} {
		p := findLeaf(plan, path, 0)
		if p == nil {
			t.Fatalf("no plan for %s", path)
		}
		if !slices.Equal(p.leaf.Tags, want) {
			t.Errorf("%s: tags %q, want %q", path, p.leaf.Tags, want)
		}
	}
	if !slices.Equal(plan.tags, []string{"KEY", "PII"}) {
		t.Errorf("subtree tags %q", plan.tags)
	}
}

// A lazy node (deep in a recursive schema) is planned per visit with the
// same tags.
func TestLazyPlanTags(t *testing.T) {
	s := mustParse(t, planOrderSchema)
	v := newRuleView[map[string]any](s, planMetadata, decodeMap, Limits{})
	msg := map[string]any{"id": 1.0}
	for range 2 * maxUnroll {
		msg = map[string]any{"next": msg}
	}
	var seen []string
	_, err := v.TransformFields(msg, []string{"KEY"}, func(f *serde.Field, x any) (any, error) {
		seen = append(seen, f.FullName)
		return x, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "$" + repeat(".next", 2*maxUnroll) + ".id"
	if !slices.Equal(seen, []string{want}) {
		t.Fatalf("visited %q, want %q", seen, want)
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// planMessage is a message of planOrderSchema in the JSON form.
func planMessage(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(`{"id":7,"ssn":"123","lines":[[{"sku":"A","email":"a@x"},{"sku":"B","email":"b@x"}]],
		"next":{"id":8,"lines":[]}}`), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A warm walk allocates nothing when no field changes, and only the
// copies of what changed when one does; the message is never modified.
func TestTransformFieldsAllocations(t *testing.T) {
	if race.Enabled || testing.Short() {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	s := mustParse(t, planOrderSchema)
	v := newRuleView[map[string]any](s, planMetadata, decodeMap, Limits{})
	msg := planMessage(t)
	orig := planMessage(t)
	pii := []string{"PII"}
	var visits int
	same := func(_ *serde.Field, x any) (any, error) { visits++; return x, nil }
	if n := testing.AllocsPerRun(100, func() {
		if _, err := v.TransformFields(msg, pii, same); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("a walk that changes nothing allocated %.0f times", n)
	}
	if visits == 0 {
		t.Fatal("no field visited")
	}
	masked := any("***")
	mask := func(f *serde.Field, x any) (any, error) {
		if f.FullName == "$.lines.email" {
			return masked, nil
		}
		return x, nil
	}
	// Masking the two emails copies the two line objects, the inner and
	// outer arrays and the message: what building those copies costs.
	line := msg["lines"].([]any)[0].([]any)[0].(map[string]any)
	copies := testing.AllocsPerRun(100, func() {
		for _, m := range []map[string]any{line, line, msg} {
			c := make(map[string]any, len(m))
			for k, x := range m {
				c[k] = x
			}
			sink = c
		}
		sink = append([]any(nil), msg["lines"].([]any)...)
		sink = append([]any(nil), msg["lines"].([]any)[0].([]any)...)
	})
	var out map[string]any
	n := testing.AllocsPerRun(100, func() {
		var err error
		if out, err = v.TransformFields(msg, pii, mask); err != nil {
			t.Fatal(err)
		}
	})
	if n > copies {
		t.Errorf("masking two fields allocated %.0f times, the copies %.0f", n, copies)
	}
	if !reflect.DeepEqual(msg, orig) {
		t.Fatalf("the message changed: %v", msg)
	}
	l0 := out["lines"].([]any)[0].([]any)
	if l0[0].(map[string]any)["email"] != "***" || l0[1].(map[string]any)["email"] != "***" || l0[0].(map[string]any)["sku"] != "A" || out["ssn"] != "123" {
		t.Fatalf("masked %v", out)
	}
}

// sink keeps the copies of the allocation test on the heap.
var sink any

// A walk for tags no property carries does not look at the value.
func TestTransformFieldsSkipsUntagged(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"a":{"type":"string","confluent:tags":["PII"]}}}`)
	v := newRuleView[*struct{ A string }](s, nil, decodeTyped, Limits{})
	in := &struct{ A string }{"x"}
	out, err := v.TransformFields(in, []string{"OTHER"}, func(*serde.Field, any) (any, error) {
		t.Fatal("visited")
		return nil, nil
	})
	if err != nil || out != in {
		t.Fatalf("TransformFields = %v, %v; want the value itself", out, err)
	}
}

// BenchmarkFieldWalk is the warm walk alone: planMessage's PII leaves
// visited (two metadata-tagged emails in nested arrays, an inline-tagged
// ssn) and left unchanged.
func BenchmarkFieldWalk(b *testing.B) {
	s, err := Parse(planOrderSchema)
	if err != nil {
		b.Fatal(err)
	}
	v := newRuleView[map[string]any](s, planMetadata, decodeMap, Limits{})
	m := planMessage(b)
	pii := []string{"PII"}
	same := func(_ *serde.Field, x any) (any, error) { return x, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.TransformFields(m, pii, same); err != nil {
			b.Fatal(err)
		}
	}
}

// Walks share the plan, lazy regions included, without a lock: run under
// the race detector, concurrent walks must not race.
func TestTransformFieldsConcurrent(t *testing.T) {
	s := mustParse(t, planOrderSchema)
	v := newRuleView[map[string]any](s, planMetadata, decodeMap, Limits{})
	msg := map[string]any{"id": 1.0, "lines": []any{[]any{map[string]any{"email": "a@x"}}}}
	for range 3 * maxUnroll {
		msg = map[string]any{"next": msg, "ssn": "1"}
	}
	mask := func(_ *serde.Field, x any) (any, error) { return "***", nil }
	done := make(chan error)
	for range 4 {
		go func() {
			var err error
			for range 50 {
				var out map[string]any
				if out, err = v.TransformFields(msg, []string{"PII"}, mask); err != nil {
					break
				}
				last := out
				for n, ok := last["next"].(map[string]any); ok; n, ok = last["next"].(map[string]any) {
					last = n
				}
				deep := last["lines"].([]any)[0].([]any)[0].(map[string]any)["email"]
				if out["ssn"] != "***" || deep != "***" {
					err = errors.New("not masked")
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if msg["ssn"] != "1" {
		t.Fatal("the message changed")
	}
}
