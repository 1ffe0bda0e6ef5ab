package jsonschema

import (
	"regexp"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// Builders of the typed parts of a schema: objects and arrays.

// intOf returns an integer keyword's value.
func intOf(v *jsontree.Value) optInt {
	r := v.Rat()
	if r == nil || !r.IsInt() || !r.Num().IsInt64() {
		return optInt{}
	}
	return optInt{set: true, v: r.Num().Int64()}
}

// sub builds the subschema v found under t.
func (b *builder) sub(t target, v *jsontree.Value, depth int) (*node, error) {
	if v == nil {
		return nil, nil
	}
	return b.build(target{v: v, base: t.base, draft: t.draft}, depth+1)
}

func (b *builder) object(t target, explicit bool, depth int) (*node, error) {
	v := t.v
	n := &node{kind: kindObject, requiresObject: explicit, additional: true}
	if ps := v.Get("properties"); ps != nil && ps.Kind == jsontree.Object {
		for _, m := range ps.Obj {
			pn, err := b.sub(t, m.Val, depth)
			if err != nil {
				return nil, err
			}
			n.props = append(n.props, prop{name: m.Key, n: pn})
		}
	}
	if r := v.Get("required"); r != nil && r.Kind == jsontree.Array {
		for _, e := range r.Arr {
			if s, ok := e.StringValue(); ok {
				n.required = append(n.required, s)
			}
		}
	}
	if ap := v.Get("additionalProperties"); ap != nil {
		if ap.Kind == jsontree.Bool {
			n.additional = ap.Bool
		} else {
			sn, err := b.sub(t, ap, depth)
			if err != nil {
				return nil, err
			}
			n.additionalSch = sn
		}
	}
	if pp := v.Get("patternProperties"); pp != nil && pp.Kind == jsontree.Object {
		for _, m := range pp.Obj {
			pn, err := b.sub(t, m.Val, depth)
			if err != nil {
				return nil, err
			}
			re, _ := regexp.Compile(m.Key)
			n.patterns = append(n.patterns, patternProp{src: m.Key, re: re, n: pn})
		}
	}
	for _, key := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
		deps := v.Get(key)
		if deps == nil || deps.Kind != jsontree.Object {
			continue
		}
		for _, m := range deps.Obj {
			if m.Val.Kind == jsontree.Array {
				if n.propDeps == nil {
					n.propDeps = map[string][]string{}
				}
				names := []string{}
				for _, e := range m.Val.Arr {
					if s, ok := e.StringValue(); ok {
						names = append(names, s)
					}
				}
				n.propDeps[m.Key] = names
				continue
			}
			sn, err := b.sub(t, m.Val, depth)
			if err != nil {
				return nil, err
			}
			if n.schemaDeps == nil {
				n.schemaDeps = map[string]*node{}
			}
			n.schemaDeps[m.Key] = sn
		}
	}
	n.minProps, n.maxProps = intOf(v.Get("minProperties")), intOf(v.Get("maxProperties"))
	up, err := b.sub(t, v.Get("unevaluatedProperties"), depth)
	if err != nil {
		return nil, err
	}
	n.unevalProps = up
	return n, nil
}

func (b *builder) array(t target, explicit bool, depth int) (*node, error) {
	v := t.v
	n := &node{kind: kindArray, requiresArray: explicit, addItems: true}
	items := v.Get("items")
	var tuple []*jsontree.Value
	if t.draft >= draft2020 {
		if pi := v.Get("prefixItems"); pi != nil && pi.Kind == jsontree.Array {
			tuple = pi.Arr
		}
	} else if items != nil && items.Kind == jsontree.Array {
		tuple, items = items.Arr, nil
	}
	for _, e := range tuple {
		sn, err := b.sub(t, e, depth)
		if err != nil {
			return nil, err
		}
		n.tuple = append(n.tuple, sn)
	}
	additional := v.Get("additionalItems")
	if t.draft >= draft2020 && items != nil && (tuple != nil || items.Kind == jsontree.Bool) {
		// In 2020-12 "items" next to "prefixItems" plays additionalItems'
		// role; the registry also reads a boolean "items" that way.
		additional, items = items, nil
	}
	if items != nil {
		sn, err := b.sub(t, items, depth)
		if err != nil {
			return nil, err
		}
		n.allItems = sn
	}
	if additional != nil {
		if additional.Kind == jsontree.Bool {
			n.addItems = additional.Bool
		} else {
			sn, err := b.sub(t, additional, depth)
			if err != nil {
				return nil, err
			}
			n.addItemsSch = sn
		}
	}
	n.minItems, n.maxItems = intOf(v.Get("minItems")), intOf(v.Get("maxItems"))
	if u := v.Get("uniqueItems"); u != nil && u.Kind == jsontree.Bool {
		n.uniqueItems = u.Bool
	}
	n.minContains, n.maxContains = intOf(v.Get("minContains")), intOf(v.Get("maxContains"))
	ui, err := b.sub(t, v.Get("unevaluatedItems"), depth)
	if err != nil {
		return nil, err
	}
	n.unevalItems = ui
	return n, nil
}
