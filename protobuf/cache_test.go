package protobuf

import (
	"fmt"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

func schemaN(i int) string {
	return fmt.Sprintf("syntax = \"proto3\";\npackage p%d;\nmessage M { string f = 1; }\n", i)
}

// The compiled schemas a codec keeps are bounded (regression: the cache
// was a sync.Map that kept every writer schema ever met). Evicted schemas
// compile again; hits return the descriptor compiled first.
func TestFileCacheBounded(t *testing.T) {
	const capacity = 8
	c := newFileCache(Limits{}, capacity)
	first, err := c.get(schemaN(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.get(schemaN(0), nil); again != first {
		t.Error("a hit compiled the schema again")
	}
	for i := range 500 {
		fd, err := c.get(schemaN(i), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := fd.Package(); got != protoreflect.FullName(fmt.Sprint("p", i)) {
			t.Fatalf("schema %d compiled to package %s", i, got)
		}
	}
	if n := c.m.Len(); n > 2*capacity {
		t.Errorf("the cache holds %d schemas, capacity %d", n, capacity)
	}
	if fd, err := c.get(schemaN(0), nil); err != nil || fd.Package() != "p0" {
		t.Errorf("an evicted schema: %v, %v", fd, err)
	}
}

// Concurrent first lookups of one schema compile it once.
func TestFileCacheCompilesOnce(t *testing.T) {
	c := newFileCache(Limits{}, 0)
	var wg sync.WaitGroup
	got := make([]protoreflect.FileDescriptor, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.get(schemaN(1), nil)
		}()
	}
	wg.Wait()
	for _, fd := range got {
		if fd == nil || fd != got[0] {
			t.Fatal("one schema compiled more than once")
		}
	}
}

// The printed texts of Go files are bounded too.
func TestTextCacheBounded(t *testing.T) {
	c := newTextCache(false, 4)
	for i := range 100 {
		s, err := Parse(schemaN(i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.get(s.Descriptor()); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.m.Len(); n > 8 {
		t.Errorf("the cache holds %d texts, capacity 4", n)
	}
	fd := timestamppb.File_google_protobuf_timestamp_proto
	a, _ := c.get(fd)
	b, _ := c.get(fd)
	if a == "" || a != b {
		t.Errorf("texts %q, %q", a, b)
	}
}

// A reader codec keeps at most its capacity of compiled writer schemas
// however many it decodes.
func TestReaderCodecBounded(t *testing.T) {
	c, err := newReaderCodec[proto.Message](nil, settings{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		w := &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{ID: i + 1, Schema: registry.Schema{Schema: schemaN(i), SchemaType: registry.Protobuf}}}
		if _, err := c.Decoder(t.Context(), w, []int{0}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.files.m.Len(); n > 8 {
		t.Errorf("the codec holds %d compiled schemas, capacity 4", n)
	}
}
