package encryption

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// cache is a bounded map for the executor's KEKs, DEKs and KMSes. Reads
// take no lock and allocate nothing: each shard's map is published through
// an atomic pointer and never written again; writers (after a registry or
// KMS call) copy the shard's map under the shard's mutex. A full shard
// evicts its oldest entry. Entries may expire (exp, in Unix nanoseconds of
// the executor's clock; 0 never).
type cache[K comparable, V any] struct {
	seed   maphash.Seed
	shards []cacheShard[K, V]
	mask   uint64
}

type cacheEntry[V any] struct {
	val V
	exp int64
}

type cacheShard[K comparable, V any] struct {
	m     atomic.Pointer[map[K]*cacheEntry[V]]
	mu    sync.Mutex
	order []K // insertion order, for eviction; may hold keys no longer in m
	cap   int
}

// shardSize is the number of entries a shard aims to hold, so that a
// writer's copy stays small whatever the capacity.
const shardSize = 64

func newCache[K comparable, V any](capacity int) *cache[K, V] {
	capacity = max(capacity, 1)
	n := 1
	for n*shardSize < capacity && n < 256 {
		n <<= 1
	}
	c := &cache[K, V]{seed: maphash.MakeSeed(), shards: make([]cacheShard[K, V], n), mask: uint64(n - 1)}
	for i := range c.shards {
		m := map[K]*cacheEntry[V]{}
		c.shards[i].m.Store(&m)
		c.shards[i].cap = max((capacity+n-1)/n, 1)
	}
	return c
}

func (c *cache[K, V]) shard(k K) *cacheShard[K, V] {
	return &c.shards[maphash.Comparable(c.seed, k)&c.mask]
}

// get returns the value of k unless it is absent or expired at now.
func (c *cache[K, V]) get(k K, now int64) (V, bool) {
	e := (*c.shard(k).m.Load())[k]
	if e == nil || (e.exp != 0 && now >= e.exp) {
		var zero V
		return zero, false
	}
	return e.val, true
}

// put stores v under k until exp.
func (c *cache[K, V]) put(k K, v V, exp int64) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.m.Load()
	_, had := old[k]
	nm := make(map[K]*cacheEntry[V], len(old)+1)
	for kk, vv := range old {
		nm[kk] = vv
	}
	if !had {
		for len(nm) >= s.cap && len(s.order) > 0 {
			delete(nm, s.order[0])
			s.order = s.order[1:]
		}
		s.order = append(s.order, k)
	}
	nm[k] = &cacheEntry[V]{val: v, exp: exp}
	if len(s.order) > 2*s.cap { // drop keys removed since they were added
		live := make([]K, 0, len(nm))
		for _, kk := range s.order {
			if _, ok := nm[kk]; ok {
				live = append(live, kk)
			}
		}
		s.order = live
	}
	s.m.Store(&nm)
}

// clear drops every entry.
func (c *cache[K, V]) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		m := map[K]*cacheEntry[V]{}
		s.m.Store(&m)
		s.order = nil
		s.mu.Unlock()
	}
}

// len returns the number of entries (expired ones included).
func (c *cache[K, V]) len() int {
	n := 0
	for i := range c.shards {
		n += len(*c.shards[i].m.Load())
	}
	return n
}
