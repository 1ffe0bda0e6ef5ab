package jsonschema

import (
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// diffCtx collects the differences found while comparing two schemas, with
// the path to the keyword being compared.
type diffCtx struct {
	path  []string
	diffs []Difference
	// shared holds what the whole comparison shares.
	shared *diffShared
}

// diffShared is the state of one comparison, shared by its sub-contexts.
type diffShared struct {
	// inProgress holds the (writer, reader) pairs being compared on the
	// call stack: meeting one again is a recursive schema, treated as
	// compatible.
	inProgress map[[2]*node]bool
	// memo holds the differences found for a pair, with paths relative to
	// it, so that schemas that reach the same pair along many paths
	// (combined schemas over shared definitions) compare it once.
	memo map[[2]*node][]Difference
	// assumedIncompatible holds the pairs an earlier pass found
	// incompatible: meeting one of them again on the call stack is no
	// longer assumed compatible.
	assumedIncompatible map[[2]*node][]Difference
}

func newDiffCtx() *diffCtx {
	return &diffCtx{shared: &diffShared{inProgress: map[[2]*node]bool{}, memo: map[[2]*node][]Difference{}}}
}

// sub returns a context at the same path whose differences are kept apart.
func (c *diffCtx) sub() *diffCtx {
	return &diffCtx{path: append([]string(nil), c.path...), shared: c.shared}
}

// addRebased adds differences found relative to a pair at the current path.
func (c *diffCtx) addRebased(rel []Difference) {
	prefix := c.pathString()
	for _, d := range rel {
		p := prefix
		if len(c.path) == 0 {
			p = d.Path
		} else if len(d.Path) > 2 {
			p = prefix + "/" + d.Path[2:]
		}
		c.diffs = append(c.diffs, Difference{Type: d.Type, Path: p})
	}
}

func (c *diffCtx) enter(p string) { c.path = append(c.path, p) }
func (c *diffCtx) leave()         { c.path = c.path[:len(c.path)-1] }

func (c *diffCtx) pathString() string { return "#/" + strings.Join(c.path, "/") }

func (c *diffCtx) add(t DifferenceType) {
	c.diffs = append(c.diffs, Difference{Type: t, Path: c.pathString()})
}

// addAt records t at keyword attr under the current path.
func (c *diffCtx) addAt(attr string, t DifferenceType) {
	c.enter(attr)
	c.add(t)
	c.leave()
}

func (c *diffCtx) addAll(ds []Difference) { c.diffs = append(c.diffs, ds...) }

// compatible reports whether every difference so far is compatible.
func (c *diffCtx) compatible() bool { return allCompatible(c.diffs) }

// maxDiffPasses bounds the fixed-point iteration of diffSchemas.
const maxDiffPasses = 64

// diffSchemas returns every difference between the writer schema (old)
// and the reader schema (update), as Confluent's SchemaDiff.compare does.
//
// A recursive schema makes the comparison meet a pair it is still
// comparing; that pair is assumed compatible, and results that depend on
// the assumption are memoized. When the assumption proves wrong, a pass
// may report a change compatible that is not, so the comparison is
// repeated with the pairs found incompatible no longer assumed compatible,
// until the set of incompatible pairs stops growing (the greatest fixed
// point, as Confluent's checker computes it).
func diffSchemas(old, update *node) []Difference {
	var assumed map[[2]*node][]Difference
	for pass := 0; ; pass++ {
		c := newDiffCtx()
		c.shared.assumedIncompatible = assumed
		compareNodes(c, old, update)
		next := map[[2]*node][]Difference{}
		for pair, ds := range assumed {
			next[pair] = ds
		}
		for pair, ds := range c.shared.memo {
			if _, ok := next[pair]; !ok && !allCompatible(ds) {
				next[pair] = ds
			}
		}
		if len(next) == len(assumed) || pass == maxDiffPasses {
			return c.diffs
		}
		assumed = next
	}
}

// allCompatible reports whether every difference is compatible.
func allCompatible(ds []Difference) bool {
	for _, d := range ds {
		if !d.Type.Compatible() {
			return false
		}
	}
	return true
}

// compareNodes compares original (the writer) with update (the reader).
func compareNodes(c *diffCtx, original, update *node) {
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		c.add(SchemaAdded)
		return
	case update == nil:
		c.add(SchemaRemoved)
		return
	}
	original, update = original.deref(), update.deref()
	if original == nil || update == nil {
		return
	}
	if original.kind != kindCombined && update.kind == kindCombined {
		if len(update.subs) == 1 {
			s := c.sub()
			compareNodes(s, original, update.subs[0])
			if s.compatible() {
				c.addAll(s.diffs)
				return
			}
		} else if update.criterion == "anyOf" || update.criterion == "oneOf" {
			for _, u := range update.subs {
				s := c.sub()
				compareNodes(s, original, u)
				if s.compatible() {
					c.addAll(s.diffs)
					c.add(SumTypeExtended)
					return
				}
			}
		}
	} else if original.kind == kindCombined && update.kind != kindCombined {
		if len(original.subs) == 1 {
			s := c.sub()
			compareNodes(s, original.subs[0], update)
			if s.compatible() {
				c.addAll(s.diffs)
				return
			}
		} else if original.criterion == "allOf" {
			for _, o := range original.subs {
				s := c.sub()
				compareNodes(s, o, update)
				if s.compatible() {
					c.addAll(s.diffs)
					c.add(ProductTypeNarrowed)
					return
				}
			}
		}
	}
	if original.kind != update.kind {
		// Everit's TrueSchema is a subclass of EmptySchema: those two
		// differ in class but not in meaning, and both accept everything.
		if original.kind != kindFalse && !update.isEmptyKind() {
			c.add(TypeChanged)
		}
		return
	}
	pair := [2]*node{original, update}
	if rel, ok := c.shared.memo[pair]; ok {
		c.addRebased(rel)
		return
	}
	if c.shared.inProgress[pair] {
		if rel, ok := c.shared.assumedIncompatible[pair]; ok {
			c.addRebased(rel)
		}
		return
	}
	c.shared.inProgress[pair] = true
	rel := &diffCtx{shared: c.shared}
	compareSameKind(rel, original, update)
	delete(c.shared.inProgress, pair)
	c.shared.memo[pair] = rel.diffs
	c.addRebased(rel.diffs)
}

