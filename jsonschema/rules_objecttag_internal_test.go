package jsonschema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A tag on a property holding an object reaches the string, number,
// integer, boolean and null properties of that object whose own tags miss
// the rule's: Confluent's Java client hands them with the tagged
// property's context (RuleContext.enterField pushes none for them;
// JsonSchema.toTransformedMessage sets the context's type to the value's).
// Enums, combined schemas (a nullable type too), arrays and objects below
// push their own contexts, so the tag reaches one level down only: through
// arrays and combined schemas above the object, not below it.

const objectTagSchema = `{"type":"object","properties":{
 "id":{"type":"integer"},
 "mid":{"$ref":"#/definitions/mid"},
 "mids":{"type":"array","items":{"$ref":"#/definitions/mid"},"confluent:tags":["REC"]},
 "opt":{"oneOf":[{"type":"null"},{"$ref":"#/definitions/mid"}],"confluent:tags":["REC"]},
 "plain":{"$ref":"#/definitions/mid"}},
"definitions":{
 "str":{"type":"string"},
 "mid":{"type":"object","properties":{
   "s":{"type":"string"},
   "n":{"type":"integer"},
   "b":{"type":"boolean"},
   "own":{"type":"string","confluent:tags":["OTHER"]},
   "e":{"enum":["A","B"]},
   "ns":{"type":["string","null"]},
   "xs":{"type":"array","items":{"type":"string"}},
   "deep":{"type":"object","properties":{"d":{"type":"string"}}},
   "r":{"$ref":"#/definitions/str"}}}}}`

var objectTagMeta = &registry.Metadata{Tags: map[string][]string{"$.mid": {"REC"}, "**.own": {"REC"}}}

type otDeep struct {
	D string `json:"d"`
}

type otMid struct {
	S    string   `json:"s"`
	N    int      `json:"n"`
	B    bool     `json:"b"`
	Own  string   `json:"own"`
	E    string   `json:"e"`
	NS   *string  `json:"ns"`
	XS   []string `json:"xs"`
	Deep otDeep   `json:"deep"`
	R    string   `json:"r"`
}

type otOuter struct {
	ID    int     `json:"id"`
	Mid   otMid   `json:"mid"`
	Mids  []otMid `json:"mids"`
	Opt   *otMid  `json:"opt"`
	Plain otMid   `json:"plain"`
}

func sampleObjectTag() otOuter {
	ns := "ns-1"
	mid := func(p string) otMid {
		return otMid{S: p + "-s", N: 4, B: true, Own: p + "-own", E: "B", NS: &ns, XS: []string{p + "-x"}, Deep: otDeep{D: p + "-d"}, R: p + "-r"}
	}
	o := mid("o")
	return otOuter{ID: 1, Mid: mid("m"), Mids: []otMid{mid("a"), mid("b")}, Opt: &o, Plain: mid("p")}
}

// objectTagVisit records a visit: name, type, tags, value and which object
// holds it (Outer: the top; Mid: an object of definitions.mid).
func objectTagVisit(got *[]string) serde.FieldFunc {
	return func(f *serde.Field, v any) (any, error) {
		c, err := f.Containing()
		if err != nil {
			return nil, err
		}
		in := "Mid"
		if _, ok := c.(map[string]any)["plain"]; ok {
			in = "Outer"
		}
		*got = append(*got, fmt.Sprintf("%s %s %v %v in %s", f.FullName, f.Type, f.Tags, v, in))
		if s, ok := v.(string); ok {
			return strings.ToUpper(s), nil
		}
		return v, nil
	}
}

// objectTagWalks runs a walk for tags over sampleObjectTag three ways:
// the typed walk, the JSON round trip into the struct, the map walk of a
// generic value; each returns its visits and its result as a struct.
func objectTagWalks(t *testing.T, tags []string) (visits [3][]string, outs [3]otOuter) {
	t.Helper()
	s := mustParse(t, objectTagSchema)
	for i := range 2 {
		r := newRuleView[otOuter](s, objectTagMeta, decodeTyped, Limits{})
		if r.typed == nil {
			t.Fatal("otOuter has no typed plan")
		}
		if i == 1 {
			r.typed = nil
		}
		in := sampleObjectTag()
		out, err := r.TransformFields(in, tags, objectTagVisit(&visits[i]))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, sampleObjectTag()) {
			t.Fatalf("walk %d changed the caller's value", i)
		}
		outs[i] = out
	}
	g, err := newRuleView[otOuter](s, objectTagMeta, decodeTyped, Limits{}).Generic(sampleObjectTag())
	if err != nil {
		t.Fatal(err)
	}
	m := newRuleView[map[string]any](s, objectTagMeta, decodeMap, Limits{})
	gout, err := m.TransformFields(g.(map[string]any), tags, objectTagVisit(&visits[2]))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(gout)
	if err := json.Unmarshal(b, &outs[2]); err != nil {
		t.Fatal(err)
	}
	return visits, outs
}

