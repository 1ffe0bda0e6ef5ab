package jsonschema

import "unicode/utf16"

// The registry walks object properties through Java HashMaps and HashSets,
// so the order of its compatibility messages follows Java's hash order.
// javaHashSet reproduces that order: same String.hashCode, same bucket
// spreading, same table growth, and insertion order within a bucket.

// javaStringHash is Java's String.hashCode over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// javaHashSet mimics the iteration order of java.util.HashSet.
type javaHashSet struct {
	buckets [][]string
	size    int
	seen    map[string]bool
}

// newJavaHashSet returns a set whose table has room for capacity entries,
// rounded up to a power of two, as new HashMap(capacity) does.
func newJavaHashSet(capacity int) *javaHashSet {
	n := 1
	for n < capacity {
		n <<= 1
	}
	return &javaHashSet{buckets: make([][]string, n), seen: map[string]bool{}}
}

// newJavaHashSetFrom is new HashSet<>(c) followed by adding c in order.
func newJavaHashSetFrom(c []string) *javaHashSet {
	capacity := int(float32(len(c))/0.75) + 1
	if capacity < 16 {
		capacity = 16
	}
	s := newJavaHashSet(capacity)
	s.addAll(c)
	return s
}

func (s *javaHashSet) index(k string, n int) int {
	h := uint32(javaStringHash(k))
	return int((h ^ (h >> 16)) & uint32(n-1))
}

func (s *javaHashSet) add(k string) {
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	i := s.index(k, len(s.buckets))
	s.buckets[i] = append(s.buckets[i], k)
	s.size++
	if float64(s.size) > 0.75*float64(len(s.buckets)) {
		old := s.buckets
		s.buckets = make([][]string, 2*len(old))
		for _, b := range old {
			for _, e := range b {
				j := s.index(e, len(s.buckets))
				s.buckets[j] = append(s.buckets[j], e)
			}
		}
	}
}

func (s *javaHashSet) addAll(ks []string) {
	for _, k := range ks {
		s.add(k)
	}
}

// order returns the elements in iteration order.
func (s *javaHashSet) order() []string {
	out := make([]string, 0, s.size)
	for _, b := range s.buckets {
		out = append(out, b...)
	}
	return out
}

// javaMapKeyOrder returns the key order of a HashMap filled, starting
// empty, with keys in the given order.
func javaMapKeyOrder(keys []string) []string {
	s := newJavaHashSet(16)
	s.addAll(keys)
	return s.order()
}

// propertyKeyOrder returns the order in which the registry sees the
// properties of an object schema: the JSON object becomes a HashMap-backed
// JSONObject, whose keys fill the schema's HashMap of property schemas.
func propertyKeyOrder(n *node) []string {
	keys := make([]string, len(n.props))
	for i, p := range n.props {
		keys[i] = p.name
	}
	return javaMapKeyOrder(javaMapKeyOrder(keys))
}

// unionKeyOrder is new HashSet<>(a) followed by addAll(b).
func unionKeyOrder(a, b []string) []string {
	s := newJavaHashSetFrom(a)
	s.addAll(b)
	return s.order()
}