// compareSameKind compares two schemas of the same kind.
func compareSameKind(c *diffCtx, original, update *node) {
	if original.hasID != update.hasID || original.id != update.id {
		c.add(IDChanged)
	}
	if original.hasTitle != update.hasTitle || original.title != update.title {
		c.add(TitleChanged)
	}
	if original.hasDescription != update.hasDescription || original.description != update.description {
		c.add(DescriptionChanged)
	}
	if !jsontree.Equal(original.def, update.def) {
		c.add(DefaultChanged)
	}
	switch original.kind {
	case kindString:
		compareString(c, original, update)
	case kindNumber:
		compareNumber(c, original, update)
	case kindEnum:
		compareEnum(c, original, update)
	case kindConst:
		if !jsontree.Equal(original.konst, update.konst) {
			c.addAt("const", EnumArrayChanged)
		}
	case kindCombined:
		compareCombined(c, original, update)
	case kindNot:
		c.enter("not")
		s := c.sub()
		// The reader's "not" must exclude no more than the writer's did.
		compareNodes(s, update.not, original.not)
		if s.compatible() {
			c.add(NotTypeNarrowed)
		} else {
			c.add(NotTypeExtended)
		}
		c.leave()
	case kindObject:
		compareObject(c, original, update)
	case kindArray:
		compareArray(c, original, update)
	}
}

// compareBounds records how an optional integer keyword changed.
func compareBounds(c *diffCtx, attr string, o, u optInt, added, removed, increased, decreased DifferenceType) {
	switch {
	case o == u:
	case !o.set:
		c.addAt(attr, added)
	case !u.set:
		c.addAt(attr, removed)
	case o.v < u.v:
		c.addAt(attr, increased)
	case o.v > u.v:
		c.addAt(attr, decreased)
	}
}

// compareRats records how an optional numeric keyword changed.
func compareRats(c *diffCtx, attr string, o, u *big.Rat, added, removed, increased, decreased DifferenceType) {
	switch {
	case o == nil && u == nil:
	case o == nil:
		c.addAt(attr, added)
	case u == nil:
		c.addAt(attr, removed)
	case o.Cmp(u) < 0:
		c.addAt(attr, increased)
	case o.Cmp(u) > 0:
		c.addAt(attr, decreased)
	}
}

func compareString(c *diffCtx, o, u *node) {
	compareBounds(c, "maxLength", o.maxLength, u.maxLength, MaxLengthAdded, MaxLengthRemoved, MaxLengthIncreased, MaxLengthDecreased)
	compareBounds(c, "minLength", o.minLength, u.minLength, MinLengthAdded, MinLengthRemoved, MinLengthIncreased, MinLengthDecreased)
	switch {
	case !o.hasPattern && u.hasPattern:
		c.addAt("pattern", PatternAdded)
	case o.hasPattern && !u.hasPattern:
		c.addAt("pattern", PatternRemoved)
	case o.hasPattern && o.pattern != u.pattern:
		c.addAt("pattern", PatternChanged)
	}
}

func compareNumber(c *diffCtx, o, u *node) {
	compareRats(c, "maximum", o.maximum, u.maximum, MaximumAdded, MaximumRemoved, MaximumIncreased, MaximumDecreased)
	compareRats(c, "minimum", o.minimum, u.minimum, MinimumAdded, MinimumRemoved, MinimumIncreased, MinimumDecreased)
	compareRats(c, "exclusiveMaximum", o.exclMax, u.exclMax, ExclusiveMaximumAdded, ExclusiveMaximumRemoved, ExclusiveMaximumIncreased, ExclusiveMaximumDecreased)
	compareRats(c, "exclusiveMinimum", o.exclMin, u.exclMin, ExclusiveMinimumAdded, ExclusiveMinimumRemoved, ExclusiveMinimumIncreased, ExclusiveMinimumDecreased)
	switch {
	case o.multipleOf == nil && u.multipleOf == nil:
	case o.multipleOf == nil:
		c.addAt("multipleOf", MultipleOfAdded)
	case u.multipleOf == nil:
		c.addAt("multipleOf", MultipleOfRemoved)
	case o.multipleOf.Cmp(u.multipleOf) == 0:
	case isMultiple(u.multipleOf, o.multipleOf):
		c.addAt("multipleOf", MultipleOfExpanded)
	case isMultiple(o.multipleOf, u.multipleOf):
		c.addAt("multipleOf", MultipleOfReduced)
	default:
		c.addAt("multipleOf", MultipleOfChanged)
	}
	if o.integer != u.integer {
		if o.integer {
			c.add(TypeExtended)
		} else {
			c.add(TypeNarrowed)
		}
	}
}

