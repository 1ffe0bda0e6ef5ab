package jsonschema

import "regexp"

// Builders of the typed parts of a schema: objects and arrays.

// intOf returns an integer keyword's value.
func intOf(v *jv) optInt {
	r := ratOf(v)
	if r == nil || !r.IsInt() || !r.Num().IsInt64() {
		return optInt{}
	}
	return optInt{set: true, v: r.Num().Int64()}
}

// sub builds the subschema v found under t.
func (b *builder) sub(t target, v *jv, depth int) (*node, error) {
	if v == nil {
		return nil, nil
	}
	return b.build(target{v: v, base: t.base, draft: t.draft}, depth+1)
}

func (b *builder) object(t target, explicit bool, depth int) (*node, error) {
	v := t.v
	n := &node{kind: kindObject, requiresObject: explicit, additional: true}
	if ps := v.get("properties"); ps != nil && ps.kind == jObject {
		for _, m := range ps.obj {
			pn, err := b.sub(t, m.val, depth)
			if err != nil {
				return nil, err
			}
			n.props = append(n.props, prop{name: m.key, n: pn})
		}
	}
	if r := v.get("required"); r != nil && r.kind == jArray {
		for _, e := range r.arr {
			if s, ok := e.str(); ok {
				n.required = append(n.required, s)
			}
		}
	}
	if ap := v.get("additionalProperties"); ap != nil {
		if ap.kind == jBool {
			n.additional = ap.b
		} else {
			sn, err := b.sub(t, ap, depth)
			if err != nil {
				return nil, err
			}
			n.additionalSch = sn
		}
	}
	if pp := v.get("patternProperties"); pp != nil && pp.kind == jObject {
		for _, m := range pp.obj {
			pn, err := b.sub(t, m.val, depth)
			if err != nil {
				return nil, err
			}
			re, _ := regexp.Compile(m.key)
			n.patterns = append(n.patterns, patternProp{src: m.key, re: re, n: pn})
		}
	}
	for _, key := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
		deps := v.get(key)
		if deps == nil || deps.kind != jObject {
			continue
		}
		for _, m := range deps.obj {
			if m.val.kind == jArray {
				if n.propDeps == nil {
					n.propDeps = map[string][]string{}
				}
				names := []string{}
				for _, e := range m.val.arr {
					if s, ok := e.str(); ok {
						names = append(names, s)
					}
				}
				n.propDeps[m.key] = names
				continue
			}
			sn, err := b.sub(t, m.val, depth)
			if err != nil {
				return nil, err
			}
			if n.schemaDeps == nil {
				n.schemaDeps = map[string]*node{}
			}
			n.schemaDeps[m.key] = sn
		}
	}
	n.minProps, n.maxProps = intOf(v.get("minProperties")), intOf(v.get("maxProperties"))
	up, err := b.sub(t, v.get("unevaluatedProperties"), depth)
	if err != nil {
		return nil, err
	}
	n.unevalProps = up
	return n, nil
}

func (b *builder) array(t target, explicit bool, depth int) (*node, error) {
	v := t.v
	n := &node{kind: kindArray, requiresArray: explicit, addItems: true}
	items := v.get("items")
	var tuple []*jv
	if t.draft >= draft2020 {
		if pi := v.get("prefixItems"); pi != nil && pi.kind == jArray {
			tuple = pi.arr
		}
	} else if items != nil && items.kind == jArray {
		tuple, items = items.arr, nil
	}
	for _, e := range tuple {
		sn, err := b.sub(t, e, depth)
		if err != nil {
			return nil, err
		}
		n.tuple = append(n.tuple, sn)
	}
	additional := v.get("additionalItems")
	if t.draft >= draft2020 && items != nil && (tuple != nil || items.kind == jBool) {
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
		if additional.kind == jBool {
			n.addItems = additional.b
		} else {
			sn, err := b.sub(t, additional, depth)
			if err != nil {
				return nil, err
			}
			n.addItemsSch = sn
		}
	}
	n.minItems, n.maxItems = intOf(v.get("minItems")), intOf(v.get("maxItems"))
	if u := v.get("uniqueItems"); u != nil && u.kind == jBool {
		n.uniqueItems = u.b
	}
	n.minContains, n.maxContains = intOf(v.get("minContains")), intOf(v.get("maxContains"))
	ui, err := b.sub(t, v.get("unevaluatedItems"), depth)
	if err != nil {
		return nil, err
	}
	n.unevalItems = ui
	return n, nil
}
