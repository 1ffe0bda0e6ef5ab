package registry

import (
	"sync"
	"sync/atomic"
)

// entry is one cached answer: a value, or a negative answer (err != nil).
// Entries are immutable once published except for the CLOCK reference bit.
type entry[V any] struct {
	val V
	err error
	exp int64 // expiry in Unix nanoseconds of the client's clock; 0 = never
	// stale is until when (Unix nanoseconds) val may be served after exp
	// while the registry is unavailable; 0: never (see stale.go).
	stale int64
	// served says val is served stale: a refresh failed with an outage.
	served bool
	ref    atomic.Uint32
}

// cache is a bounded, sharded, copy-on-write map with CLOCK eviction.
//
// Reads load one shard's map through an atomic pointer and never lock:
// the map a reader sees is never written again. Writers (misses, which
// have just made an HTTP call anyway) take the shard's mutex, copy the
// shard's map, change the copy and publish it. Shards are sized so that a
// copy stays small (about 64 entries), whatever the total capacity.
type cache[K comparable, V any] struct {
	shards []shard[K, V]
	mask   uint64
}

type shard[K comparable, V any] struct {
	m    atomic.Pointer[map[K]*entry[V]]
	mu   sync.Mutex // serializes writers; readers never take it
	ring []K        // CLOCK order of the keys in m
	hand int
	cap  int
}

// shardTarget is the number of entries a shard aims to hold.
const shardTarget = 64

func newCache[K comparable, V any](capacity int) *cache[K, V] {
	if capacity < 1 {
		capacity = 1
	}
	n := 1
	for n*shardTarget < capacity && n < 256 {
		n <<= 1
	}
	per := (capacity + n - 1) / n
	c := &cache[K, V]{shards: make([]shard[K, V], n), mask: uint64(n - 1)}
	for i := range c.shards {
		m := make(map[K]*entry[V])
		c.shards[i].m.Store(&m)
		c.shards[i].cap = per
	}
	return c
}

// get returns the entry for k (h is k's hash) or nil. It takes no lock and
// allocates nothing. The caller checks expiry.
func (c *cache[K, V]) get(k K, h uint64) *entry[V] {
	e := (*c.shards[h&c.mask].m.Load())[k]
	if e != nil && e.ref.Load() == 0 {
		e.ref.Store(1) // written only when unset, so hot entries stay read-shared
	}
	return e
}

// put stores e under k, evicting by CLOCK when the shard is full.
func (c *cache[K, V]) put(k K, h uint64, e *entry[V]) {
	s := &c.shards[h&c.mask]
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.m.Load()
	nm := make(map[K]*entry[V], len(old)+1)
	for kk, vv := range old {
		nm[kk] = vv
	}
	if _, ok := old[k]; !ok {
		if len(old) >= s.cap {
			i := s.victim(old)
			delete(nm, s.ring[i])
			s.ring[i] = k
			s.hand = (i + 1) % len(s.ring)
		} else {
			s.ring = append(s.ring, k)
		}
	}
	nm[k] = e
	s.m.Store(&nm)
}

// victim runs the CLOCK hand to the first entry whose reference bit is
// clear, clearing the bits it passes, and returns its ring index.
func (s *shard[K, V]) victim(m map[K]*entry[V]) int {
	for {
		if s.hand >= len(s.ring) {
			s.hand = 0
		}
		e := m[s.ring[s.hand]]
		if e == nil || e.ref.Load() == 0 {
			return s.hand
		}
		e.ref.Store(0)
		s.hand++
	}
}

// deleteIf removes every entry whose key satisfies pred.
func (c *cache[K, V]) deleteIf(pred func(K, *entry[V]) bool) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		old := *s.m.Load()
		var drop bool
		for k, e := range old {
			if pred(k, e) {
				drop = true
				break
			}
		}
		if drop {
			nm := make(map[K]*entry[V], len(old))
			ring := s.ring[:0:0]
			for _, k := range s.ring {
				if e := old[k]; e != nil && !pred(k, e) {
					nm[k] = e
					ring = append(ring, k)
				}
			}
			s.ring, s.hand = ring, 0
			s.m.Store(&nm)
		}
		s.mu.Unlock()
	}
}

// clear empties the cache.
func (c *cache[K, V]) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		m := make(map[K]*entry[V])
		s.m.Store(&m)
		s.ring, s.hand = nil, 0
		s.mu.Unlock()
	}
}

// len returns the number of entries (for tests and stats).
func (c *cache[K, V]) len() int {
	n := 0
	for i := range c.shards {
		n += len(*c.shards[i].m.Load())
	}
	return n
}

// mix64 is a 64-bit finalizer (from MurmurHash3) that spreads integer keys
// over the shards.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
