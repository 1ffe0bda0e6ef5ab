package jsonschema

import (
	"slices"

	"github.com/srkit-go/srkit/serde"
)

// This file plans how field rules walk a schema's values, once per schema
// and metadata (when an encoder or decoder is built): every property's
// full name and tags (inline confluent:tags and the metadata tags whose
// pattern matches) are computed here, so that walking a message does no
// string building and no pattern matching.
//
// A property's tags depend on its path, and a recursive schema has
// unboundedly many paths, so the plan is unrolled along each path only a
// few times through the same schema node, and only up to maxPlanNodes
// nodes in all; below that, nodes are lazy: planned one at a time as a
// walk visits them, for that walk only. A lazy region costs in proportion
// to what the walk visits, plus each visited leaf's full name (as long as
// its depth): the depth limit bounds it.

const (
	// maxPlanNodes bounds the plan of one schema.
	maxPlanNodes = 10000
	// maxUnroll is how many times a path may pass through the same schema
	// node before the plan below it is lazy.
	maxUnroll = 3
)

// pnode is the plan of a schema node at one path.
type pnode struct {
	n    *node     // dereferenced (never nil)
	prop *propInfo // the property whose values these are; nil at the top
	// lazy: nothing below is planned (recursion or the plan budget); the
	// walker plans this node when it visits it.
	lazy  bool
	props []pprop  // kindObject: the declared properties, in schema order
	items *pnode   // kindArray: every item, or those past the tuple
	tuple []*pnode // kindArray: prefixItems / items as an array
	subs  []*pnode // kindCombined: the subschemas
	// leaf is what a rule sees of a primitive value here (Type and
	// Containing are set per visit); set when prop is.
	leaf serde.Field
	// up is, for a string, number, integer, boolean or null property of an
	// object held by a tagged property (directly, or through arrays and
	// combined schemas), that tagged property's Field: a rule whose tags
	// the leaf's own miss but up's meet sees the value as up (see
	// fieldWalker.leaf). Nil elsewhere.
	up *serde.Field
	// upProp is the property holding the object this property is in (nil
	// at the top): up's source, kept on a lazy node for its expansion.
	upProp *propInfo
	// holds: kindObject, a property here may be visited as the property
	// holding the object (its up), so a walk notes what holds the object.
	holds bool
	// tags holds the tags of every leaf at or below n (sorted, without
	// duplicates): a walk for other tags skips the subtree. Lazy nodes
	// below may add more: a subtree with a lazy node is never skipped.
	tags    []string
	hasLazy bool
}

// pprop is one declared property of an object plan.
type pprop struct {
	name string
	typ  *pnode
}

// propInfo is a property: its parent (nil at the top), own name and
// inline tags.
type propInfo struct {
	parent *propInfo
	name   string
	inline []string
}

// fullName returns the property's full name: "$" then ".name" per
// property from the top. It is built on each call (plans are shared and
// never written once built; lazy regions need it for the leaves they
// visit only).
func (pi *propInfo) fullName() string {
	n := 1
	for q := pi; q != nil; q = q.parent {
		n += 1 + len(q.name)
	}
	b := make([]byte, n)
	for q := pi; q != nil; q = q.parent {
		n -= len(q.name)
		copy(b[n:], q.name)
		n--
		b[n] = '.'
	}
	b[0] = '$'
	return string(b)
}

// planner builds the plan of one schema.
type planner struct {
	tagger *serde.FieldTagger
	budget int
	onPath map[*node]int
}

// planSchema returns the plan of the values root describes, with the
// tags tagger adds.
func planSchema(root *node, tagger *serde.FieldTagger) *pnode {
	pl := &planner{tagger: tagger, budget: maxPlanNodes, onPath: map[*node]int{}}
	return pl.node(root, nil, nil)
}

// expand returns the plan of a lazy node, built for one visit: the node
// itself, with lazy nodes below it.
func (p *pnode) expand(tagger *serde.FieldTagger) *pnode {
	pl := planner{tagger: tagger, budget: 1}
	return pl.build(p.n, p.prop, p.upProp)
}

// node returns the plan of n's values in property prop; upProp is the
// property holding prop's object, if any (see inherits).
func (pl *planner) node(n *node, prop *propInfo, upProp *propInfo) *pnode {
	n = n.deref()
	if n == nil {
		return nil
	}
	if pl.budget <= 0 || pl.onPath[n] >= maxUnroll {
		// upProp's tags are looked up when the walk expands the node:
		// a visit costs the full names of what it visits only.
		return &pnode{n: n, prop: prop, upProp: upProp, lazy: true, hasLazy: true}
	}
	return pl.build(n, prop, upProp)
}

