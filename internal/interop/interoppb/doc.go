// Package interoppb holds Go code generated from ../protos by srkit's
// in-process generator (protobuf/internal/cmd/protogen, run from the main
// module) for the Protobuf interop tests: the same generated types feed
// srkit's serde and confluent-kafka-go's.
package interoppb

//go:generate go run -C ../../.. ./protobuf/internal/cmd/protogen -I internal/interop/protos -module github.com/srkit-go/srkit/internal/interop -out internal/interop interop/common.proto interop/orders.proto
