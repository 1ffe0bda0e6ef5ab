// Package cache is srkit's one bounded cache: a sharded, copy-on-write map
// with CLOCK eviction, whose hits take no lock and allocate nothing. The
// registry client keeps its answers in it and serde its compiled codecs.
//
// Reads load one shard's map through an atomic pointer: the map a reader
// sees is never written again. Writers (misses, which have just done
// expensive work anyway) take the shard's mutex, copy the shard's map,
// change the copy and publish it. Shards hold about 64 entries each,
// whatever the total capacity, so a write copies a small map.
package cache

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Map is a bounded map from K to V. The zero Map is not usable: build one
// with [New].
type Map[K comparable, V any] struct {
	shards []shard[K, V]
	mask   uint64
}

// item is one entry: its value and the CLOCK reference bit.
type item[V any] struct {
	v   V
	ref atomic.Uint32
}

type shard[K comparable, V any] struct {
	m    atomic.Pointer[map[K]*item[V]]
	mu   sync.Mutex // serializes writers; readers never take it
	ring []K        // CLOCK order of the keys in m
	hand int
	cap  int
}

// shardTarget is the number of entries a shard aims to hold.
const shardTarget = 64

// New returns a map that holds up to about capacity entries (at least one).
func New[K comparable, V any](capacity int) *Map[K, V] {
	if capacity < 1 {
		capacity = 1
	}
	n := 1
	for n*shardTarget < capacity && n < 256 {
		n <<= 1
	}
	per := (capacity + n - 1) / n
	c := &Map[K, V]{shards: make([]shard[K, V], n), mask: uint64(n - 1)}
	for i := range c.shards {
		m := make(map[K]*item[V])
		c.shards[i].m.Store(&m)
		c.shards[i].cap = per
	}
	return c
}

// Get returns the value for k (h is k's hash: [Hash], [Mix64] or the
// caller's own) and whether there is one. It takes no lock and allocates
// nothing.
func (c *Map[K, V]) Get(k K, h uint64) (V, bool) {
	it := (*c.shards[h&c.mask].m.Load())[k]
	if it == nil {
		var zero V
		return zero, false
	}
	if it.ref.Load() == 0 {
		it.ref.Store(1) // written only when unset, so hot entries stay read-shared
	}
	return it.v, true
}

// Put stores v under k, evicting by CLOCK when the shard is full. It
// reports whether it evicted an entry.
func (c *Map[K, V]) Put(k K, h uint64, v V) (evicted bool) {
	s := &c.shards[h&c.mask]
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.m.Load()
	nm := make(map[K]*item[V], len(old)+1)
	for kk, vv := range old {
		nm[kk] = vv
	}
	if _, ok := old[k]; !ok {
		if len(old) >= s.cap {
			i := s.victim(old)
			delete(nm, s.ring[i])
			s.ring[i] = k
			s.hand = (i + 1) % len(s.ring)
			evicted = true
		} else {
			s.ring = append(s.ring, k)
		}
	}
	nm[k] = &item[V]{v: v}
	s.m.Store(&nm)
	return evicted
}

// victim runs the CLOCK hand to the first entry whose reference bit is
// clear, clearing the bits it passes, and returns its ring index.
func (s *shard[K, V]) victim(m map[K]*item[V]) int {
	for {
		if s.hand >= len(s.ring) {
			s.hand = 0
		}
		it := m[s.ring[s.hand]]
		if it == nil || it.ref.Load() == 0 {
			return s.hand
		}
		it.ref.Store(0)
		s.hand++
	}
}

// DeleteIf removes every entry for which pred is true.
func (c *Map[K, V]) DeleteIf(pred func(K, V) bool) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		old := *s.m.Load()
		var drop bool
		for k, it := range old {
			if pred(k, it.v) {
				drop = true
				break
			}
		}
		if drop {
			nm := make(map[K]*item[V], len(old))
			ring := s.ring[:0:0]
			for _, k := range s.ring {
				if it := old[k]; it != nil && !pred(k, it.v) {
					nm[k] = it
					ring = append(ring, k)
				}
			}
			s.ring, s.hand = ring, 0
			s.m.Store(&nm)
		}
		s.mu.Unlock()
	}
}

// Clear empties the map.
func (c *Map[K, V]) Clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		m := make(map[K]*item[V])
		s.m.Store(&m)
		s.ring, s.hand = nil, 0
		s.mu.Unlock()
	}
}

// Len returns the number of entries.
func (c *Map[K, V]) Len() int {
	n := 0
	for i := range c.shards {
		n += len(*c.shards[i].m.Load())
	}
	return n
}

// Mix64 is a 64-bit finalizer (from MurmurHash3) that spreads integer keys
// over the shards.
func Mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// Hasher hashes comparable keys for a Map with a seed of its own.
type Hasher[K comparable] struct{ seed maphash.Seed }

// NewHasher returns a hasher with a random seed.
func NewHasher[K comparable]() Hasher[K] { return Hasher[K]{seed: maphash.MakeSeed()} }

// Hash returns k's hash.
func (h Hasher[K]) Hash(k K) uint64 { return maphash.Comparable(h.seed, k) }
