package protobuf

import (
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/protobuf/internal/confluentproto"
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

// confluentFiles compiles Confluent's own files (confluent/meta.proto,
// confluent/type/decimal.proto, confluent/type/variant.proto) from their
// bundled sources on first use and keeps the (immutable) result. They are
// never registered process-wide: confluent-kafka-go's generated packages,
// or a program's own generated copy, may register the same files and
// names, and protobuf-go panics at start-up on such a conflict. The result
// only resolves imports of registry schemas and decodes options (see
// [FieldMeta]).
var confluentFiles = sync.OnceValues(func() (map[string]protoreflect.FileDescriptor, error) {
	paths := confluentproto.Paths()
	sources := make(map[string]string, len(paths))
	for _, p := range paths {
		sources[p], _ = confluentproto.Source(p)
	}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(sources),
		}),
		MaxParallelism: 1,
	}
	files, err := c.Compile(bgContext, paths...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]protoreflect.FileDescriptor, len(files))
	for _, f := range files {
		out[f.Path()] = f
	}
	return out, nil
})

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
	if confluentproto.Has(path) {
		files, err := confluentFiles()
		return files[path], true, err
	}
	if f, ok := googleTypeFiles[path]; ok {
		fd, err := f()
		return fd, true, err
	}
	return nil, false, nil
}
