package jsonschema

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// incompatible returns the incompatible differences of reader against
// writer as "TYPE #/path" strings, sorted.
func incompatible(t *testing.T, writer, reader string) []string {
	t.Helper()
	w, err := Parse(writer)
	if err != nil {
		t.Fatalf("writer: %v", err)
	}
	r, err := Parse(reader)
	if err != nil {
		t.Fatalf("reader: %v", err)
	}
	var out []string
	for _, d := range Compare(r, w) {
		if !d.Type.Compatible() {
			out = append(out, string(d.Type)+" "+d.Path)
		}
	}
	slices.Sort(out)
	return out
}

func TestCheckReadTable(t *testing.T) {
	const (
		open   = `{"type":"object","properties":{"a":{"type":"string"}}}`
		closed = `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`
	)
	for _, tc := range []struct {
		name           string
		writer, reader string
		want           []string // incompatible changes; nil = compatible
	}{
		// Identity and annotations.
		{"identical", open, open, nil},
		{"title, description, $id, default changed",
			`{"$id":"http://a/x.json","title":"A","description":"d","default":1,"type":"integer"}`,
			`{"$id":"http://a/y.json","title":"B","description":"e","default":2,"type":"integer"}`, nil},

		// Types.
		{"type changed", `{"type":"string"}`, `{"type":"number"}`, []string{"TYPE_CHANGED #/"}},
		{"integer to number", `{"type":"integer"}`, `{"type":"number"}`, nil},
		{"number to integer", `{"type":"number"}`, `{"type":"integer"}`, []string{"TYPE_NARROWED #/"}},
		{"type made nullable", `{"type":"string"}`, `{"type":["string","null"]}`, nil},
		{"nullable made required", `{"type":["string","null"]}`, `{"type":"string"}`, []string{"TYPE_CHANGED #/"}},
		{"to true schema", `{"type":"string"}`, `true`, nil},
		{"to empty schema", `{"type":"string"}`, `{}`, nil},
		{"from empty schema", `{}`, `{"type":"string"}`, []string{"TYPE_CHANGED #/"}},
		{"from false schema", `false`, `{"type":"string"}`, nil},
		{"singleton union", `{"type":"string"}`, `{"oneOf":[{"type":"string"}]}`, nil},
		{"sum type extended", `{"type":"string"}`, `{"anyOf":[{"type":"string"},{"type":"number"}]}`, nil},
		{"union to member", `{"anyOf":[{"type":"string"},{"type":"number"}]}`, `{"type":"string"}`, []string{"TYPE_CHANGED #/"}},
		{"product narrowed to member", `{"allOf":[{"type":"string"},{"maxLength":5}]}`, `{"type":"string"}`, nil},

		// Strings.
		{"maxLength increased", `{"type":"string","maxLength":5}`, `{"type":"string","maxLength":6}`, nil},
		{"maxLength decreased", `{"type":"string","maxLength":5}`, `{"type":"string","maxLength":4}`, []string{"MAX_LENGTH_DECREASED #/maxLength"}},
		{"maxLength added", `{"type":"string"}`, `{"type":"string","maxLength":4}`, []string{"MAX_LENGTH_ADDED #/maxLength"}},
		{"maxLength removed", `{"type":"string","maxLength":5}`, `{"type":"string"}`, nil},
		{"minLength increased", `{"type":"string","minLength":1}`, `{"type":"string","minLength":2}`, []string{"MIN_LENGTH_INCREASED #/minLength"}},
		{"minLength decreased", `{"type":"string","minLength":2}`, `{"type":"string","minLength":1}`, nil},
		{"pattern added", `{"type":"string"}`, `{"type":"string","pattern":"^a"}`, []string{"PATTERN_ADDED #/pattern"}},
		{"pattern changed", `{"type":"string","pattern":"^a"}`, `{"type":"string","pattern":"^b"}`, []string{"PATTERN_CHANGED #/pattern"}},
		{"pattern removed", `{"type":"string","pattern":"^a"}`, `{"type":"string"}`, nil},

		// Numbers.
		{"maximum increased", `{"type":"number","maximum":10}`, `{"type":"number","maximum":10.5}`, nil},
		{"maximum decreased", `{"type":"number","maximum":10}`, `{"type":"number","maximum":9}`, []string{"MAXIMUM_DECREASED #/maximum"}},
		{"minimum added", `{"type":"number"}`, `{"type":"number","minimum":0}`, []string{"MINIMUM_ADDED #/minimum"}},
		{"minimum increased", `{"type":"number","minimum":0}`, `{"type":"number","minimum":1e0}`, []string{"MINIMUM_INCREASED #/minimum"}},
		{"minimum decreased", `{"type":"number","minimum":1}`, `{"type":"number","minimum":0.5}`, nil},
		{"exclusiveMaximum decreased", `{"type":"number","exclusiveMaximum":10}`, `{"type":"number","exclusiveMaximum":5}`, []string{"EXCLUSIVE_MAXIMUM_DECREASED #/exclusiveMaximum"}},
		{"exclusiveMinimum increased", `{"type":"number","exclusiveMinimum":1}`, `{"type":"number","exclusiveMinimum":5}`, []string{"EXCLUSIVE_MINIMUM_INCREASED #/exclusiveMinimum"}},
		{"exclusive bounds relaxed", `{"type":"number","exclusiveMinimum":1,"exclusiveMaximum":5}`, `{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":6}`, nil},
		{"multipleOf reduced", `{"type":"number","multipleOf":4}`, `{"type":"number","multipleOf":2}`, nil},
		{"multipleOf expanded", `{"type":"number","multipleOf":2}`, `{"type":"number","multipleOf":4}`, []string{"MULTIPLE_OF_EXPANDED #/multipleOf"}},
		{"multipleOf changed", `{"type":"number","multipleOf":2}`, `{"type":"number","multipleOf":3}`, []string{"MULTIPLE_OF_CHANGED #/multipleOf"}},
		{"multipleOf decimal reduced", `{"type":"number","multipleOf":0.02}`, `{"type":"number","multipleOf":0.01}`, nil},
		{"multipleOf added", `{"type":"number"}`, `{"type":"number","multipleOf":2}`, []string{"MULTIPLE_OF_ADDED #/multipleOf"}},

		// Enums and consts.
		{"enum extended", `{"enum":["a","b"]}`, `{"enum":["b","a","c"]}`, nil},
		{"enum narrowed", `{"enum":["a","b"]}`, `{"enum":["a"]}`, []string{"ENUM_ARRAY_NARROWED #/enum"}},
		{"enum changed", `{"enum":["a","b"]}`, `{"enum":["a","c"]}`, []string{"ENUM_ARRAY_CHANGED #/enum"}},
		{"typed enum extended", `{"type":"string","enum":["a"]}`, `{"type":"string","enum":["a","b"]}`, nil},
		{"const changed", `{"const":1}`, `{"const":2}`, []string{"ENUM_ARRAY_CHANGED #/const"}},
		{"const same number", `{"const":1}`, `{"const":1.0}`, nil},

		// Objects: required.
		{"required added", open, `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`,
			[]string{"REQUIRED_ATTRIBUTE_ADDED #/required/a"}},
		{"required with default added", open, `{"type":"object","properties":{"a":{"type":"string","default":"x"}},"required":["a"]}`, nil},
		{"required removed", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, open, nil},

		// Objects: content models.
		{"property added to open model", open, `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}`,
			[]string{"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"}},
		{"empty-schema property added to open model", open, `{"type":"object","properties":{"a":{"type":"string"},"b":{}}}`, nil},
		{"property removed from open model", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}`, open, nil},
		{"optional property added to closed model", closed,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`, nil},
		{"required property added to closed model", closed,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false}`,
			[]string{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"}},
		{"required property with default added to closed model", closed,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":""}},"required":["b"],"additionalProperties":false}`, nil},
		{"property removed from closed model",
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`, closed,
			[]string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b"}},
		{"false property removed from closed model",
			`{"type":"object","properties":{"a":{"type":"string"},"b":false},"additionalProperties":false}`, closed, nil},
		{"property added covered by partially open model",
			`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":{"type":"string"}}`, nil},
		{"property added not covered by partially open model",
			`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}}`,
			[]string{"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b", "TYPE_CHANGED #/properties/b"}},
		{"property added covered by patternProperties",
			`{"type":"object","properties":{"a":{"type":"string"}},"patternProperties":{"^i_":{"type":"integer"}},"additionalProperties":false}`,
			`{"type":"object","properties":{"a":{"type":"string"},"i_count":{"type":"integer"}},"patternProperties":{"^i_":{"type":"integer"}},"additionalProperties":false}`, nil},
		{"property removed covered by partially open model",
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`, nil},
		{"property removed not covered by partially open model",
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}}`,
			`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			[]string{"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b", "TYPE_CHANGED #/properties/b"}},
		{"additionalProperties removed", open, closed, []string{"ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties"}},
		{"additionalProperties added", closed, open, nil},
		{"additionalProperties narrowed", open, `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			[]string{"ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties"}},
		{"additionalProperties extended", `{"type":"object","additionalProperties":{"type":"string"}}`, `{"type":"object"}`, nil},
		{"nested property type changed",
			`{"type":"object","properties":{"c":{"type":"object","properties":{"n":{"type":"string"}}}}}`,
			`{"type":"object","properties":{"c":{"type":"object","properties":{"n":{"type":"boolean"}}}}}`,
			[]string{"TYPE_CHANGED #/properties/c/properties/n"}},
		{"maxProperties decreased", `{"type":"object","maxProperties":5}`, `{"type":"object","maxProperties":4}`,
			[]string{"MAX_PROPERTIES_DECREASED #/maxProperties"}},
		{"minProperties added", `{"type":"object"}`, `{"type":"object","minProperties":1}`, []string{"MIN_PROPERTIES_ADDED #/minProperties"}},
		{"dependency array extended", `{"type":"object","dependencies":{"a":["b"]}}`, `{"type":"object","dependencies":{"a":["b","c"]}}`,
			[]string{"DEPENDENCY_ARRAY_EXTENDED #/dependencies/a"}},
		{"dependency array narrowed", `{"type":"object","dependencies":{"a":["b","c"]}}`, `{"type":"object","dependencies":{"a":["b"]}}`, nil},
		{"dependency schema added", `{"type":"object"}`, `{"type":"object","dependencies":{"a":{"required":["b"]}}}`,
			[]string{"DEPENDENCY_SCHEMA_ADDED #/dependencies/a"}},

		// Arrays.
		{"items type changed", `{"type":"array","items":{"type":"string"}}`, `{"type":"array","items":{"type":"integer"}}`,
			[]string{"TYPE_CHANGED #/items"}},
		{"items added", `{"type":"array"}`, `{"type":"array","items":{"type":"string"}}`, []string{"SCHEMA_ADDED #/items"}},
		{"items removed", `{"type":"array","items":{"type":"string"}}`, `{"type":"array"}`, nil},
		{"maxItems decreased", `{"type":"array","maxItems":3}`, `{"type":"array","maxItems":2}`, []string{"MAX_ITEMS_DECREASED #/maxItems"}},
		{"minItems increased", `{"type":"array","minItems":1}`, `{"type":"array","minItems":2}`, []string{"MIN_ITEMS_INCREASED #/minItems"}},
		{"uniqueItems added", `{"type":"array"}`, `{"type":"array","uniqueItems":true}`, []string{"UNIQUE_ITEMS_ADDED #/uniqueItems"}},
		{"uniqueItems removed", `{"type":"array","uniqueItems":true}`, `{"type":"array"}`, nil},
		{"tuple item added to open model", `{"type":"array","items":[{"type":"string"}]}`, `{"type":"array","items":[{"type":"string"},{"type":"number"}]}`,
			[]string{"ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"}},
		{"tuple item added to closed model", `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`,
			`{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":false}`, nil},
		{"tuple item removed from closed model", `{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":false}`,
			`{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, []string{"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"}},
		{"tuple item removed from open model", `{"type":"array","items":[{"type":"string"},{"type":"number"}]}`,
			`{"type":"array","items":[{"type":"string"}]}`, nil},
		{"tuple item added covered by additionalItems", `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}}`,
			`{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"number"}}`, nil},
		{"additionalItems removed", `{"type":"array","items":[{"type":"string"}]}`, `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`,
			[]string{"ADDITIONAL_ITEMS_REMOVED #/additionalItems"}},
		{"2020-12 prefixItems added to closed model",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}`, nil},

		{"2020-12 boolean items read as additionalItems",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","items":true}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","items":false}`,
			[]string{"ADDITIONAL_ITEMS_REMOVED #/additionalItems"}},

		{"unevaluatedItems added", `{"type":"array","prefixItems":[{"type":"string"}],"$schema":"https://json-schema.org/draft/2020-12/schema"}`,
			`{"type":"array","prefixItems":[{"type":"string"}],"unevaluatedItems":false,"$schema":"https://json-schema.org/draft/2020-12/schema"}`,
			[]string{"UNEVALUATED_ITEMS_REMOVED #/unevaluatedItems"}},
		{"unevaluatedItems narrowed", `{"type":"array","items":[{"type":"string"}]}`,
			`{"type":"array","items":[{"type":"string"}],"unevaluatedItems":{"type":"string"}}`,
			[]string{"UNEVALUATED_ITEMS_NARROWED #/unevaluatedItems"}},
		{"unevaluatedItems relaxed", `{"type":"array","unevaluatedItems":false}`, `{"type":"array","unevaluatedItems":true}`, nil},
		{"unevaluatedProperties removed", `{"type":"object","unevaluatedProperties":{"type":"string"}}`, `{"type":"object"}`, nil},
		{"unevaluatedProperties narrowed to empty", `{"type":"object","unevaluatedProperties":{"type":"string"}}`, `{"type":"object","unevaluatedProperties":{}}`, nil},
		{"unevaluatedProperties type changed", `{"type":"object","unevaluatedProperties":{"type":"string"}}`, `{"type":"object","unevaluatedProperties":{"type":"number"}}`,
			[]string{"TYPE_CHANGED #/unevaluatedProperties"}},
		{"property added covered by unevaluatedProperties",
			`{"type":"object","properties":{"a":{"type":"string"}},"unevaluatedProperties":{"type":"string"}}`,
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"unevaluatedProperties":{"type":"string"}}`, nil},
		{"item removed with false schema from closed model",
			`{"type":"array","items":[{"type":"string"},false],"additionalItems":false}`,
			`{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, nil},
		{"item removed not covered", `{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}}`,
			`{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}`,
			[]string{"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1", "TYPE_CHANGED #/items/1"}},
		{"additionalItems narrowed", `{"type":"array","items":[{"type":"string"}]}`, `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}`,
			[]string{"ADDITIONAL_ITEMS_NARROWED #/additionalItems"}},

		// Combined schemas.
		{"oneOf member added", `{"oneOf":[{"type":"string"},{"type":"number"}]}`, `{"oneOf":[{"type":"string"},{"type":"number"},{"type":"boolean"}]}`, nil},
		{"oneOf member removed", `{"oneOf":[{"type":"string"},{"type":"number"}]}`, `{"oneOf":[{"type":"string"}]}`,
			[]string{"SUM_TYPE_NARROWED #/"}},
		{"oneOf member changed", `{"oneOf":[{"type":"string"},{"type":"number"}]}`, `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`,
			[]string{"COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"}},
		{"oneOf reordered", `{"oneOf":[{"type":"string"},{"type":"number"}]}`, `{"oneOf":[{"type":"number"},{"type":"string"}]}`, nil},
		{"allOf to anyOf", `{"allOf":[{"type":"string"},{"maxLength":3}]}`, `{"anyOf":[{"type":"string"},{"maxLength":3}]}`, nil},
		{"anyOf to oneOf", `{"anyOf":[{"type":"string"},{"type":"number"}]}`, `{"oneOf":[{"type":"string"},{"type":"number"}]}`,
			[]string{"COMBINED_TYPE_CHANGED #/"}},
		{"allOf member added", `{"allOf":[{"type":"string"}]}`, `{"allOf":[{"type":"string"},{"maxLength":3}]}`,
			[]string{"PRODUCT_TYPE_EXTENDED #/"}},
		{"not narrowed", `{"not":{"type":"string"}}`, `{"not":{"type":["string","null"]}}`, []string{"NOT_TYPE_EXTENDED #/not"}},
		{"not extended", `{"not":{"type":["string","null"]}}`, `{"not":{"type":"string"}}`, nil},

		// References.
		{"local refs followed",
			`{"definitions":{"s":{"type":"string"}},"type":"object","properties":{"a":{"$ref":"#/definitions/s"}}}`,
			`{"definitions":{"s":{"type":"integer"}},"type":"object","properties":{"a":{"$ref":"#/definitions/s"}}}`,
			[]string{"TYPE_CHANGED #/properties/a"}},
		{"ref inlined", `{"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s"}`, `{"type":"string"}`, nil},
		{"recursive schema",
			`{"$id":"http://x/t","type":"object","properties":{"v":{"type":"string"},"next":{"$ref":"#"}}}`,
			`{"$id":"http://x/t","type":"object","properties":{"v":{"type":"string"},"next":{"$ref":"#"}}}`, nil},
		{"2020-12 $defs",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#/$defs/o","$defs":{"o":{"type":"object","properties":{"n":{"type":"integer"}},"additionalProperties":false}}}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#/$defs/o","$defs":{"o":{"type":"object","properties":{"n":{"type":"number"},"m":{"type":"string"}},"additionalProperties":false}}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := incompatible(t, tc.writer, tc.reader); !slices.Equal(got, tc.want) {
				t.Fatalf("incompatible changes\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestCheckReadMessages(t *testing.T) {
	w, _ := Parse(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`)
	r, _ := Parse(`{"type":"object","properties":{"a":{"type":"string","maxLength":3},"c":{"type":"string"}},"required":["c"],"additionalProperties":false}`)
	got := r.CheckRead(w, "new", "old")
	want := []string{
		`{errorType:"MAX_LENGTH_ADDED", description:"The keyword at path '#/properties/a/maxLength' in the new schema is not present in the old schema'}`,
		`{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/b' in the old schema'}`,
		`{errorType:"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", description:"The new schema has an unopen content model and has a required property at path '#/properties/c' which is missing in the old schema'}`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("messages\n got %q\nwant %q", got, want)
	}
	// In the FORWARD direction the registry swaps the labels.
	swapped := r.CheckRead(w, "old", "new")
	if len(swapped) != 3 || swapped[0] != `{errorType:"MAX_LENGTH_ADDED", description:"The keyword at path '#/properties/a/maxLength' in the old schema is not present in the new schema'}` {
		t.Fatalf("swapped labels %q", swapped)
	}
	if msgs := w.CheckRead(w, "new", "old"); msgs != nil {
		t.Fatalf("a schema is incompatible with itself: %q", msgs)
	}
}

