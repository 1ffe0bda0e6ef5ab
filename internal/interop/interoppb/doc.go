// Package interoppb holds Go code generated from ../protos by srkit's
// in-process generator (protobuf/internal/cmd/protogen, run from the main
// module) for the Protobuf interop tests: the same generated types feed
// srkit's serde and confluent-kafka-go's. payments.proto and ledger.proto
// import Confluent's confluent/meta.proto and confluent/type/decimal.proto
// (sources from the main module's protobuf/internal/confluentproto), whose
// go_package are confluent-kafka-go's schemaregistry/confluent packages:
// the generated code links those, not anything of srkit's.
package interoppb

//go:generate go run -C ../../.. ./protobuf/internal/cmd/protogen -I internal/interop/protos -I protobuf/internal/confluentproto -module github.com/srkit-go/srkit/internal/interop -out internal/interop interop/common.proto interop/orders.proto interop/payments.proto interop/ledger.proto
