package registry

import icache "github.com/srkit-go/srkit/internal/cache"

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
}

// cache is the client's bounded cache of answers (internal/cache: sharded,
// copy-on-write, CLOCK eviction, lock-free hits).
type cache[K comparable, V any] struct {
	m     *icache.Map[K, *entry[V]]
	name  CacheName   // for hooks
	hooks []HookCache // see hooks.go
}

func newCache[K comparable, V any](capacity int) *cache[K, V] {
	return &cache[K, V]{m: icache.New[K, *entry[V]](capacity)}
}

// get returns the entry for k (h is k's hash) or nil. It takes no lock and
// allocates nothing. The caller checks expiry.
func (c *cache[K, V]) get(k K, h uint64) *entry[V] {
	e, _ := c.m.Get(k, h)
	return e
}

// put stores e under k, evicting by CLOCK when the shard is full.
func (c *cache[K, V]) put(k K, h uint64, e *entry[V]) {
	if c.m.Put(k, h, e) && len(c.hooks) > 0 {
		c.note(CacheEviction)
	}
}

// deleteIf removes every entry whose key satisfies pred.
func (c *cache[K, V]) deleteIf(pred func(K, *entry[V]) bool) { c.m.DeleteIf(pred) }

// clear empties the cache.
func (c *cache[K, V]) clear() { c.m.Clear() }

// len returns the number of entries (for tests and stats).
func (c *cache[K, V]) len() int { return c.m.Len() }

// mix64 spreads integer keys over the shards.
func mix64(x uint64) uint64 { return icache.Mix64(x) }