// TestPropertyOrderFollowsJavaHashOrder checks that messages about several
// properties come in the order Confluent's server reports them (its
// HashMap/HashSet iteration order), not in schema order.
func TestPropertyOrderFollowsJavaHashOrder(t *testing.T) {
	w, _ := Parse(`{"type":"object","properties":{"mid":{"type":"string"},"alpha":{"type":"string"},"zeta":{"type":"string"}}}`)
	r, _ := Parse(`{"type":"object","properties":{"mid":{"type":"integer"},"alpha":{"type":"integer"},"zeta":{"type":"integer"}}}`)
	var paths []string
	for _, d := range Compare(r, w) {
		paths = append(paths, d.Path)
	}
	// Java iterates a HashSet by bucket, (h ^ h>>>16) & 15 of
	// String.hashCode: "zeta" (3735256) lands in bucket 0, "alpha"
	// (92909918) in 7, "mid" (108104) in 9.
	want := []string{"#/properties/zeta", "#/properties/alpha", "#/properties/mid"}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %q, want %q", paths, want)
	}
	if javaStringHash("zeta") != 3735256 || javaStringHash("alpha") != 92909918 || javaStringHash("mid") != 108104 {
		t.Fatalf("String.hashCode mismatch: %d %d %d", javaStringHash("zeta"), javaStringHash("alpha"), javaStringHash("mid"))
	}
}

