// Package confluentpb is the Go code for Confluent's own .proto files:
// confluent/meta.proto (the Meta options confluent.file_meta,
// message_meta, field_meta, enum_meta and enum_value_meta, which carry
// docs, params and the tags data-contract rules select fields by),
// confluent/type/decimal.proto and confluent/type/variant.proto.
//
// Schemas that import these files resolve them against this package's
// descriptors, and generated code for a .proto file that imports them
// should use this package (go_package "github.com/srkit-go/srkit/protobuf/confluentpb").
//
// confluent-kafka-go's schemaregistry/confluent packages register the same
// files and names in the process-wide protobuf registry, so a program that
// links both (a migration, a mixed fleet) panics at start-up with "name
// conflict over confluent.type.Decimal" unless protobuf-go's conflict
// policy is relaxed: run it with GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn
// (or build with
// -ldflags=-X=google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=warn).
// The descriptors are identical, so either package's registration serves.
//
// To read the options of any descriptor, generated or compiled from
// registry text at run time, use protobuf.FieldMeta, protobuf.FieldTags and
// their siblings rather than proto.GetExtension: options of a compiled
// schema hold the extension in another form.
package confluentpb

//go:generate go run ../internal/cmd/protogen -I ../internal/protos -module github.com/srkit-go/srkit -out ../.. confluent/meta.proto confluent/type/decimal.proto confluent/type/variant.proto
