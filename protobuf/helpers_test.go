package protobuf

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// printed renders fd as a registry would hold it.
func printed(t testing.TB, fd protoreflect.FileDescriptor, serialized bool) string {
	t.Helper()
	var (
		s   string
		err error
	)
	if serialized {
		s, err = SerializedFile(fd)
	} else {
		s, err = PrintFile(fd)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testDeps lists fd's non-builtin imports, transitively, dependencies
// first, as the registry would resolve its references.
func testDeps(t testing.TB, fd protoreflect.FileDescriptor, serialized bool) []compat.Dependency {
	t.Helper()
	var out []compat.Dependency
	seen := map[string]bool{}
	var walk func(fd protoreflect.FileDescriptor)
	walk = func(fd protoreflect.FileDescriptor) {
		for i := 0; i < fd.Imports().Len(); i++ {
			imp := fd.Imports().Get(i)
			if IsKnownDependency(imp.Path()) || seen[imp.Path()] {
				continue
			}
			seen[imp.Path()] = true
			walk(imp.FileDescriptor)
			out = append(out, compat.Dependency{Name: imp.Path(), Subject: imp.Path(), Version: 1,
				Schema: registry.Schema{Schema: printed(t, imp.FileDescriptor, serialized), SchemaType: registry.Protobuf}})
		}
	}
	walk(fd)
	return out
}

func protoName(s string) protoreflect.Name { return protoreflect.Name(s) }

func googleTypePaths() []string {
	var out []string
	for p := range googleTypeFiles {
		out = append(out, p)
	}
	return out
}