// isMultiple reports whether a is an integer multiple of b.
func isMultiple(a, b *big.Rat) bool {
	if b.Sign() == 0 {
		return false
	}
	return new(big.Rat).Quo(a, b).IsInt()
}

func compareEnum(c *diffCtx, o, u *node) {
	os, us := valueSet(o.enum), valueSet(u.enum)
	if setEqual(os, us) {
		return
	}
	switch {
	case containsAll(us, os):
		c.addAt("enum", EnumArrayExtended)
	case containsAll(os, us):
		c.addAt("enum", EnumArrayNarrowed)
	default:
		c.addAt("enum", EnumArrayChanged)
	}
}

// valueSet keys JSON values by their sorted compact text, so that equal
// values (in any member order) compare equal.
func valueSet(vs []*jsontree.Value) map[string]bool {
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[string(jsontree.Printer{Numbers: jsontree.BigDecimals, SortKeys: true}.Append(nil, v))] = true
	}
	return m
}

func setEqual(a, b map[string]bool) bool { return len(a) == len(b) && containsAll(a, b) }

func containsAll(a, b map[string]bool) bool {
	for k := range b {
		if !a[k] {
			return false
		}
	}
	return true
}

func compareCombined(c *diffCtx, o, u *node) {
	if compareCriteria(c, o, u) == CombinedTypeChanged {
		return
	}
	os, us := dedupe(o.subs), dedupe(u.subs)
	switch {
	case len(os) < len(us) && u.criterion == "allOf":
		c.add(ProductTypeExtended)
	case len(os) < len(us):
		c.add(SumTypeExtended)
	case len(os) > len(us) && o.criterion == "allOf":
		// Narrowing is named after the writer's criterion: fewer
		// conditions of an allOf, fewer alternatives of an anyOf/oneOf.
		c.add(ProductTypeNarrowed)
	case len(os) > len(us):
		c.add(SumTypeNarrowed)
	}
	edges := make([][]int, len(os))
	diffs := map[[2]int][]Difference{}
	for i, on := range os {
		c.enter(o.criterion + "/" + strconv.Itoa(i))
		for j, un := range us {
			s := c.sub()
			compareNodes(s, on, un)
			if s.compatible() {
				edges[i] = append(edges[i], j)
				diffs[[2]int{i, j}] = s.diffs
			}
		}
		c.leave()
	}
	match := maxMatching(edges, len(us))
	matched := 0
	for j, i := range match {
		if i >= 0 {
			matched++
			c.addAll(diffs[[2]int{i, j}])
		}
	}
	if matched < min(len(os), len(us)) {
		c.add(CombinedTypeSubschemasChanged)
	}
}

// compareCriteria records a change of allOf/anyOf/oneOf and returns it.
func compareCriteria(c *diffCtx, o, u *node) DifferenceType {
	var t DifferenceType
	switch {
	case o.criterion == u.criterion:
		return ""
	case u.criterion == "anyOf":
		t = CombinedTypeExtended
	case u.criterion == "oneOf" && len(o.subs) == 1:
		t = CombinedTypeExtended
	case len(o.subs) == 1 && len(u.subs) == 1:
		t = CombinedTypeExtended
	case o.criterion == "allOf" && len(u.subs) == 1:
		// One of the writer's conditions is a schema its data all met.
		t = CombinedTypeExtended
	default:
		t = CombinedTypeChanged
	}
	c.add(t)
	return t
}

// dedupe drops subschemas whose text repeats an earlier one.
func dedupe(ns []*node) []*node {
	seen := map[string]bool{}
	var out []*node
	for _, n := range ns {
		k := n.key()
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// maxMatching finds a maximum bipartite matching between left nodes (with
// edges to right nodes) and nRight right nodes. It returns, for each right
// node, its matched left node or -1.
func maxMatching(edges [][]int, nRight int) []int {
	match := make([]int, nRight)
	for i := range match {
		match[i] = -1
	}
	for l := range edges {
		seen := make([]bool, nRight)
		augment(l, edges, match, seen)
	}
	return match
}

func augment(l int, edges [][]int, match []int, seen []bool) bool {
	for _, r := range edges[l] {
		if seen[r] {
			continue
		}
		seen[r] = true
		if match[r] < 0 || augment(match[r], edges, match, seen) {
			match[r] = l
			return true
		}
	}
	return false
}

// sortedKeys returns m's keys in order, for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
