package jsonschema

import "fmt"

// DiffType names one kind of change between two JSON Schemas, with the
// names Confluent Schema Registry uses in its compatibility messages
// (io.confluent.kafka.schemaregistry.json.diff.Difference.Type).
type DiffType string

// The changes the compatibility checker reports. Whether each is compatible
// follows Confluent's rules; see [DiffType.Compatible].
const (
	IDChanged          DiffType = "ID_CHANGED"
	DescriptionChanged DiffType = "DESCRIPTION_CHANGED"
	TitleChanged       DiffType = "TITLE_CHANGED"
	DefaultChanged     DiffType = "DEFAULT_CHANGED"
	SchemaAdded        DiffType = "SCHEMA_ADDED"
	SchemaRemoved      DiffType = "SCHEMA_REMOVED"
	TypeExtended       DiffType = "TYPE_EXTENDED"
	TypeNarrowed       DiffType = "TYPE_NARROWED"
	TypeChanged        DiffType = "TYPE_CHANGED"

	MaxLengthAdded     DiffType = "MAX_LENGTH_ADDED"
	MaxLengthRemoved   DiffType = "MAX_LENGTH_REMOVED"
	MaxLengthIncreased DiffType = "MAX_LENGTH_INCREASED"
	MaxLengthDecreased DiffType = "MAX_LENGTH_DECREASED"
	MinLengthAdded     DiffType = "MIN_LENGTH_ADDED"
	MinLengthRemoved   DiffType = "MIN_LENGTH_REMOVED"
	MinLengthIncreased DiffType = "MIN_LENGTH_INCREASED"
	MinLengthDecreased DiffType = "MIN_LENGTH_DECREASED"
	PatternAdded       DiffType = "PATTERN_ADDED"
	PatternRemoved     DiffType = "PATTERN_REMOVED"
	PatternChanged     DiffType = "PATTERN_CHANGED"

	MaximumAdded              DiffType = "MAXIMUM_ADDED"
	MaximumRemoved            DiffType = "MAXIMUM_REMOVED"
	MaximumIncreased          DiffType = "MAXIMUM_INCREASED"
	MaximumDecreased          DiffType = "MAXIMUM_DECREASED"
	MinimumAdded              DiffType = "MINIMUM_ADDED"
	MinimumRemoved            DiffType = "MINIMUM_REMOVED"
	MinimumIncreased          DiffType = "MINIMUM_INCREASED"
	MinimumDecreased          DiffType = "MINIMUM_DECREASED"
	ExclusiveMaximumAdded     DiffType = "EXCLUSIVE_MAXIMUM_ADDED"
	ExclusiveMaximumRemoved   DiffType = "EXCLUSIVE_MAXIMUM_REMOVED"
	ExclusiveMaximumIncreased DiffType = "EXCLUSIVE_MAXIMUM_INCREASED"
	ExclusiveMaximumDecreased DiffType = "EXCLUSIVE_MAXIMUM_DECREASED"
	ExclusiveMinimumAdded     DiffType = "EXCLUSIVE_MINIMUM_ADDED"
	ExclusiveMinimumRemoved   DiffType = "EXCLUSIVE_MINIMUM_REMOVED"
	ExclusiveMinimumIncreased DiffType = "EXCLUSIVE_MINIMUM_INCREASED"
	ExclusiveMinimumDecreased DiffType = "EXCLUSIVE_MINIMUM_DECREASED"
	MultipleOfAdded           DiffType = "MULTIPLE_OF_ADDED"
	MultipleOfRemoved         DiffType = "MULTIPLE_OF_REMOVED"
	MultipleOfExpanded        DiffType = "MULTIPLE_OF_EXPANDED"
	MultipleOfReduced         DiffType = "MULTIPLE_OF_REDUCED"
	MultipleOfChanged         DiffType = "MULTIPLE_OF_CHANGED"

	RequiredAttributeAdded            DiffType = "REQUIRED_ATTRIBUTE_ADDED"
	RequiredAttributeWithDefaultAdded DiffType = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
	RequiredAttributeRemoved          DiffType = "REQUIRED_ATTRIBUTE_REMOVED"
	MaxPropertiesAdded                DiffType = "MAX_PROPERTIES_ADDED"
	MaxPropertiesRemoved              DiffType = "MAX_PROPERTIES_REMOVED"
	MaxPropertiesIncreased            DiffType = "MAX_PROPERTIES_INCREASED"
	MaxPropertiesDecreased            DiffType = "MAX_PROPERTIES_DECREASED"
	MinPropertiesAdded                DiffType = "MIN_PROPERTIES_ADDED"
	MinPropertiesRemoved              DiffType = "MIN_PROPERTIES_REMOVED"
	MinPropertiesIncreased            DiffType = "MIN_PROPERTIES_INCREASED"
	MinPropertiesDecreased            DiffType = "MIN_PROPERTIES_DECREASED"
	AdditionalPropertiesAdded         DiffType = "ADDITIONAL_PROPERTIES_ADDED"
	AdditionalPropertiesRemoved       DiffType = "ADDITIONAL_PROPERTIES_REMOVED"
	AdditionalPropertiesExtended      DiffType = "ADDITIONAL_PROPERTIES_EXTENDED"
	AdditionalPropertiesNarrowed      DiffType = "ADDITIONAL_PROPERTIES_NARROWED"
	DependencyArrayAdded              DiffType = "DEPENDENCY_ARRAY_ADDED"
	DependencyArrayRemoved            DiffType = "DEPENDENCY_ARRAY_REMOVED"
	DependencyArrayExtended           DiffType = "DEPENDENCY_ARRAY_EXTENDED"
	DependencyArrayNarrowed           DiffType = "DEPENDENCY_ARRAY_NARROWED"
	DependencyArrayChanged            DiffType = "DEPENDENCY_ARRAY_CHANGED"
	DependencySchemaAdded             DiffType = "DEPENDENCY_SCHEMA_ADDED"
	DependencySchemaRemoved           DiffType = "DEPENDENCY_SCHEMA_REMOVED"

	PropertyAddedToOpenContentModel                      DiffType = "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	PropertyWithEmptySchemaAddedToOpenContentModel       DiffType = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	RequiredPropertyAddedToUnopenContentModel            DiffType = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	RequiredPropertyWithDefaultAddedToUnopenContentModel DiffType = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
	OptionalPropertyAddedToUnopenContentModel            DiffType = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	PropertyRemovedFromOpenContentModel                  DiffType = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
	PropertyWithFalseRemovedFromClosedContentModel       DiffType = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedFromClosedContentModel                DiffType = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedIsCoveredByPartiallyOpenContentModel  DiffType = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyRemovedNotCoveredByPartiallyOpenContentModel DiffType = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedIsCoveredByPartiallyOpenContentModel    DiffType = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedNotCoveredByPartiallyOpenContentModel   DiffType = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	UnevaluatedPropertiesAdded                           DiffType = "UNEVALUATED_PROPERTIES_ADDED"
	UnevaluatedPropertiesRemoved                         DiffType = "UNEVALUATED_PROPERTIES_REMOVED"
	UnevaluatedPropertiesExtended                        DiffType = "UNEVALUATED_PROPERTIES_EXTENDED"
	UnevaluatedPropertiesNarrowed                        DiffType = "UNEVALUATED_PROPERTIES_NARROWED"

	MaxItemsAdded                                    DiffType = "MAX_ITEMS_ADDED"
	MaxItemsRemoved                                  DiffType = "MAX_ITEMS_REMOVED"
	MaxItemsIncreased                                DiffType = "MAX_ITEMS_INCREASED"
	MaxItemsDecreased                                DiffType = "MAX_ITEMS_DECREASED"
	MinItemsAdded                                    DiffType = "MIN_ITEMS_ADDED"
	MinItemsRemoved                                  DiffType = "MIN_ITEMS_REMOVED"
	MinItemsIncreased                                DiffType = "MIN_ITEMS_INCREASED"
	MinItemsDecreased                                DiffType = "MIN_ITEMS_DECREASED"
	MaxContainsAdded                                 DiffType = "MAX_CONTAINS_ADDED"
	MaxContainsRemoved                               DiffType = "MAX_CONTAINS_REMOVED"
	MaxContainsIncreased                             DiffType = "MAX_CONTAINS_INCREASED"
	MaxContainsDecreased                             DiffType = "MAX_CONTAINS_DECREASED"
	MinContainsAdded                                 DiffType = "MIN_CONTAINS_ADDED"
	MinContainsRemoved                               DiffType = "MIN_CONTAINS_REMOVED"
	MinContainsIncreased                             DiffType = "MIN_CONTAINS_INCREASED"
	MinContainsDecreased                             DiffType = "MIN_CONTAINS_DECREASED"
	UniqueItemsAdded                                 DiffType = "UNIQUE_ITEMS_ADDED"
	UniqueItemsRemoved                               DiffType = "UNIQUE_ITEMS_REMOVED"
	AdditionalItemsAdded                             DiffType = "ADDITIONAL_ITEMS_ADDED"
	AdditionalItemsRemoved                           DiffType = "ADDITIONAL_ITEMS_REMOVED"
	AdditionalItemsExtended                          DiffType = "ADDITIONAL_ITEMS_EXTENDED"
	AdditionalItemsNarrowed                          DiffType = "ADDITIONAL_ITEMS_NARROWED"
	UnevaluatedItemsAdded                            DiffType = "UNEVALUATED_ITEMS_ADDED"
	UnevaluatedItemsRemoved                          DiffType = "UNEVALUATED_ITEMS_REMOVED"
	UnevaluatedItemsExtended                         DiffType = "UNEVALUATED_ITEMS_EXTENDED"
	UnevaluatedItemsNarrowed                         DiffType = "UNEVALUATED_ITEMS_NARROWED"
	ItemAddedToOpenContentModel                      DiffType = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemWithEmptySchemaAddedToOpenContentModel       DiffType = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemAddedToClosedContentModel                    DiffType = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
	ItemRemovedFromOpenContentModel                  DiffType = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"
	ItemWithFalseRemovedFromClosedContentModel       DiffType = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedFromClosedContentModel                DiffType = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedIsCoveredByPartiallyOpenContentModel  DiffType = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemRemovedNotCoveredByPartiallyOpenContentModel DiffType = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedIsCoveredByPartiallyOpenContentModel    DiffType = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedNotCoveredByPartiallyOpenContentModel   DiffType = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"

	EnumArrayExtended DiffType = "ENUM_ARRAY_EXTENDED"
	EnumArrayNarrowed DiffType = "ENUM_ARRAY_NARROWED"
	EnumArrayChanged  DiffType = "ENUM_ARRAY_CHANGED"

	CombinedTypeExtended          DiffType = "COMBINED_TYPE_EXTENDED"
	CombinedTypeChanged           DiffType = "COMBINED_TYPE_CHANGED"
	ProductTypeExtended           DiffType = "PRODUCT_TYPE_EXTENDED"
	ProductTypeNarrowed           DiffType = "PRODUCT_TYPE_NARROWED"
	SumTypeExtended               DiffType = "SUM_TYPE_EXTENDED"
	SumTypeNarrowed               DiffType = "SUM_TYPE_NARROWED"
	CombinedTypeSubschemasChanged DiffType = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	NotTypeExtended               DiffType = "NOT_TYPE_EXTENDED"
	NotTypeNarrowed               DiffType = "NOT_TYPE_NARROWED"
)

