package jsonschema

// Object and array compatibility follows Confluent's content-model rules: a
// schema is "open" when it accepts any additional property (or item),
// "closed" when it accepts none, "partially open" when additional
// properties must match a schema. Adding a property is only safe when the
// writer's model could not have produced it with another type.

func compareObject(c *diffCtx, o, u *node) {
	compareRequired(c, o, u)
	compareProperties(c, o, u)
	compareDependencies(c, o, u)
	compareAdditionalProperties(c, o, u)
	compareUnevaluated(c, "unevaluatedProperties", o.unevalProps, u.unevalProps,
		UnevaluatedPropertiesAdded, UnevaluatedPropertiesRemoved, UnevaluatedPropertiesExtended, UnevaluatedPropertiesNarrowed)
	compareBounds(c, "maxProperties", o.maxProps, u.maxProps, MaxPropertiesAdded, MaxPropertiesRemoved, MaxPropertiesIncreased, MaxPropertiesDecreased)
	compareBounds(c, "minProperties", o.minProps, u.minProps, MinPropertiesAdded, MinPropertiesRemoved, MinPropertiesIncreased, MinPropertiesDecreased)
}

func compareRequired(c *diffCtx, o, u *node) {
	c.enter("required")
	defer c.leave()
	for _, name := range propertyKeyOrder(o) {
		un := u.property(name)
		if un == nil {
			continue
		}
		c.enter(name)
		or, ur := o.isRequired(name), u.isRequired(name)
		switch {
		case or && !ur:
			c.add(RequiredAttributeRemoved)
		case !or && ur && hasDefault(un):
			c.add(RequiredAttributeWithDefaultAdded)
		case !or && ur:
			c.add(RequiredAttributeAdded)
		}
		c.leave()
	}
}

// hasDefault reports whether a property schema has a "default".
func hasDefault(n *node) bool { return n != nil && n.def != nil }

func compareProperties(c *diffCtx, o, u *node) {
	c.enter("properties")
	defer c.leave()
	for _, name := range unionKeyOrder(propertyKeyOrder(o), propertyKeyOrder(u)) {
		c.enter(name)
		on, un := o.property(name), u.property(name)
		switch {
		case un == nil:
			propertyRemoved(c, on, u, name)
		case on == nil:
			propertyAdded(c, o, u, un, name)
		default:
			compareNodes(c, on, un)
		}
		c.leave()
	}
}

// propertyRemoved handles a writer property the reader no longer lists:
// only the reader's content model matters.
func propertyRemoved(c *diffCtx, on, u *node, name string) {
	if isOpenObject(u) {
		c.add(PropertyRemovedFromOpenContentModel)
		return
	}
	if partial := partialPropertySchema(u, name); partial != nil {
		compareCovered(c, on, partial, PropertyRemovedIsCoveredByPartiallyOpenContentModel, PropertyRemovedNotCoveredByPartiallyOpenContentModel)
		return
	}
	if on.deref() != nil && on.deref().kind == kindFalse {
		c.add(PropertyWithFalseRemovedFromClosedContentModel)
	} else {
		c.add(PropertyRemovedFromClosedContentModel)
	}
}

// propertyAdded handles a reader property the writer did not list: only the
// writer's content model matters.
func propertyAdded(c *diffCtx, o, u, un *node, name string) {
	if isOpenObject(o) {
		if d := un.deref(); d != nil && d.isEmptyKind() {
			c.add(PropertyWithEmptySchemaAddedToOpenContentModel)
		} else {
			c.add(PropertyAddedToOpenContentModel)
		}
		return
	}
	if partial := partialPropertySchema(o, name); partial != nil {
		compareCovered(c, partial, un, PropertyAddedIsCoveredByPartiallyOpenContentModel, PropertyAddedNotCoveredByPartiallyOpenContentModel)
	}
	switch {
	case u.isRequired(name) && hasDefault(un):
		c.add(RequiredPropertyWithDefaultAddedToUnopenContentModel)
	case u.isRequired(name):
		c.add(RequiredPropertyAddedToUnopenContentModel)
	default:
		c.add(OptionalPropertyAddedToUnopenContentModel)
	}
}

// isOpenObject reports whether n accepts any additional property.
func isOpenObject(n *node) bool {
	return len(n.patterns) == 0 && n.additionalSch == nil && n.additional && isAbsentOrEmpty(n.unevalProps)
}

func isAbsentOrEmpty(n *node) bool {
	d := n.deref()
	return n == nil || (d != nil && d.isEmptyKind())
}

