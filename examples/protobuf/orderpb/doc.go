// Package orderpb holds the Go code protoc-gen-go generates for
// proto/shop/order.proto, the message of the protobuf example. Regenerate it
// with go generate (no protoc needed: srkit's protogen compiles the file in
// process).
package orderpb

//go:generate go run ../../../protobuf/internal/cmd/protogen -I proto -module github.com/srkit-go/srkit -out ../../.. shop/order.proto