// TestRuleViewObjectPropertyTag: a rule on REC sees s, n, b and r of mid,
// of each of mids and of opt as the tagged property (its name and tags,
// their own types, held by the top object), own (tagged REC itself) as
// itself, and nothing of e, ns, xs, deep or of the untagged plain; typed
// and generic values alike, and a rule's result lands in the inner
// property.
func TestRuleViewObjectPropertyTag(t *testing.T) {
	var want []string
	for _, c := range []struct{ name, p string }{{"mid", "m"}, {"mids", "a"}, {"mids", "b"}, {"opt", "o"}} {
		want = append(want,
			"$."+c.name+" STRING [REC] "+c.p+"-s in Outer",
			"$."+c.name+" INT [REC] 4 in Outer",
			"$."+c.name+" BOOLEAN [REC] true in Outer",
			"$."+c.name+".own STRING [OTHER REC] "+c.p+"-own in Mid",
			"$."+c.name+" STRING [REC] "+c.p+"-r in Outer")
	}
	want = append(want, "$.plain.own STRING [OTHER REC] p-own in Mid")
	visits, outs := objectTagWalks(t, []string{"REC"})
	exp := sampleObjectTag()
	for _, m := range []*otMid{&exp.Mid, &exp.Mids[0], &exp.Mids[1], exp.Opt} {
		m.S, m.Own, m.R = strings.ToUpper(m.S), strings.ToUpper(m.Own), strings.ToUpper(m.R)
	}
	exp.Plain.Own = "P-OWN"
	for i, what := range []string{"typed", "round trip", "generic"} {
		if !slices.Equal(visits[i], want) {
			t.Errorf("%s visits\n%s\nwant\n%s", what, strings.Join(visits[i], "\n"), strings.Join(want, "\n"))
		}
		if !reflect.DeepEqual(outs[i], exp) {
			t.Errorf("%s result %+v\nwant %+v", what, outs[i], exp)
		}
	}
}

// A rule without tags sees every property as itself (the tagged ones'
// names never appear for a leaf), and a rule on OTHER only own.
func TestRuleViewObjectPropertyTagOthers(t *testing.T) {
	visits, _ := objectTagWalks(t, nil)
	for i := range visits {
		if len(visits[i]) != 5*9+1 || !slices.Equal(visits[i], visits[0]) {
			t.Fatalf("walk %d: %d visits\n%s", i, len(visits[i]), strings.Join(visits[i], "\n"))
		}
		for _, v := range visits[i] {
			if name, _, _ := strings.Cut(v, " "); slices.Contains([]string{"$.mid", "$.mids", "$.opt", "$.plain"}, name) {
				t.Fatalf("a rule without tags saw %s", v)
			}
		}
		if !slices.Contains(visits[i], "$.mid.s STRING [] m-s in Mid") || !slices.Contains(visits[i], "$.mids.deep.d STRING [] b-d in Mid") {
			t.Fatalf("a rule without tags missed inner properties:\n%s", strings.Join(visits[i], "\n"))
		}
	}
	visits, _ = objectTagWalks(t, []string{"OTHER"})
	want := []string{"$.mid.own STRING [OTHER REC] m-own in Mid", "$.mids.own STRING [OTHER REC] a-own in Mid",
		"$.mids.own STRING [OTHER REC] b-own in Mid", "$.opt.own STRING [OTHER REC] o-own in Mid", "$.plain.own STRING [OTHER REC] p-own in Mid"}
	for i := range visits {
		if !slices.Equal(visits[i], want) {
			t.Fatalf("walk %d for OTHER:\n%s", i, strings.Join(visits[i], "\n"))
		}
	}
}

// The tags of a tagged object property count towards its subtree's, so a
// walk for them enters a schema with no tagged leaf at all; lazy nodes
// (deep in a recursive schema) inherit alike.
func TestPlanObjectPropertyTags(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"home":{"type":"object","confluent:tags":["PII"],
 "properties":{"street":{"type":"string"},"n":{"type":"integer"}}}}}`)
	plan := planSchema(s.root, serde.NewFieldTagger(nil))
	if !slices.Equal(plan.tags, []string{"PII"}) || !plan.wanted([]string{"PII"}) || plan.wanted([]string{"X"}) {
		t.Fatalf("subtree tags %q", plan.tags)
	}
	s = mustParse(t, `{"type":"object","properties":{"s":{"type":"string"},
 "next":{"$ref":"#","confluent:tags":["PII"]}}}`)
	v := newRuleView[map[string]any](s, nil, decodeMap, Limits{})
	msg := map[string]any{"s": "top"}
	for i := range 3 * maxUnroll {
		msg = map[string]any{"s": fmt.Sprint(i), "next": msg}
	}
	var got []string
	if _, err := v.TransformFields(msg, []string{"PII"}, objectTagVisit(&got)); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3*maxUnroll || !strings.HasPrefix(got[len(got)-1], "$"+strings.Repeat(".next", 3*maxUnroll)+" STRING [PII] top in ") {
		t.Fatalf("visits\n%s", strings.Join(got, "\n"))
	}
}