// partialPropertySchema returns the schema a partially open object applies
// to an unlisted property name, or nil.
func partialPropertySchema(n *node, name string) *node {
	for _, p := range n.patterns {
		if p.re != nil && p.re.MatchString(name) {
			return p.n
		}
	}
	if n.additionalSch != nil {
		return n.additionalSch
	}
	return partialUnevaluated(n.additional, n.unevalProps)
}

// partialUnevaluated returns the schema "unevaluated*" applies when
// "additional*" is absent, if it constrains rather than allows or forbids.
func partialUnevaluated(additionalAllowed bool, uneval *node) *node {
	if !additionalAllowed || uneval == nil {
		return nil
	}
	d := uneval.deref()
	if d == nil || d.kind == kindFalse || d.isEmptyKind() {
		return nil
	}
	return uneval
}

func compareDependencies(c *diffCtx, o, u *node) {
	c.enter("dependencies")
	defer c.leave()
	for _, k := range unionKeyOrder(javaMapKeyOrder(sortedKeys(o.propDeps)), javaMapKeyOrder(sortedKeys(u.propDeps))) {
		c.enter(k)
		od, oOK := o.propDeps[k]
		ud, uOK := u.propDeps[k]
		switch {
		case !uOK:
			c.add(DependencyArrayRemoved)
		case !oOK:
			c.add(DependencyArrayAdded)
		default:
			os, us := stringSet(od), stringSet(ud)
			switch {
			case setEqual(os, us):
			case containsAll(us, os):
				c.add(DependencyArrayExtended)
			case containsAll(os, us):
				c.add(DependencyArrayNarrowed)
			default:
				c.add(DependencyArrayChanged)
			}
		}
		c.leave()
	}
	for _, k := range unionKeyOrder(javaMapKeyOrder(sortedKeys(o.schemaDeps)), javaMapKeyOrder(sortedKeys(u.schemaDeps))) {
		c.enter(k)
		os, oOK := o.schemaDeps[k]
		us, uOK := u.schemaDeps[k]
		switch {
		case !uOK:
			c.add(DependencySchemaRemoved)
		case !oOK:
			c.add(DependencySchemaAdded)
		default:
			compareNodes(c, os, us)
		}
		c.leave()
	}
}

func stringSet(ss []string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func compareAdditionalProperties(c *diffCtx, o, u *node) {
	c.enter("additionalProperties")
	defer c.leave()
	switch {
	case o.additional != u.additional:
		if u.additional {
			c.add(AdditionalPropertiesAdded)
		} else {
			c.add(AdditionalPropertiesRemoved)
		}
	case o.additionalSch == nil && u.additionalSch != nil:
		c.add(AdditionalPropertiesNarrowed)
	case o.additionalSch != nil && u.additionalSch == nil:
		c.add(AdditionalPropertiesExtended)
	default:
		compareNodes(c, o.additionalSch, u.additionalSch)
	}
}

// compareUnevaluated compares "unevaluatedProperties" or "unevaluatedItems".
func compareUnevaluated(c *diffCtx, attr string, o, u *node, added, removed, extended, narrowed DifferenceType) {
	if o == nil && u == nil {
		return
	}
	c.enter(attr)
	defer c.leave()
	isFalse := func(n *node) bool { d := n.deref(); return d != nil && d.kind == kindFalse }
	isEmpty := func(n *node) bool { d := n.deref(); return d != nil && d.isEmptyKind() }
	switch {
	case o == nil && isFalse(u):
		c.add(removed)
	case o == nil:
		c.add(narrowed)
	case u == nil && isFalse(o):
		c.add(added)
	case u == nil:
		c.add(extended)
	case isFalse(o) && !isFalse(u):
		c.add(added)
	case !isFalse(o) && isFalse(u):
		c.add(removed)
	case isEmpty(o) && !isEmpty(u):
		c.add(narrowed)
	case !isEmpty(o) && isEmpty(u):
		c.add(extended)
	default:
		compareNodes(c, o, u)
	}
}

// compareCovered compares a property or item that only one side lists with
// the schema the other side's partially open content model gives it
// (patternProperties, additionalProperties, additionalItems), and records
// whether that schema covers it.
func compareCovered(c *diffCtx, writer, reader *node, covered, notCovered DifferenceType) {
	s := c.sub()
	compareNodes(s, writer, reader)
	c.addAll(s.diffs)
	if s.compatible() {
		c.add(covered)
	} else {
		c.add(notCovered)
	}
}
