package cache

import (
	"sync"
	"testing"
)

func TestCLOCKEviction(t *testing.T) {
	c := New[int, int](4)
	if len(c.shards) != 1 {
		t.Fatalf("shards = %d", len(c.shards))
	}
	for k := 1; k <= 4; k++ {
		c.Put(k, 0, k)
	}
	c.Get(1, 0) // referenced: survives the next sweep
	c.Put(5, 0, 5)
	_, ok1 := c.Get(1, 0)
	_, ok2 := c.Get(2, 0)
	_, ok5 := c.Get(5, 0)
	if !ok1 || ok2 || !ok5 || c.Len() != 4 {
		t.Fatalf("after eviction: 1=%v 2=%v 5=%v len=%d", ok1, ok2, ok5, c.Len())
	}
	// Replacing a key does not evict.
	c.Put(5, 0, 50)
	if v, _ := c.Get(5, 0); c.Len() != 4 || v != 50 {
		t.Fatal("replace changed the size")
	}
	c.DeleteIf(func(k, _ int) bool { return k%2 == 1 })
	if _, ok := c.Get(4, 0); c.Len() != 1 || !ok {
		t.Fatalf("DeleteIf left %d entries", c.Len())
	}
	for k := 10; k < 20; k++ {
		c.Put(k, 0, k)
	}
	if c.Len() != 4 {
		t.Fatalf("len = %d, want 4", c.Len())
	}
	c.Clear()
	if c.Len() != 0 {
		t.Fatal("Clear left entries")
	}
}

// TestBoundedUnderLoad: many writers and readers of distinct keys keep the
// map within its capacity (rounded up per shard), and hits see what was put.
func TestBoundedUnderLoad(t *testing.T) {
	h := NewHasher[string]()
	c := New[string, int](1000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				k := string(rune('a'+g)) + string(rune(i))
				c.Put(k, h.Hash(k), i)
				if v, ok := c.Get(k, h.Hash(k)); ok && v != i {
					t.Errorf("Get(%q) = %d, want %d", k, v, i)
				}
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n > 1000+len(c.shards) {
		t.Fatalf("holds %d entries with capacity 1000", n)
	}
}

func TestHitsDoNotAllocate(t *testing.T) {
	h := NewHasher[[2]int]()
	c := New[[2]int, string](10)
	k := [2]int{1, 2}
	c.Put(k, h.Hash(k), "x")
	if n := testing.AllocsPerRun(100, func() { _, _ = c.Get(k, h.Hash(k)) }); n != 0 {
		t.Fatalf("a hit allocates %v times", n)
	}
}
