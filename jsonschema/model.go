package jsonschema

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// nodeKind classifies a schema the way the registry's JSON Schema library
// (everit) does; the compatibility rules are defined on these classes.
type nodeKind uint8

const (
	kindEmpty nodeKind = iota // {} — accepts anything
	kindTrue                  // true — accepts anything
	kindFalse                 // false — accepts nothing
	kindObject
	kindArray
	kindString
	kindNumber
	kindBoolean
	kindNull
	kindEnum
	kindConst
	kindCombined
	kindNot
	kindRef
	kindConditional
)

// optInt is an optional non-negative integer keyword.
type optInt struct {
	set bool
	v   int64
}

// prop is one entry of "properties".
type prop struct {
	name string
	n    *node
}

// patternProp is one entry of "patternProperties".
type patternProp struct {
	src string
	re  *regexp.Regexp // nil when the pattern is not a valid Go regexp
	n   *node
}

// node is a schema classified for the compatibility checker and the field
// walker. Fields are set according to kind.
type node struct {
	kind nodeKind
	raw  *jsontree.Value // the schema's JSON; nil for parts split from a "type" array

	// Common keywords.
	id, title, description string
	hasID, hasTitle        bool
	hasDescription         bool
	def                    *jsontree.Value // "default"
	tags                   []string

	// kindObject
	props          []prop
	required       []string
	additional     bool  // permits additional properties
	additionalSch  *node // schema of additional properties
	patterns       []patternProp
	propDeps       map[string][]string
	schemaDeps     map[string]*node
	minProps       optInt
	maxProps       optInt
	unevalProps    *node
	requiresObject bool

	// kindArray
	allItems      *node
	tuple         []*node
	addItems      bool
	addItemsSch   *node
	minItems      optInt
	maxItems      optInt
	uniqueItems   bool
	minContains   optInt
	maxContains   optInt
	unevalItems   *node
	requiresArray bool

	// kindString
	minLength, maxLength optInt
	pattern              string
	hasPattern           bool

	// kindNumber
	integer          bool
	minimum, maximum *big.Rat
	exclMin, exclMax *big.Rat
	multipleOf       *big.Rat

	// kindEnum, kindConst
	enum  []*jsontree.Value
	konst *jsontree.Value

	// kindCombined: criterion is "allOf", "anyOf" or "oneOf".
	criterion string
	subs      []*node

	// kindNot
	not *node

	// kindRef
	ref *node
}

// property returns the schema of property name, or nil.
func (n *node) property(name string) *node {
	for _, p := range n.props {
		if p.name == name {
			return p.n
		}
	}
	return nil
}

// isRequired reports whether name is in "required".
func (n *node) isRequired(name string) bool {
	for _, r := range n.required {
		if r == name {
			return true
		}
	}
	return false
}

// deref follows references to the schema they name.
func (n *node) deref() *node {
	for i := 0; n != nil && n.kind == kindRef && i < 64; i++ {
		n = n.ref
	}
	return n
}

// isEmptyKind reports whether n is {} or true (everit's EmptySchema and its
// subclass TrueSchema).
func (n *node) isEmptyKind() bool { return n.kind == kindEmpty || n.kind == kindTrue }

// Keywords by the type they constrain, used to infer a schema's type when
// "type" is absent (everit's property sniffing).
var (
	objectKeywords = []string{"properties", "required", "additionalProperties", "patternProperties",
		"minProperties", "maxProperties", "dependencies", "propertyNames", "dependentRequired",
		"dependentSchemas", "unevaluatedProperties"}
	arrayKeywords = []string{"items", "additionalItems", "minItems", "maxItems", "uniqueItems",
		"contains", "prefixItems", "unevaluatedItems", "minContains", "maxContains"}
	numberKeywords = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
	stringKeywords = []string{"minLength", "maxLength", "pattern", "format"}
)

// builder turns schema JSON into nodes, resolving references through docs.
type builder struct {
	docs  *docSet
	nodes map[*jsontree.Value]*node
}

