package jsonschema

import (
	"regexp"
	"sync"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// validator is a schema compiled for validation: a graph of vnodes (cyclic
// where the schema recurses) that checks a tape in one walk. It is
// immutable after compilation and safe for concurrent use; the per-message
// state comes from a pool of its own.
type validator struct {
	root  *vnode
	nodes int // compiled nodes, which bounds in-place recursion
	// dynamic: the schema uses $dynamicRef or $recursiveRef, so the
	// validator tracks the dynamic scope.
	dynamic bool
	states  sync.Pool // *vstate
}

// Type bits of the "type" keyword.
const (
	typeNull uint8 = 1 << iota
	typeBoolean
	typeObject
	typeArray
	typeNumber
	typeString
	typeInteger
)

// typeNames are the "type" keyword's names by bit.
var typeNames = [...]string{"null", "boolean", "object", "array", "number", "string", "integer"}

// vnode is one compiled (sub)schema. Unset keywords are nil, negative or
// false. Each keyword is checked the way santhosh-tekuri/jsonschema v5
// checked it (the validator srkit used before), so that every schema keeps
// accepting what it accepted; errors name the same keywords with the same
// messages.
type vnode struct {
	always int8 // +1: the schema is true (or {}), -1: false
	draft  int

	// The schema resource this node belongs to (its own root when it is
	// one), for $dynamicRef and $recursiveRef.
	res       *vresource
	resRoot   bool
	recAnchor bool // "$recursiveAnchor": true (2019-09)

	ref    *vnode // $ref
	dynRef *vdynRef

	types             uint8
	typeMsg           string // the types as the schema lists them, for messages
	hasEnum, hasConst bool
	enum              []*jsontree.Value
	enumMsg           string
	constv            *jsontree.Value

	format     func([]byte) bool
	formatName string

	minimum, maximum, exclMin, exclMax *vbound
	multipleOf                         *divisor
	multipleOfLit                      string

	minLength, maxLength int64
	pattern              *regexp.Regexp
	base64               bool // contentEncoding base64
	jsonContent          bool // contentMediaType application/json

	minItems, maxItems       int64
	unique                   bool
	prefix                   []*vnode
	prefixKw                 string // "items" (before 2020-12) or "prefixItems"
	items                    *vnode // items after the prefix
	itemsKw                  string // "items" or "additionalItems"
	contains                 *vnode
	minContains, maxContains int64
	unevalItems              *vnode

	props       []vprop
	propIndex   map[string]int // by name, for many properties
	patterns    []vpattern
	additional  *vnode
	required    []string
	minProps    int64
	maxProps    int64
	propNames   *vnode
	depRequired []vdepRequired
	depSchemas  []vdepSchema
	unevalProps *vnode

	allOf, anyOf, oneOf []*vnode
	not                 *vnode
	ifs, then, els      *vnode

	// annotations: the node has unevaluatedProperties or unevaluatedItems,
	// so the properties and items its subschemas evaluate are tracked.
	annotations bool
	// applies: the node has keywords that apply subschemas to the value
	// itself ($ref, allOf, if ...).
	applies bool
	// reqMask: when every required name (64 at most) is a property, the
	// bits of vprop.required the properties pass must find.
	reqMask uint64
}

// vresource is a schema resource: a document or a subschema with an $id.
type vresource struct {
	root *vnode
	// dynamicAnchors maps each $dynamicAnchor in the resource to its
	// schema.
	dynamicAnchors map[string]*vnode
	recursive      bool // the root has "$recursiveAnchor": true
}

// vdynRef is a $dynamicRef (2020-12) or $recursiveRef (2019-09).
type vdynRef struct {
	kw        string // "$dynamicRef" or "$recursiveRef"
	static    *vnode // the schema it resolves to lexically
	anchor    string // $dynamicRef's anchor name, when static has that $dynamicAnchor
	recursive bool   // $recursiveRef whose static target has $recursiveAnchor
}

// vbound is a numeric bound with the literal it was written as.
type vbound struct {
	d     decimal
	lit   string
	isInt bool // an integer that fits i64
	i64   int64
}

type vprop struct {
	name     string
	n        *vnode
	required int // index in vnode.required, -1 if not required
}

type vpattern struct {
	src string
	re  *regexp.Regexp
	n   *vnode
}

// vdepRequired is one member of dependencies or dependentRequired: if
// property name is present, names must be too.
type vdepRequired struct {
	kw    string
	name  string
	names []string
}

// vdepSchema is one member of dependencies or dependentSchemas: if
// property name is present, the object must match n.
type vdepSchema struct {
	kw   string
	name string
	n    *vnode
}

// findProp returns the index of the property named by key token k, or -1.
func (n *vnode) findProp(t *tape, k uint32) int {
	if n.propIndex != nil {
		if t.plain(k) {
			if i, ok := n.propIndex[string(t.raw(k))]; ok {
				return i
			}
			return -1
		}
		if i, ok := n.propIndex[string(t.strValue(k))]; ok {
			return i
		}
		return -1
	}
	raw := t.raw(k)
	for i := range n.props {
		if string(raw) == n.props[i].name {
			return i
		}
	}
	if !t.plain(k) {
		v := t.strValue(k)
		for i := range n.props {
			if string(v) == n.props[i].name {
				return i
			}
		}
	}
	return -1
}
