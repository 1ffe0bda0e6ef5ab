package jsonschema

import "strconv"

func compareArray(c *diffCtx, o, u *node) {
	c.enter("items")
	compareNodes(c, o.allItems, u.allItems)
	c.leave()
	compareTuples(c, o, u)
	compareAdditionalItems(c, o, u)
	compareUnevaluated(c, "unevaluatedItems", o.unevalItems, u.unevalItems,
		UnevaluatedItemsAdded, UnevaluatedItemsRemoved, UnevaluatedItemsExtended, UnevaluatedItemsNarrowed)
	compareBounds(c, "maxItems", o.maxItems, u.maxItems, MaxItemsAdded, MaxItemsRemoved, MaxItemsIncreased, MaxItemsDecreased)
	compareBounds(c, "minItems", o.minItems, u.minItems, MinItemsAdded, MinItemsRemoved, MinItemsIncreased, MinItemsDecreased)
	if o.uniqueItems != u.uniqueItems {
		if o.uniqueItems {
			c.addAt("uniqueItems", UniqueItemsRemoved)
		} else {
			c.addAt("uniqueItems", UniqueItemsAdded)
		}
	}
	compareBounds(c, "maxContains", o.maxContains, u.maxContains, MaxContainsAdded, MaxContainsRemoved, MaxContainsIncreased, MaxContainsDecreased)
	compareBounds(c, "minContains", o.minContains, u.minContains, MinContainsAdded, MinContainsRemoved, MinContainsIncreased, MinContainsDecreased)
}

// compareTuples compares positional item schemas ("items" arrays, or
// "prefixItems" in 2020-12).
func compareTuples(c *diffCtx, o, u *node) {
	n := min(len(o.tuple), len(u.tuple))
	for i := 0; i < n; i++ {
		c.enter("items/" + strconv.Itoa(i))
		compareNodes(c, o.tuple[i], u.tuple[i])
		c.leave()
	}
	for i := n; i < len(o.tuple); i++ {
		c.enter("items/" + strconv.Itoa(i))
		itemRemoved(c, o.tuple[i], u)
		c.leave()
	}
	for i := n; i < len(u.tuple); i++ {
		c.enter("items/" + strconv.Itoa(i))
		itemAdded(c, o, u.tuple[i])
		c.leave()
	}
}

func itemRemoved(c *diffCtx, on, u *node) {
	if isOpenArray(u) {
		c.add(ItemRemovedFromOpenContentModel)
		return
	}
	if partial := partialItemSchema(u); partial != nil {
		compareCovered(c, on, partial, ItemRemovedIsCoveredByPartiallyOpenContentModel, ItemRemovedNotCoveredByPartiallyOpenContentModel)
		return
	}
	if d := on.deref(); d != nil && d.kind == kindFalse {
		c.add(ItemWithFalseRemovedFromClosedContentModel)
	} else {
		c.add(ItemRemovedFromClosedContentModel)
	}
}

func itemAdded(c *diffCtx, o, un *node) {
	if isOpenArray(o) {
		if d := un.deref(); d != nil && d.isEmptyKind() {
			c.add(ItemWithEmptySchemaAddedToOpenContentModel)
		} else {
			c.add(ItemAddedToOpenContentModel)
		}
		return
	}
	if partial := partialItemSchema(o); partial != nil {
		compareCovered(c, partial, un, ItemAddedIsCoveredByPartiallyOpenContentModel, ItemAddedNotCoveredByPartiallyOpenContentModel)
		return
	}
	c.add(ItemAddedToClosedContentModel)
}

// isOpenArray reports whether n accepts any item beyond its tuple.
func isOpenArray(n *node) bool {
	return n.addItems && n.addItemsSch == nil && isAbsentOrEmpty(n.unevalItems)
}

// partialItemSchema returns the schema a partially open array applies to
// items beyond its tuple, or nil.
func partialItemSchema(n *node) *node {
	if n.addItemsSch != nil {
		return n.addItemsSch
	}
	return partialUnevaluated(n.addItems, n.unevalItems)
}

func compareAdditionalItems(c *diffCtx, o, u *node) {
	c.enter("additionalItems")
	defer c.leave()
	switch {
	case o.addItems != u.addItems:
		if o.addItems {
			c.add(AdditionalItemsRemoved)
		} else {
			c.add(AdditionalItemsAdded)
		}
	case o.addItemsSch == nil && u.addItemsSch != nil:
		c.add(AdditionalItemsNarrowed)
	case o.addItemsSch != nil && u.addItemsSch == nil:
		c.add(AdditionalItemsExtended)
	default:
		compareNodes(c, o.addItemsSch, u.addItemsSch)
	}
}