// compatibleChanges are the changes a reader schema may make relative to
// the writer schema (Confluent's SchemaDiff.COMPATIBLE_CHANGES).
var compatibleChanges = setOf(
	IDChanged, DescriptionChanged, TitleChanged, DefaultChanged, SchemaRemoved, TypeExtended,
	MaxLengthIncreased, MaxLengthRemoved, MinLengthDecreased, MinLengthRemoved, PatternRemoved,
	MaximumIncreased, MaximumRemoved, MinimumDecreased, MinimumRemoved,
	ExclusiveMaximumIncreased, ExclusiveMaximumRemoved, ExclusiveMinimumDecreased, ExclusiveMinimumRemoved,
	MultipleOfReduced, MultipleOfRemoved,
	RequiredAttributeWithDefaultAdded, RequiredAttributeRemoved, DependencyArrayNarrowed, DependencyArrayRemoved,
	DependencySchemaRemoved, MaxPropertiesIncreased, MaxPropertiesRemoved, MinPropertiesDecreased,
	MinPropertiesRemoved, AdditionalPropertiesAdded, AdditionalPropertiesExtended,
	PropertyWithEmptySchemaAddedToOpenContentModel, RequiredPropertyWithDefaultAddedToUnopenContentModel,
	OptionalPropertyAddedToUnopenContentModel, PropertyWithFalseRemovedFromClosedContentModel,
	PropertyRemovedFromOpenContentModel, PropertyAddedIsCoveredByPartiallyOpenContentModel,
	PropertyRemovedIsCoveredByPartiallyOpenContentModel, UnevaluatedPropertiesAdded, UnevaluatedPropertiesExtended,
	MaxItemsIncreased, MaxItemsRemoved, MinItemsDecreased, MinItemsRemoved, UniqueItemsRemoved,
	AdditionalItemsAdded, AdditionalItemsExtended, ItemWithEmptySchemaAddedToOpenContentModel,
	ItemAddedToClosedContentModel, ItemWithFalseRemovedFromClosedContentModel, ItemRemovedFromOpenContentModel,
	ItemAddedIsCoveredByPartiallyOpenContentModel, ItemRemovedIsCoveredByPartiallyOpenContentModel,
	UnevaluatedItemsAdded, UnevaluatedItemsExtended,
	MaxContainsIncreased, MaxContainsRemoved, MinContainsDecreased, MinContainsRemoved,
	EnumArrayExtended, CombinedTypeExtended, ProductTypeNarrowed, SumTypeExtended, NotTypeNarrowed,
)

