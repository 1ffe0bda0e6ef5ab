// Package protobufinterop checks byte-level interoperability between
// srkit's protobuf package and confluent-kafka-go's Protobuf serde
// (schemaregistry/serde/protobuf), both talking to srkit's mock registry
// over HTTP, with the same generated Go types (package interoppb).
//
// # Known problem: the two cannot be linked into one program
//
// srkit's protobuf package links its own Go code for Confluent's .proto
// files (package protobuf/confluentpb: confluent/meta.proto,
// confluent/type/decimal.proto); confluent-kafka-go's Protobuf serde links
// Confluent's (schemaregistry/confluent and schemaregistry/confluent/types).
// Both register the same files, messages and extensions
// (confluent.type.Decimal, confluent.field_meta, ...) in the process-wide
// protobuf registry, and protobuf-go's default policy for such a conflict
// is to panic while the packages initialize:
//
//	panic: proto: file "confluent/type/decimal.proto" has a name conflict over confluent.type.Decimal
//		previously from: "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/confluent/types"
//		currently from:  "github.com/srkit-go/srkit/protobuf/confluentpb"
//
// So this package's tests fail before they start, which is the finding:
// an application that uses srkit's protobuf package and confluent-kafka-go's
// Protobuf serde side by side (a migration, a mixed fleet) does not start.
// With the conflict policy relaxed the tests run, and they pass:
//
//	GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn go test -race ./protobufinterop
//
// (or -ldflags=-X=google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=warn).
// go test's cache does not know that the result depends on that variable
// (it is read while packages initialize): add -count=1 when switching.
package protobufinterop
