// Package interop checks that Confluent's official Go client
// (github.com/confluentinc/confluent-kafka-go/v2/schemaregistry) works
// unchanged against srkit's mock registry over HTTP.
//
// It is its own module so that the main go.mod never requires
// confluent-kafka-go (which needs cgo and librdkafka). Run it with
//
//	cd internal/interop && go test -race ./...
package interop