func setOf(ts ...DiffType) map[DiffType]bool {
	m := make(map[DiffType]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// Compatible reports whether a reader schema may make this change and still
// read everything the writer schema allowed.
func (t DiffType) Compatible() bool { return compatibleChanges[t] }

// Message groups, as Confluent words them.
var (
	keywordAddedOrRemoved = setOf(MaximumAdded, MinimumAdded, ExclusiveMaximumAdded, ExclusiveMinimumAdded,
		MultipleOfAdded, MaxLengthAdded, MinLengthAdded, PatternAdded, RequiredAttributeAdded, MaxPropertiesAdded,
		MinPropertiesAdded, DependencyArrayAdded, DependencySchemaAdded, MaxItemsAdded, MinItemsAdded,
		MaxContainsAdded, MinContainsAdded, UniqueItemsAdded, AdditionalItemsRemoved, AdditionalPropertiesRemoved,
		UnevaluatedPropertiesRemoved, UnevaluatedItemsRemoved)
	valueIncreased = setOf(MinLengthIncreased, MinimumIncreased, ExclusiveMinimumIncreased,
		MinPropertiesIncreased, MultipleOfExpanded, MinItemsIncreased, MinContainsIncreased)
	valueDecreased = setOf(MaxLengthDecreased, MaximumDecreased, MaxItemsDecreased, MaxContainsDecreased,
		ExclusiveMaximumDecreased, MaxPropertiesDecreased)
	typeNarrowedSet = setOf(AdditionalItemsNarrowed, EnumArrayNarrowed, SumTypeNarrowed,
		AdditionalPropertiesNarrowed, UnevaluatedPropertiesNarrowed, UnevaluatedItemsNarrowed)
	valueChanged   = setOf(PatternChanged, MultipleOfChanged, DependencyArrayChanged)
	typeChangedSet = setOf(TypeChanged, TypeNarrowed, CombinedTypeChanged, CombinedTypeSubschemasChanged,
		EnumArrayChanged)
	typeExtendedSet = setOf(DependencyArrayExtended, ProductTypeExtended, SumTypeExtended, NotTypeExtended)
)

// Difference is one change found between a writer (old) and a reader (new)
// schema, at a JSON pointer into the schema ("#/properties/name").
type Difference struct {
	Type DiffType
	Path string
}

// Message renders d as the registry's verbose compatibility message, with
// reader and writer naming the two schemas ("new" and "old" when checking
// backward compatibility).
func (d Difference) Message(reader, writer string) string {
	return fmt.Sprintf("{errorType:\"%s\", description:\"%s'}", d.Type, d.description(reader, writer))
}

// description words d as Confluent does.
func (d Difference) description(r, w string) string {
	p := d.Path
	switch {
	case keywordAddedOrRemoved[d.Type]:
		return "The keyword at path '" + p + "' in the " + r + " schema is not present in the " + w + " schema"
	case valueIncreased[d.Type]:
		return "The value at path '" + p + "' in the " + r + " schema is more than its value in the " + w + " schema"
	case valueDecreased[d.Type]:
		return "The value at path '" + p + "' in the " + r + " schema is less than its value in the " + w + " schema"
	case valueChanged[d.Type]:
		return "The value at path '" + p + "' is different between the " + r + " and " + w + " schema"
	case typeNarrowedSet[d.Type]:
		return "An array or combined type at path '" + p + "' has fewer elements in the " + r + " schema than the " + w + " schema"
	case typeExtendedSet[d.Type]:
		return "An array or combined type at path '" + p + "' has more elements in the " + r + " schema than the " + w + " schema"
	case typeChangedSet[d.Type]:
		return "A type at path '" + p + "' is different between the " + r + " schema and the " + w + " schema"
	}
	switch d.Type {
	case PropertyAddedToOpenContentModel, ItemAddedToOpenContentModel:
		return "The " + r + " schema has an open content model and has a property or item at path '" + p + "' which is missing in the " + w + " schema"
	case RequiredPropertyAddedToUnopenContentModel:
		return "The " + r + " schema has an unopen content model and has a required property at path '" + p + "' which is missing in the " + w + " schema"
	case PropertyRemovedFromClosedContentModel, ItemRemovedFromClosedContentModel:
		return "The " + r + " has a closed content model and is missing a property or item present at path '" + p + "' in the " + w + " schema"
	case PropertyRemovedNotCoveredByPartiallyOpenContentModel, ItemRemovedNotCoveredByPartiallyOpenContentModel:
		return "A property or item is missing in the " + r + " schema but present at path '" + p + "' in the " + w + " schema and is not covered by its partially open content model"
	case PropertyAddedNotCoveredByPartiallyOpenContentModel, ItemAddedNotCoveredByPartiallyOpenContentModel:
		return "The " + r + " schema has a property or item at path '" + p + "' which is missing in the " + w + " schema and is not covered by its partially open content model"
	}
	return ""
}