// buildModel classifies the schema at t and everything it references.
func buildModel(docs *docSet, t target) (*node, error) {
	b := &builder{docs: docs, nodes: map[*jsontree.Value]*node{}}
	return b.build(t, 0)
}

func (b *builder) build(t target, depth int) (*node, error) {
	if depth > jsontree.MaxDepth*4 {
		return nil, fmt.Errorf("schema nests or references deeper than %d", jsontree.MaxDepth*4)
	}
	v := t.v
	if n, ok := b.nodes[v]; ok {
		return n, nil
	}
	switch v.Kind {
	case jsontree.Bool:
		n := &node{kind: kindFalse, raw: v}
		if v.Bool {
			n.kind = kindTrue
		}
		b.nodes[v] = n
		return n, nil
	case jsontree.Object:
	default:
		return nil, fmt.Errorf("a schema must be an object or a boolean, not %s", jsontree.Printer{Numbers: jsontree.BigDecimals}.String(v))
	}
	n := &node{raw: v}
	b.nodes[v] = n
	if id, ok := v.Get(idKeyword(t.draft)).StringValue(); ok {
		// The registry's 2019-09/2020-12 reader does not report "$id"
		// changes; older drafts do.
		if t.draft < draft2019 {
			n.id, n.hasID = id, true
		}
		// References resolve as the validator resolves them (an "$id"
		// beside "$ref" does not count up to draft-07).
		if _, counts := schemaID(v, t.draft); counts && !strings.HasPrefix(id, "#") {
			if abs, err := resolveURL(t.base, id); err == nil {
				t.base, _ = splitFragment(abs)
			}
		}
	}
	n.title, n.hasTitle = v.Get("title").StringValue()
	n.description, n.hasDescription = v.Get("description").StringValue()
	n.def = v.Get("default")
	n.tags = tagsOf(v)

	parts, err := b.parts(t, depth)
	if err != nil {
		return nil, err
	}
	switch len(parts) {
	case 0:
		n.kind = kindEmpty
	case 1:
		p := parts[0]
		common := *n
		*n = *p
		n.raw, n.id, n.hasID, n.title, n.hasTitle = common.raw, common.id, common.hasID, common.title, common.hasTitle
		n.description, n.hasDescription, n.def, n.tags = common.description, common.hasDescription, common.def, common.tags
	default:
		n.kind, n.criterion, n.subs = kindCombined, "allOf", parts
	}
	return n, nil
}

// tagsOf returns the inline "confluent:tags" of a schema object.
func tagsOf(v *jsontree.Value) []string {
	t := v.Get("confluent:tags")
	if t == nil || t.Kind != jsontree.Array {
		return nil
	}
	var out []string
	for _, e := range t.Arr {
		if s, ok := e.StringValue(); ok {
			out = append(out, s)
		}
	}
	return out
}

