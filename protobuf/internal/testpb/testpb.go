// Package testpb holds Go code generated (by ../cmd/protogen) for the
// .proto files under ../protos that the protobuf package's tests use: the
// golden vectors' files (catalogpb, commonpb, orderspb, piipb) and srkit's
// own test files (srkittestpb).
package testpb

//go:generate go run ../cmd/protogen -I ../protos -module github.com/srkit-go/srkit -out ../../.. -M vectors/catalog/catalog.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb -M vectors/common/types.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/commonpb -M vectors/orders/order.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/orderspb -M vectors/pii/person.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/piipb -M srkittest/base.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb -M srkittest/common.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb -M srkittest/events.proto=github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb vectors/catalog/catalog.proto vectors/common/types.proto vectors/orders/order.proto vectors/pii/person.proto srkittest/base.proto srkittest/common.proto srkittest/events.proto
