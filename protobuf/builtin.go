package protobuf

import (
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/protobuf/confluentpb"
	"github.com/srkit-go/srkit/protobuf/internal/googletype"
)

// IsKnownDependency reports whether an import is one of the files that
// Confluent's serializers treat as builtins: google/protobuf/*, google/type/*
// and confluent/* (confluent/meta.proto, confluent/type/decimal.proto ...).
// Serializers never register them as references, and parsers resolve them
// without one.
func IsKnownDependency(path string) bool {
	return strings.HasPrefix(path, "confluent/") ||
		strings.HasPrefix(path, "google/protobuf/") ||
		strings.HasPrefix(path, "google/type/")
}

// confluentFiles are Confluent's own files, from the generated confluentpb
// package.
var confluentFiles = map[string]protoreflect.FileDescriptor{
	"confluent/meta.proto":         confluentpb.File_confluent_meta_proto,
	"confluent/type/decimal.proto": confluentpb.File_confluent_type_decimal_proto,
	"confluent/type/variant.proto": confluentpb.File_confluent_type_variant_proto,
}

// googleTypeFiles compiles each bundled google/type file on first use and
// keeps the (immutable) result.
var googleTypeFiles = func() map[string]func() (protoreflect.FileDescriptor, error) {
	m := map[string]func() (protoreflect.FileDescriptor, error){}
	for _, p := range googletype.Paths() {
		m[p] = sync.OnceValues(func() (protoreflect.FileDescriptor, error) { return compileGoogleType(p) })
	}
	return m
}()

func compileGoogleType(path string) (protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(map[string]string{path: mustSource(path)}),
		}),
		MaxParallelism: 1,
	}
	files, err := c.Compile(bgContext, path)
	if err != nil {
		return nil, err
	}
	return files[0], nil
}

func mustSource(path string) string {
	s, _ := googletype.Source(path)
	return s
}

// builtinFile returns a builtin file that is already compiled:
// Confluent's files and google/type/* (google/protobuf/* come from
// protocompile's standard imports). ok is false when path is no such file;
// err is set when a bundled file failed to compile (a bug).
func builtinFile(path string) (fd protoreflect.FileDescriptor, ok bool, err error) {
	if fd, ok := confluentFiles[path]; ok {
		return fd, true, nil
	}
	if f, ok := googleTypeFiles[path]; ok {
		fd, err := f()
		return fd, true, err
	}
	return nil, false, nil
}
