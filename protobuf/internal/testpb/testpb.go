// Package testpb holds Go code generated (by ../cmd/protogen) for the
// .proto files under ../protos that the protobuf package's tests use: the
// golden vectors' files (catalogpb, commonpb, orderspb, piipb) and srkit's
// own test files (srkittestpb).
//
// Some of them import Confluent's confluent/meta.proto, so they need Go
// code for it: packages confluent and confluent/types here are a
// test-only copy, generated from the sources the protobuf package embeds
// (../confluentproto) and laid out as confluent-kafka-go's
// schemaregistry/confluent packages are. Only tests and these test
// packages import them (the protobuf package itself links no generated
// code for confluent/*.proto), so a program that uses srkit never
// registers them: package ../registrycheck tests that.
package testpb

//go:generate go run ../cmd/protogen -I ../protos -I ../confluentproto -module github.com/srkit-go/srkit -out ../../.. -M confluent/meta.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/confluent -M confluent/type/decimal.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/confluent/types -M confluent/type/variant.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/confluent/types -M vectors/catalog/catalog.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb -M vectors/common/types.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/commonpb -M vectors/orders/order.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/orderspb -M vectors/pii/person.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/piipb -M srkittest/base.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb -M srkittest/common.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb -M srkittest/events.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb -M srkittest/secrets.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb confluent/meta.proto confluent/type/decimal.proto confluent/type/variant.proto vectors/catalog/catalog.proto vectors/common/types.proto vectors/orders/order.proto vectors/pii/person.proto srkittest/base.proto srkittest/common.proto srkittest/events.proto srkittest/secrets.proto
