package jsonschema

import "fmt"

// DifferenceType names one kind of change between two JSON Schemas, with the
// names Confluent Schema Registry uses in its compatibility messages
// (io.confluent.kafka.schemaregistry.json.diff.Difference.Type).
type DifferenceType string

// The changes the compatibility checker reports. Whether each is compatible
// follows Confluent's rules; see [DifferenceType.Compatible].
const (
	IDChanged          DifferenceType = "ID_CHANGED"
	DescriptionChanged DifferenceType = "DESCRIPTION_CHANGED"
	TitleChanged       DifferenceType = "TITLE_CHANGED"
	DefaultChanged     DifferenceType = "DEFAULT_CHANGED"
	SchemaAdded        DifferenceType = "SCHEMA_ADDED"
	SchemaRemoved      DifferenceType = "SCHEMA_REMOVED"
	TypeExtended       DifferenceType = "TYPE_EXTENDED"
	TypeNarrowed       DifferenceType = "TYPE_NARROWED"
	TypeChanged        DifferenceType = "TYPE_CHANGED"

	MaxLengthAdded     DifferenceType = "MAX_LENGTH_ADDED"
	MaxLengthRemoved   DifferenceType = "MAX_LENGTH_REMOVED"
	MaxLengthIncreased DifferenceType = "MAX_LENGTH_INCREASED"
	MaxLengthDecreased DifferenceType = "MAX_LENGTH_DECREASED"
	MinLengthAdded     DifferenceType = "MIN_LENGTH_ADDED"
	MinLengthRemoved   DifferenceType = "MIN_LENGTH_REMOVED"
	MinLengthIncreased DifferenceType = "MIN_LENGTH_INCREASED"
	MinLengthDecreased DifferenceType = "MIN_LENGTH_DECREASED"
	PatternAdded       DifferenceType = "PATTERN_ADDED"
	PatternRemoved     DifferenceType = "PATTERN_REMOVED"
	PatternChanged     DifferenceType = "PATTERN_CHANGED"

	MaximumAdded              DifferenceType = "MAXIMUM_ADDED"
	MaximumRemoved            DifferenceType = "MAXIMUM_REMOVED"
	MaximumIncreased          DifferenceType = "MAXIMUM_INCREASED"
	MaximumDecreased          DifferenceType = "MAXIMUM_DECREASED"
	MinimumAdded              DifferenceType = "MINIMUM_ADDED"
	MinimumRemoved            DifferenceType = "MINIMUM_REMOVED"
	MinimumIncreased          DifferenceType = "MINIMUM_INCREASED"
	MinimumDecreased          DifferenceType = "MINIMUM_DECREASED"
	ExclusiveMaximumAdded     DifferenceType = "EXCLUSIVE_MAXIMUM_ADDED"
	ExclusiveMaximumRemoved   DifferenceType = "EXCLUSIVE_MAXIMUM_REMOVED"
	ExclusiveMaximumIncreased DifferenceType = "EXCLUSIVE_MAXIMUM_INCREASED"
	ExclusiveMaximumDecreased DifferenceType = "EXCLUSIVE_MAXIMUM_DECREASED"
	ExclusiveMinimumAdded     DifferenceType = "EXCLUSIVE_MINIMUM_ADDED"
	ExclusiveMinimumRemoved   DifferenceType = "EXCLUSIVE_MINIMUM_REMOVED"
	ExclusiveMinimumIncreased DifferenceType = "EXCLUSIVE_MINIMUM_INCREASED"
	ExclusiveMinimumDecreased DifferenceType = "EXCLUSIVE_MINIMUM_DECREASED"
	MultipleOfAdded           DifferenceType = "MULTIPLE_OF_ADDED"
	MultipleOfRemoved         DifferenceType = "MULTIPLE_OF_REMOVED"
	MultipleOfExpanded        DifferenceType = "MULTIPLE_OF_EXPANDED"
	MultipleOfReduced         DifferenceType = "MULTIPLE_OF_REDUCED"
	MultipleOfChanged         DifferenceType = "MULTIPLE_OF_CHANGED"

	RequiredAttributeAdded            DifferenceType = "REQUIRED_ATTRIBUTE_ADDED"
	RequiredAttributeWithDefaultAdded DifferenceType = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
	RequiredAttributeRemoved          DifferenceType = "REQUIRED_ATTRIBUTE_REMOVED"
	MaxPropertiesAdded                DifferenceType = "MAX_PROPERTIES_ADDED"
	MaxPropertiesRemoved              DifferenceType = "MAX_PROPERTIES_REMOVED"
	MaxPropertiesIncreased            DifferenceType = "MAX_PROPERTIES_INCREASED"
	MaxPropertiesDecreased            DifferenceType = "MAX_PROPERTIES_DECREASED"
	MinPropertiesAdded                DifferenceType = "MIN_PROPERTIES_ADDED"
	MinPropertiesRemoved              DifferenceType = "MIN_PROPERTIES_REMOVED"
	MinPropertiesIncreased            DifferenceType = "MIN_PROPERTIES_INCREASED"
	MinPropertiesDecreased            DifferenceType = "MIN_PROPERTIES_DECREASED"
	AdditionalPropertiesAdded         DifferenceType = "ADDITIONAL_PROPERTIES_ADDED"
	AdditionalPropertiesRemoved       DifferenceType = "ADDITIONAL_PROPERTIES_REMOVED"
	AdditionalPropertiesExtended      DifferenceType = "ADDITIONAL_PROPERTIES_EXTENDED"
	AdditionalPropertiesNarrowed      DifferenceType = "ADDITIONAL_PROPERTIES_NARROWED"
	DependencyArrayAdded              DifferenceType = "DEPENDENCY_ARRAY_ADDED"
	DependencyArrayRemoved            DifferenceType = "DEPENDENCY_ARRAY_REMOVED"
	DependencyArrayExtended           DifferenceType = "DEPENDENCY_ARRAY_EXTENDED"
	DependencyArrayNarrowed           DifferenceType = "DEPENDENCY_ARRAY_NARROWED"
	DependencyArrayChanged            DifferenceType = "DEPENDENCY_ARRAY_CHANGED"
	DependencySchemaAdded             DifferenceType = "DEPENDENCY_SCHEMA_ADDED"
	DependencySchemaRemoved           DifferenceType = "DEPENDENCY_SCHEMA_REMOVED"

	PropertyAddedToOpenContentModel                      DifferenceType = "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	PropertyWithEmptySchemaAddedToOpenContentModel       DifferenceType = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	RequiredPropertyAddedToUnopenContentModel            DifferenceType = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	RequiredPropertyWithDefaultAddedToUnopenContentModel DifferenceType = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
	OptionalPropertyAddedToUnopenContentModel            DifferenceType = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	PropertyRemovedFromOpenContentModel                  DifferenceType = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
	PropertyWithFalseRemovedFromClosedContentModel       DifferenceType = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedFromClosedContentModel                DifferenceType = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedIsCoveredByPartiallyOpenContentModel  DifferenceType = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyRemovedNotCoveredByPartiallyOpenContentModel DifferenceType = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedIsCoveredByPartiallyOpenContentModel    DifferenceType = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedNotCoveredByPartiallyOpenContentModel   DifferenceType = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	UnevaluatedPropertiesAdded                           DifferenceType = "UNEVALUATED_PROPERTIES_ADDED"
	UnevaluatedPropertiesRemoved                         DifferenceType = "UNEVALUATED_PROPERTIES_REMOVED"
	UnevaluatedPropertiesExtended                        DifferenceType = "UNEVALUATED_PROPERTIES_EXTENDED"
	UnevaluatedPropertiesNarrowed                        DifferenceType = "UNEVALUATED_PROPERTIES_NARROWED"

	MaxItemsAdded                                    DifferenceType = "MAX_ITEMS_ADDED"
	MaxItemsRemoved                                  DifferenceType = "MAX_ITEMS_REMOVED"
	MaxItemsIncreased                                DifferenceType = "MAX_ITEMS_INCREASED"
	MaxItemsDecreased                                DifferenceType = "MAX_ITEMS_DECREASED"
	MinItemsAdded                                    DifferenceType = "MIN_ITEMS_ADDED"
	MinItemsRemoved                                  DifferenceType = "MIN_ITEMS_REMOVED"
	MinItemsIncreased                                DifferenceType = "MIN_ITEMS_INCREASED"
	MinItemsDecreased                                DifferenceType = "MIN_ITEMS_DECREASED"
	MaxContainsAdded                                 DifferenceType = "MAX_CONTAINS_ADDED"
	MaxContainsRemoved                               DifferenceType = "MAX_CONTAINS_REMOVED"
	MaxContainsIncreased                             DifferenceType = "MAX_CONTAINS_INCREASED"
	MaxContainsDecreased                             DifferenceType = "MAX_CONTAINS_DECREASED"
	MinContainsAdded                                 DifferenceType = "MIN_CONTAINS_ADDED"
	MinContainsRemoved                               DifferenceType = "MIN_CONTAINS_REMOVED"
	MinContainsIncreased                             DifferenceType = "MIN_CONTAINS_INCREASED"
	MinContainsDecreased                             DifferenceType = "MIN_CONTAINS_DECREASED"
	UniqueItemsAdded                                 DifferenceType = "UNIQUE_ITEMS_ADDED"
	UniqueItemsRemoved                               DifferenceType = "UNIQUE_ITEMS_REMOVED"
	AdditionalItemsAdded                             DifferenceType = "ADDITIONAL_ITEMS_ADDED"
	AdditionalItemsRemoved                           DifferenceType = "ADDITIONAL_ITEMS_REMOVED"
	AdditionalItemsExtended                          DifferenceType = "ADDITIONAL_ITEMS_EXTENDED"
	AdditionalItemsNarrowed                          DifferenceType = "ADDITIONAL_ITEMS_NARROWED"
	UnevaluatedItemsAdded                            DifferenceType = "UNEVALUATED_ITEMS_ADDED"
	UnevaluatedItemsRemoved                          DifferenceType = "UNEVALUATED_ITEMS_REMOVED"
	UnevaluatedItemsExtended                         DifferenceType = "UNEVALUATED_ITEMS_EXTENDED"
	UnevaluatedItemsNarrowed                         DifferenceType = "UNEVALUATED_ITEMS_NARROWED"
	ItemAddedToOpenContentModel                      DifferenceType = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemWithEmptySchemaAddedToOpenContentModel       DifferenceType = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemAddedToClosedContentModel                    DifferenceType = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
	ItemRemovedFromOpenContentModel                  DifferenceType = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"
	ItemWithFalseRemovedFromClosedContentModel       DifferenceType = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedFromClosedContentModel                DifferenceType = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedIsCoveredByPartiallyOpenContentModel  DifferenceType = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemRemovedNotCoveredByPartiallyOpenContentModel DifferenceType = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedIsCoveredByPartiallyOpenContentModel    DifferenceType = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedNotCoveredByPartiallyOpenContentModel   DifferenceType = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"

	EnumArrayExtended DifferenceType = "ENUM_ARRAY_EXTENDED"
	EnumArrayNarrowed DifferenceType = "ENUM_ARRAY_NARROWED"
	EnumArrayChanged  DifferenceType = "ENUM_ARRAY_CHANGED"

	CombinedTypeExtended          DifferenceType = "COMBINED_TYPE_EXTENDED"
	CombinedTypeChanged           DifferenceType = "COMBINED_TYPE_CHANGED"
	ProductTypeExtended           DifferenceType = "PRODUCT_TYPE_EXTENDED"
	ProductTypeNarrowed           DifferenceType = "PRODUCT_TYPE_NARROWED"
	SumTypeExtended               DifferenceType = "SUM_TYPE_EXTENDED"
	SumTypeNarrowed               DifferenceType = "SUM_TYPE_NARROWED"
	CombinedTypeSubschemasChanged DifferenceType = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	NotTypeExtended               DifferenceType = "NOT_TYPE_EXTENDED"
	NotTypeNarrowed               DifferenceType = "NOT_TYPE_NARROWED"
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

func setOf(ts ...DifferenceType) map[DifferenceType]bool {
	m := make(map[DifferenceType]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// Compatible reports whether a reader schema may make this change and still
// read everything the writer schema allowed.
func (t DifferenceType) Compatible() bool { return compatibleChanges[t] }

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
	// Type is the kind of change.
	Type DifferenceType
	// Path is the JSON pointer of the change in the schema, as the
	// registry prints it ("#/properties/id/maxLength").
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
