// Package interop checks that Confluent's official Go client
// (github.com/confluentinc/confluent-kafka-go/v2/schemaregistry) works
// unchanged against srkit's mock registry over HTTP, and that srkit's
// serializers are byte-compatible with Confluent's Go serializers:
//
//   - this package: the registry API (interop_test.go, serde_test.go),
//     JSON Schema (jsonschema_test.go) and Avro (avro_*_test.go) serde
//     interop;
//   - protobufinterop: Protobuf serde interop, with Go code generated from
//     protos/ into interoppb (go generate ./interoppb);
//   - interoptest: the helpers they share.
//
// It is its own module so that the main go.mod never requires
// confluent-kafka-go (which needs cgo and librdkafka). Run it with
//
//	cd internal/interop && GOFLAGS=-mod=mod go test -race ./...
//
// protobufinterop also proves that a program may link srkit's protobuf
// package and confluent-kafka-go's generated code for Confluent's own
// .proto files (confluent/meta.proto ...) together: srkit registers none
// of them process-wide (see that package's doc).
package interop
