package serde

import icache "github.com/srkit-go/srkit/internal/cache"

// DefaultCacheCapacity is how many writer schemas (with their compiled
// codecs) a serializer or deserializer keeps by default, per cache; the
// least recently used beyond it are evicted and rebuilt when met again.
// [CacheCapacity] changes it.
const DefaultCacheCapacity = 1000

// readersPerSchema bounds the readers kept per writer schema (one per
// Protobuf message type and reader version met).
const readersPerSchema = 64

// boundedMap is what serde caches its compiled codecs in: internal/cache's
// bounded map (lock-free hits that allocate nothing, CLOCK eviction, small
// copies on a miss) with a hasher of its own.
type boundedMap[K comparable, V any] struct {
	m *icache.Map[K, V]
	h icache.Hasher[K]
}

func newBoundedMap[K comparable, V any](capacity int) boundedMap[K, V] {
	return boundedMap[K, V]{m: icache.New[K, V](capacity), h: icache.NewHasher[K]()}
}

func (b boundedMap[K, V]) load(k K) (V, bool) { return b.m.Get(k, b.h.Hash(k)) }

func (b boundedMap[K, V]) store(k K, v V) { b.m.Put(k, b.h.Hash(k), v) }
