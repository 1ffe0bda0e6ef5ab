package protobuf

import (
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/serde"
)

// fileCache compiles each distinct schema (text plus references) once and
// keeps the descriptor. Lookups happen when a serde builds an encoder or
// decoder for a schema, never per message.
type fileCache struct {
	limits Limits
	m      sync.Map // string -> func() (protoreflect.FileDescriptor, error)
}

func (c *fileCache) get(text string, deps []compat.Dependency) (protoreflect.FileDescriptor, error) {
	key := cacheKey(text, deps)
	if f, ok := c.m.Load(key); ok {
		return f.(func() (protoreflect.FileDescriptor, error))()
	}
	f, _ := c.m.LoadOrStore(key, sync.OnceValues(func() (protoreflect.FileDescriptor, error) {
		fd, err := compileSchema(text, deps, c.limits)
		if err != nil {
			return nil, err
		}
		return fd, nil
	}))
	return f.(func() (protoreflect.FileDescriptor, error))()
}

func (c *fileCache) schema(s *serde.ResolvedSchema) (protoreflect.FileDescriptor, error) {
	return c.get(s.Schema.Schema, s.Deps)
}

func cacheKey(text string, deps []compat.Dependency) string {
	if len(deps) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	for _, d := range deps {
		b.WriteByte(0)
		b.WriteString(d.Name)
		b.WriteByte(0)
		b.WriteString(d.Schema.Schema)
	}
	return b.String()
}

// textCache renders each Go file descriptor once.
type textCache struct {
	serialized bool
	m          sync.Map // protoreflect.FileDescriptor -> string
}

func (c *textCache) get(fd protoreflect.FileDescriptor) (string, error) {
	if s, ok := c.m.Load(fd); ok {
		return s.(string), nil
	}
	var (
		s   string
		err error
	)
	if c.serialized {
		s, err = SerializedFile(fd)
	} else {
		s, err = PrintFile(fd)
	}
	if err != nil {
		return "", err
	}
	c.m.Store(fd, s)
	return s, nil
}
