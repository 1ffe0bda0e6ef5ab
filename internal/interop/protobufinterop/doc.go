// Package protobufinterop checks byte-level interoperability between
// srkit's protobuf package and confluent-kafka-go's Protobuf serde
// (schemaregistry/serde/protobuf), both talking to srkit's mock registry
// over HTTP, with the same generated Go types (package interoppb).
//
// # Confluent's own .proto files
//
// The test binary links confluent-kafka-go's generated packages for
// confluent/meta.proto and confluent/type/decimal.proto, which register
// those files, messages and extensions (confluent.Meta,
// confluent.type.Decimal, confluent.field_meta, ...) in protobuf-go's
// process-wide registry. srkit used to link its own generated copy, and
// the binary panicked while packages initialized:
//
//	panic: proto: file "confluent/type/decimal.proto" has a name conflict over confluent.type.Decimal
//
// srkit now links no generated code for those files (it compiles private
// descriptors from bundled sources), so the binary starts without
// GOLANG_PROTOBUF_REGISTRATION_CONFLICT; confluent_test.go checks that
// srkit reads Confluent's options built with confluent-kafka-go's types and
// resolves Confluent's imports while confluent-kafka-go's copy is the one
// registered.
package protobufinterop