// inherits reports whether a property with schema n takes the context of
// the tagged property holding its object when its own tags miss a rule's.
// Confluent's Java client (JsonSchema.toTransformedMessage,
// RuleContext.enterField) pushes no context for a primitive property
// (string, number, integer, boolean, null) whose tags miss the rule's, so
// its value is transformed with the context of the property holding its
// object if that one's tags meet the rule's: its name and tags, the
// value's own type. Objects, arrays, enums, consts and combined schemas
// (a nullable type too) push their own context, so this reaches one level
// down only; {} and true are never transformed by Java this way.
func inherits(n *node) bool {
	switch n.kind {
	case kindString, kindNumber, kindBoolean, kindNull:
		return true
	}
	return false
}

// build plans n itself, and what is below it as budget allows.
func (pl *planner) build(n *node, prop *propInfo, upProp *propInfo) *pnode {
	pl.budget--
	if pl.onPath != nil {
		pl.onPath[n]++
		defer func() { pl.onPath[n]-- }()
	}
	p := &pnode{n: n, prop: prop, upProp: upProp}
	if upProp != nil && inherits(n) && (len(upProp.inline) > 0 || pl.tagger.HasTags()) {
		path := upProp.fullName()
		if tags := pl.tagger.Tags(path, upProp.inline); len(tags) > 0 {
			p.up = &serde.Field{FullName: path, Name: upProp.name, Tags: tags}
		}
	}
	if p.isLeaf() {
		inline := prop.inline
		if len(n.tags) > 0 {
			// Tags on the leaf schema itself (the items of a tagged
			// array, a branch of a combined schema) count as the
			// property's.
			inline = append(slices.Clip(inline), n.tags...)
		}
		path := prop.fullName()
		p.leaf = serde.Field{FullName: path, Name: prop.name, Tags: pl.tagger.Tags(path, inline)}
	}
	switch n.kind {
	case kindObject:
		for _, pr := range n.props {
			if c := pl.node(pr.n, &propInfo{parent: prop, name: pr.name, inline: inlineTags(pr.n)}, prop); c != nil {
				p.props = append(p.props, pprop{name: pr.name, typ: c})
				p.holds = p.holds || c.up != nil || (c.lazy && prop != nil && inherits(c.n) && (len(prop.inline) > 0 || pl.tagger.HasTags()))
			}
		}
	case kindArray:
		if len(n.tuple) > 0 {
			for _, t := range n.tuple {
				p.tuple = append(p.tuple, pl.node(t, prop, nil))
			}
			p.items = pl.node(n.addItemsSch, prop, nil)
		} else {
			p.items = pl.node(n.allItems, prop, nil)
		}
	case kindCombined:
		for _, s := range n.subs {
			p.subs = append(p.subs, pl.node(s, prop, nil))
		}
	}
	p.settle()
	return p
}

// settle computes p's subtree tags from its children's.
func (p *pnode) settle() {
	var tags []string
	if p.isLeaf() {
		tags = append(tags, p.leaf.Tags...)
	}
	if p.up != nil {
		tags = append(tags, p.up.Tags...)
	}
	add := func(c *pnode) {
		if c != nil {
			tags = append(tags, c.tags...)
			p.hasLazy = p.hasLazy || c.hasLazy
		}
	}
	for _, pr := range p.props {
		add(pr.typ)
	}
	for _, t := range p.tuple {
		add(t)
	}
	add(p.items)
	for _, s := range p.subs {
		add(s)
	}
	slices.Sort(tags)
	p.tags = slices.Compact(tags)
}

// isLeaf reports whether primitive values under p are visited as leaves.
func (p *pnode) isLeaf() bool {
	if p.prop == nil {
		return false
	}
	switch p.n.kind {
	case kindString, kindNumber, kindBoolean, kindNull, kindEnum, kindConst, kindEmpty, kindTrue:
		return true
	}
	return false
}

// wanted reports whether a walk for tags (every leaf when empty) must
// enter p.
func (p *pnode) wanted(tags []string) bool {
	return len(tags) == 0 || p.hasLazy || serde.TagsIntersect(p.tags, tags)
}