func TestJavaHashSetOrder(t *testing.T) {
	// Keys whose spread hashes collide in a 16-bucket table keep insertion
	// order; the table grows past 12 entries and re-spreads.
	var keys []string
	for i := 0; i < 20; i++ {
		keys = append(keys, "k"+string(rune('a'+i)))
	}
	got := javaMapKeyOrder(keys)
	if len(got) != len(keys) {
		t.Fatalf("lost keys: %q", got)
	}
	// With 32 buckets and "ka".."kt" (hash 3395+i... consecutive), buckets
	// are consecutive too: iteration is in hash order.
	for i := 1; i < len(got); i++ {
		hi := uint32(javaStringHash(got[i-1]))
		hj := uint32(javaStringHash(got[i]))
		if (hi^(hi>>16))&31 > (hj^(hj>>16))&31 {
			t.Fatalf("not in bucket order: %q", got)
		}
	}
}

func TestCompatLevelsWithFormat(t *testing.T) {
	f := Format()
	if f.Type() != registry.JSON {
		t.Fatalf("Type = %s", f.Type())
	}
	parse := func(s string) compat.Schema {
		t.Helper()
		p, err := f.Parse(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	v1 := parse(`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`)
	v2 := parse(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`)
	// Adding an optional property to a closed model is backward compatible
	// but not forward compatible (old readers reject the new property).
	if msgs := compat.Check(registry.Backward, v2, []compat.Schema{v1}); msgs != nil {
		t.Fatalf("BACKWARD: %q", msgs)
	}
	msgs := compat.Check(registry.Forward, v2, []compat.Schema{v1})
	if len(msgs) != 1 || !strings.Contains(msgs[0], "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL") {
		t.Fatalf("FORWARD: %q", msgs)
	}
	if msgs := compat.Check(registry.Full, v2, []compat.Schema{v1}); len(msgs) != 1 {
		t.Fatalf("FULL: %q", msgs)
	}
}

// TestCompareSharedDefinitions compares schemas whose combined subschemas
// all reach the same definitions: each pair is compared once, so this
// finishes instead of exploding combinatorially.
func TestCompareSharedDefinitions(t *testing.T) {
	build := func(leaf string) string {
		var defs []string
		for i := 0; i < 12; i++ {
			var alts []string
			for j := 0; j < 12; j++ {
				alts = append(alts, `{"type":"object","properties":{"p`+strconv.Itoa(j)+`":{"$ref":"#/definitions/d`+strconv.Itoa(j)+`"}},"required":["p`+strconv.Itoa(j)+`"]}`)
			}
			alts = append(alts, `{"type":"`+leaf+`"}`)
			defs = append(defs, `"d`+strconv.Itoa(i)+`":{"oneOf":[`+strings.Join(alts, ",")+`]}`)
		}
		return `{"definitions":{` + strings.Join(defs, ",") + `},"$ref":"#/definitions/d0"}`
	}
	w, r := mustParse(t, build("string")), mustParse(t, build("integer"))
	if msgs := r.CheckRead(w, "new", "old"); len(msgs) == 0 {
		t.Fatal("a changed leaf type went unnoticed")
	}
	if msgs := w.CheckRead(w, "new", "old"); msgs != nil {
		t.Fatalf("a schema is incompatible with itself: %q", msgs)
	}
	// The field list of such a schema is bounded too.
	if n := len(w.Fields()); n != maxFields {
		t.Fatalf("%d fields, want the bound %d", n, maxFields)
	}
	// The field list of such a schema is bounded too.
	if n := len(w.Fields()); n != maxFields {
		t.Fatalf("%d fields, want the bound %d", n, maxFields)
	}
}

// recursiveUnion is the schema of Confluent's memoization-masking test: T0
// and T1 have an "id" of the given types and a "ref" (a singleton oneOf) to
// T2, whose "ref" leads back to T0; the root property is oneOf[T0, T1].
func recursiveUnion(t0ID, t1ID string) string {
	obj := func(id, ref string) string {
		return `{"type":"object","additionalProperties":true,"properties":{"id":{"type":"` + id +
			`"},"ref":{"oneOf":[{"$ref":"#/definitions/` + ref + `"}]}}}`
	}
	return `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":true,
		"definitions":{"T0":` + obj(t0ID, "T2") + `,"T1":` + obj(t1ID, "T2") + `,"T2":` + obj("integer", "T0") + `},
		"properties":{"root":{"oneOf":[{"$ref":"#/definitions/T0"},{"$ref":"#/definitions/T1"}]}}}`
}

// TestRecursiveIncompatibilityNotMasked: T0's id changes incompatibly and
// every other pairing reaches T0 through the cycle, so no matching of the
// root union's branches is compatible. A single memoized pass, which
// assumes the cycle compatible, would miss it.
func TestRecursiveIncompatibilityNotMasked(t *testing.T) {
	w := mustParse(t, recursiveUnion("integer", "boolean"))
	r := mustParse(t, recursiveUnion("boolean", "number"))
	if msgs := r.CheckRead(w, "new", "old"); len(msgs) == 0 {
		t.Fatal("a recursive incompatibility was masked")
	}
	if msgs := w.CheckRead(w, "new", "old"); msgs != nil {
		t.Fatalf("a recursive schema is incompatible with itself: %q", msgs)
	}
	// Widening T0's id is compatible, cycle and all.
	if msgs := mustParse(t, recursiveUnion("number", "boolean")).CheckRead(w, "new", "old"); msgs != nil {
		t.Fatalf("widening reported incompatible: %q", msgs)
	}
}

// TestDifferencesOrder checks the full list of changes, compatible ones
// included, in the order the registry reports them.
func TestDifferencesOrder(t *testing.T) {
	for _, tc := range []struct {
		name, writer, reader string
		want                 []string
	}{
		{"bound removed then union extended", `{"type":"string","maxLength":3}`, `{"oneOf":[{"type":"number"},{"type":"string"}]}`,
			[]string{"MAX_LENGTH_REMOVED #/maxLength", "SUM_TYPE_EXTENDED #/"}},
		{"branch diffs under the writer's index",
			`{"type":"object","properties":{"p":{"oneOf":[{"type":"string","maxLength":5}]}}}`,
			`{"type":"object","properties":{"p":{"oneOf":[{"type":"boolean"},{"title":"s","type":"string","maxLength":8}]}}}`,
			[]string{"SUM_TYPE_EXTENDED #/properties/p", "TITLE_CHANGED #/properties/p/oneOf/0", "MAX_LENGTH_INCREASED #/properties/p/oneOf/0/maxLength"}},
		{"covered by a pattern",
			`{"properties":{"foo":{"type":"string"}},"additionalProperties":false,"patternProperties":{"^I_":{"type":"integer"}}}`,
			`{"properties":{"foo":{"type":"string"},"I_1":{"type":"number"}},"additionalProperties":false,"patternProperties":{"^I_":{"type":"integer"}}}`,
			[]string{"TYPE_EXTENDED #/properties/I_1", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/I_1", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/I_1"}},
		// Fewer subschemas narrow the writer's criterion: an allOf loses a
		// condition (compatible), whatever the reader's criterion.
		{"allOf narrowed into a smaller anyOf",
			`{"properties":{"p":{"allOf":[{"type":"number"},{"type":"string"}]}}}`,
			`{"properties":{"p":{"anyOf":[{"type":"string"}]}}}`,
			[]string{"COMBINED_TYPE_EXTENDED #/properties/p", "PRODUCT_TYPE_NARROWED #/properties/p"}},
		// An allOf down to one of its conditions, as a singleton oneOf.
		{"allOf narrowed into a singleton oneOf",
			`{"properties":{"p":{"allOf":[{"type":"number"},{"type":"string"}]}}}`,
			`{"properties":{"p":{"oneOf":[{"type":"string"}]}}}`,
			[]string{"COMBINED_TYPE_EXTENDED #/properties/p", "PRODUCT_TYPE_NARROWED #/properties/p"}},
		{"anyOf narrowed into a smaller allOf",
			`{"properties":{"p":{"anyOf":[{"type":"number"},{"type":"string"}]}}}`,
			`{"properties":{"p":{"allOf":[{"type":"string"}]}}}`,
			[]string{"COMBINED_TYPE_CHANGED #/properties/p"}},
		{"draft-07 $id change", `{"$id":"http://x/a"}`, `{"$id":"http://x/b"}`, []string{"ID_CHANGED #/"}},
		{"2020-12 $id change not reported",
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"http://x/a"}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"http://x/b"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range Compare(mustParse(t, tc.reader), mustParse(t, tc.writer)) {
				got = append(got, string(d.Type)+" "+d.Path)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("differences\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestMessageWording checks each message form against the registry's
// wording (Difference.error() in Confluent's json.diff package).
func TestMessageWording(t *testing.T) {
	const p = "#/properties/x"
	for typ, want := range map[DifferenceType]string{
		MaxLengthAdded:                                       "The keyword at path '#/properties/x' in the new schema is not present in the old schema",
		MinItemsIncreased:                                    "The value at path '#/properties/x' in the new schema is more than its value in the old schema",
		MaximumDecreased:                                     "The value at path '#/properties/x' in the new schema is less than its value in the old schema",
		PatternChanged:                                       "The value at path '#/properties/x' is different between the new and old schema",
		EnumArrayNarrowed:                                    "An array or combined type at path '#/properties/x' has fewer elements in the new schema than the old schema",
		ProductTypeExtended:                                  "An array or combined type at path '#/properties/x' has more elements in the new schema than the old schema",
		CombinedTypeSubschemasChanged:                        "A type at path '#/properties/x' is different between the new schema and the old schema",
		ItemAddedToOpenContentModel:                          "The new schema has an open content model and has a property or item at path '#/properties/x' which is missing in the old schema",
		RequiredPropertyAddedToUnopenContentModel:            "The new schema has an unopen content model and has a required property at path '#/properties/x' which is missing in the old schema",
		ItemRemovedFromClosedContentModel:                    "The new has a closed content model and is missing a property or item present at path '#/properties/x' in the old schema",
		PropertyRemovedNotCoveredByPartiallyOpenContentModel: "A property or item is missing in the new schema but present at path '#/properties/x' in the old schema and is not covered by its partially open content model",
		ItemAddedNotCoveredByPartiallyOpenContentModel:       "The new schema has a property or item at path '#/properties/x' which is missing in the old schema and is not covered by its partially open content model",
		SchemaAdded:                                          "",
	} {
		d := Difference{Type: typ, Path: p}
		if got := d.Message("new", "old"); got != `{errorType:"`+string(typ)+`", description:"`+want+`'}` {
			t.Errorf("%s: %s", typ, got)
		}
	}
	// FORWARD checks name the schemas the other way round.
	d := Difference{Type: MaxLengthAdded, Path: "#/"}
	if got := d.Message("old", "new"); !strings.Contains(got, "in the old schema is not present in the new schema") {
		t.Errorf("reversed: %s", got)
	}
}