// parts extracts the schemas a schema object is the conjunction of, in the
// order everit extracts them: $ref, enum, allOf/anyOf/oneOf, not, const, the
// explicit type(s), types inferred from keywords, if/then/else.
func (b *builder) parts(t target, depth int) ([]*node, error) {
	v := t.v
	var parts []*node
	if ref, ok := v.Get("$ref").StringValue(); ok {
		rt, err := b.docs.resolve(t.base, ref)
		if err != nil {
			return nil, err
		}
		rn, err := b.build(rt, depth+1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, &node{kind: kindRef, ref: rn})
		if t.draft < draft2019 {
			// Before 2019-09, "$ref" overrides its siblings.
			return parts, nil
		}
	}
	if e := v.Get("enum"); e != nil && e.Kind == jsontree.Array {
		parts = append(parts, &node{kind: kindEnum, enum: e.Arr})
	}
	for _, c := range []string{"allOf", "anyOf", "oneOf"} {
		arr := v.Get(c)
		if arr == nil || arr.Kind != jsontree.Array {
			continue
		}
		cn := &node{kind: kindCombined, criterion: c}
		for _, e := range arr.Arr {
			sn, err := b.build(target{v: e, base: t.base, draft: t.draft}, depth+1)
			if err != nil {
				return nil, err
			}
			cn.subs = append(cn.subs, sn)
		}
		parts = append(parts, cn)
	}
	if nv := v.Get("not"); nv != nil {
		sn, err := b.build(target{v: nv, base: t.base, draft: t.draft}, depth+1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, &node{kind: kindNot, not: sn})
	}
	if c := v.Get("const"); c != nil {
		parts = append(parts, &node{kind: kindConst, konst: c})
	}
	consumed := map[string]bool{}
	if tv := v.Get("type"); tv != nil {
		var types []string
		switch tv.Kind {
		case jsontree.String:
			types = []string{tv.Str}
		case jsontree.Array:
			for _, e := range tv.Arr {
				if s, ok := e.StringValue(); ok {
					types = append(types, s)
				}
			}
		}
		var typed []*node
		for _, ty := range types {
			tn, err := b.typed(t, ty, true, consumed, depth)
			if err != nil {
				return nil, err
			}
			if tn != nil {
				typed = append(typed, tn)
			}
		}
		switch {
		case tv.Kind == jsontree.Array:
			parts = append(parts, &node{kind: kindCombined, criterion: "anyOf", subs: typed})
		case len(typed) == 1:
			parts = append(parts, typed[0])
		}
	}
	// Infer types from the keywords no explicit type used.
	for _, sniff := range []struct {
		ty       string
		keywords []string
	}{{"array", arrayKeywords}, {"object", objectKeywords}, {"number", numberKeywords}, {"string", stringKeywords}} {
		if !hasAny(v, sniff.keywords, consumed) {
			continue
		}
		tn, err := b.typed(t, sniff.ty, false, consumed, depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, tn)
	}
	if v.Has("if") {
		parts = append(parts, &node{kind: kindConditional})
	}
	return parts, nil
}

// hasAny reports whether v has one of keywords that is not consumed.
func hasAny(v *jsontree.Value, keywords []string, consumed map[string]bool) bool {
	for _, k := range keywords {
		if !consumed[k] && v.Has(k) {
			return true
		}
	}
	return false
}

// typed builds the part of schema t that constrains values of type ty.
// explicit says whether "type" names ty (rather than keywords implying it).
func (b *builder) typed(t target, ty string, explicit bool, consumed map[string]bool, depth int) (*node, error) {
	v := t.v
	switch ty {
	case "object":
		markConsumed(consumed, objectKeywords)
		return b.object(t, explicit, depth)
	case "array":
		markConsumed(consumed, arrayKeywords)
		return b.array(t, explicit, depth)
	case "number", "integer":
		markConsumed(consumed, numberKeywords)
		n := &node{kind: kindNumber, integer: ty == "integer"}
		n.minimum, n.maximum, n.multipleOf = v.Get("minimum").Rat(), v.Get("maximum").Rat(), v.Get("multipleOf").Rat()
		n.exclMin, n.exclMax = v.Get("exclusiveMinimum").Rat(), v.Get("exclusiveMaximum").Rat()
		return n, nil
	case "string":
		markConsumed(consumed, stringKeywords)
		n := &node{kind: kindString, minLength: intOf(v.Get("minLength")), maxLength: intOf(v.Get("maxLength"))}
		n.pattern, n.hasPattern = v.Get("pattern").StringValue()
		return n, nil
	case "boolean":
		return &node{kind: kindBoolean}, nil
	case "null":
		return &node{kind: kindNull}, nil
	}
	return nil, fmt.Errorf("unknown type %q", ty)
}

func markConsumed(consumed map[string]bool, keywords []string) {
	for _, k := range keywords {
		consumed[k] = true
	}
}

// key identifies a node's schema for de-duplicating the subschemas of a
// combined schema, as the registry does by comparing schema texts.
func (n *node) key() string {
	if n.raw != nil {
		return jsontree.Printer{Numbers: jsontree.BigDecimals}.String(n.raw)
	}
	return "#synthetic:" + strconv.Itoa(int(n.kind)) + ":" + fmt.Sprintf("%p", n)
}
