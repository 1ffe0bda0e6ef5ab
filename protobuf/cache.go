package protobuf

import (
	"crypto/sha256"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
	icache "github.com/srkit-go/srkit/internal/cache"
	"github.com/srkit-go/srkit/serde"
)

// compiledFile is a schema's compilation, done once by whoever calls it
// first.
type compiledFile = func() (protoreflect.FileDescriptor, error)

// fileCache compiles each distinct schema (text plus references) once and
// keeps the descriptor, for up to capacity schemas (the serializer's or
// deserializer's serde.CacheCapacity); beyond that CLOCK evicts one, to be
// compiled again when met again. Lookups happen when a serde builds an
// encoder or decoder for a schema, never per message; hits take no lock.
type fileCache struct {
	limits Limits
	m      *icache.Map[[sha256.Size]byte, compiledFile]
	h      icache.Hasher[[sha256.Size]byte]
	mu     sync.Mutex // serializes misses, so that a schema compiles once
}

// newFileCache returns a cache of up to capacity compiled schemas (0:
// serde.DefaultCacheCapacity), checked against limits.
func newFileCache(limits Limits, capacity int) *fileCache {
	if capacity <= 0 {
		capacity = serde.DefaultCacheCapacity
	}
	return &fileCache{limits: limits, m: icache.New[[sha256.Size]byte, compiledFile](capacity), h: icache.NewHasher[[sha256.Size]byte]()}
}

func (c *fileCache) get(text string, deps []compat.Dependency) (protoreflect.FileDescriptor, error) {
	key := cacheKey(text, deps)
	h := c.h.Hash(key)
	if f, ok := c.m.Get(key, h); ok {
		return f()
	}
	c.mu.Lock()
	f, ok := c.m.Get(key, h)
	if !ok {
		f = sync.OnceValues(func() (protoreflect.FileDescriptor, error) {
			return compileSchema(text, deps, c.limits)
		})
		c.m.Put(key, h, f)
	}
	c.mu.Unlock()
	return f()
}

func (c *fileCache) schema(s *serde.ResolvedSchema) (protoreflect.FileDescriptor, error) {
	return c.get(s.Schema.Schema, s.Deps)
}

// cacheKey is the SHA-256 of a schema's text and its references' names
// and texts: the cache keeps 32 bytes per schema, not the texts.
func cacheKey(text string, deps []compat.Dependency) [sha256.Size]byte {
	d := sha256.New()
	d.Write([]byte(text))
	for _, dep := range deps {
		d.Write([]byte{0})
		d.Write([]byte(dep.Name))
		d.Write([]byte{0})
		d.Write([]byte(dep.Schema.Schema))
	}
	var k [sha256.Size]byte
	d.Sum(k[:0])
	return k
}

// textCache renders each Go file descriptor once, for up to capacity
// descriptors (serde.CacheCapacity); hits take no lock.
type textCache struct {
	serialized bool
	m          *icache.Map[protoreflect.FileDescriptor, string]
	h          icache.Hasher[protoreflect.FileDescriptor]
}

// newTextCache returns a cache of up to capacity printed files (0:
// serde.DefaultCacheCapacity), printed as serialized descriptors when
// serialized is set.
func newTextCache(serialized bool, capacity int) *textCache {
	if capacity <= 0 {
		capacity = serde.DefaultCacheCapacity
	}
	return &textCache{serialized: serialized, m: icache.New[protoreflect.FileDescriptor, string](capacity), h: icache.NewHasher[protoreflect.FileDescriptor]()}
}

func (c *textCache) get(fd protoreflect.FileDescriptor) (string, error) {
	h := c.h.Hash(fd)
	if s, ok := c.m.Get(fd, h); ok {
		return s, nil
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
	c.m.Put(fd, h, s)
	return s, nil
}
