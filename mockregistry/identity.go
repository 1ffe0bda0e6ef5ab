package mockregistry

import (
	"crypto/md5"
	"encoding/binary"
	"hash"
	"maps"
	"slices"
	"sort"
	"strconv"

	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A schema's identity, after Confluent's MD5.ofSchema and Schema.updateHash:
// the MD5 of the (canonical) schema text, then each reference's name,
// subject and 4-byte big-endian version, then, when metadata is present, a
// 1 byte and its tags, properties and sensitive names in Java's sorted
// order, then, when a rule set is present, a 1 byte and its rules and
// enableAt. The schema type is not hashed. An absent and an empty
// reference list hash alike; absent and empty metadata (or rule set) do
// not. The server's GUID is this hash written as a UUID.

// schemaHash returns the MD5 identity of s.
func schemaHash(s registry.Schema) [md5.Size]byte {
	h := md5.New()
	h.Write([]byte(s.Schema))
	for _, ref := range s.References {
		h.Write([]byte(ref.Name))
		h.Write([]byte(ref.Subject))
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], uint32(int32(ref.Version)))
		h.Write(v[:])
	}
	if md := s.Metadata; md != nil {
		h.Write([]byte{1})
		for _, k := range javaSortedKeys(md.Tags) {
			h.Write([]byte(k))
			for _, v := range javaSortedSet(md.Tags[k]) {
				h.Write([]byte(v))
			}
		}
		hashStringMap(h, md.Properties)
		for _, v := range javaSortedSet(md.Sensitive) {
			h.Write([]byte(v))
		}
	}
	if rs := s.RuleSet; rs != nil {
		h.Write([]byte{1})
		for _, rules := range [][]registry.Rule{rs.MigrationRules, rs.DomainRules, rs.EncodingRules} {
			for _, r := range rules {
				hashRule(h, r)
			}
		}
		h.Write([]byte(rs.EnableAt))
	}
	var out [md5.Size]byte
	h.Sum(out[:0])
	return out
}

func hashRule(h hash.Hash, r registry.Rule) {
	r = entityRule(r)
	for _, s := range []string{r.Name, r.Doc, string(r.Kind), string(r.Mode), r.Type} {
		h.Write([]byte(s))
	}
	for _, t := range r.Tags {
		h.Write([]byte(t))
	}
	hashStringMap(h, r.Params)
	for _, s := range []string{r.Expr, r.OnSuccess, r.OnFailure} {
		h.Write([]byte(s))
	}
	if r.Disabled {
		h.Write([]byte{1})
	}
}

func hashStringMap(h hash.Hash, m map[string]string) {
	for _, k := range javaSortedKeys(m) {
		h.Write([]byte(k))
		h.Write([]byte(m[k]))
	}
}

// guidOf writes a schema hash as the UUID string the server uses as GUID.
func guidOf(sum [md5.Size]byte) string { return serde.GUID(sum).String() }

// javaSortedKeys returns m's keys in Java's String order (a TreeMap's).
func javaSortedKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Slice(keys, func(i, j int) bool { return jsontree.UTF16Less(keys[i], keys[j]) })
	return keys
}

// javaSortedSet returns s deduplicated in Java's String order (a TreeSet's).
func javaSortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	sort.Slice(out, func(i, j int) bool { return jsontree.UTF16Less(out[i], out[j]) })
	return slices.Compact(out)
}

// The entity forms below are what the server's Metadata, Rule and RuleSet
// constructors make of a request: sets sorted and deduplicated, a rule's
// kind and mode defaulted. The mock stores and answers these forms.

// entityMetadata returns md in entity form (nil stays nil; empty stays
// empty).
func entityMetadata(md *registry.Metadata) *registry.Metadata {
	if md == nil {
		return nil
	}
	out := &registry.Metadata{Properties: maps.Clone(md.Properties), Sensitive: javaSortedSet(md.Sensitive)}
	if len(md.Tags) > 0 {
		out.Tags = make(map[string][]string, len(md.Tags))
		for k, v := range md.Tags {
			out.Tags[k] = javaSortedSet(v)
		}
	}
	if len(out.Properties) == 0 {
		out.Properties = nil
	}
	return out
}

// entityRuleSet returns rs in entity form.
func entityRuleSet(rs *registry.RuleSet) *registry.RuleSet {
	if rs == nil {
		return nil
	}
	conv := func(rules []registry.Rule) []registry.Rule {
		if len(rules) == 0 {
			return nil
		}
		out := make([]registry.Rule, len(rules))
		for i, r := range rules {
			out[i] = entityRule(r)
		}
		return out
	}
	return &registry.RuleSet{MigrationRules: conv(rs.MigrationRules), DomainRules: conv(rs.DomainRules),
		EncodingRules: conv(rs.EncodingRules), EnableAt: rs.EnableAt}
}

func entityRule(r registry.Rule) registry.Rule {
	if r.Kind == "" {
		r.Kind = registry.RuleKindTransform
	}
	if r.Mode == "" {
		r.Mode = registry.RuleModeWriteRead
	}
	r.Tags = javaSortedSet(r.Tags)
	r.Params = maps.Clone(r.Params)
	if len(r.Params) == 0 {
		r.Params = nil
	}
	return r
}

// metadataEqual is Metadata.equals on entity forms, with Objects.equals
// around it: nil equals only nil.
func metadataEqual(a, b *registry.Metadata) bool {
	if a == nil || b == nil {
		return a == b
	}
	a, b = entityMetadata(a), entityMetadata(b)
	if len(a.Tags) != len(b.Tags) || !maps.Equal(a.Properties, b.Properties) || !slices.Equal(a.Sensitive, b.Sensitive) {
		return false
	}
	for k, v := range a.Tags {
		w, ok := b.Tags[k]
		if !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

// ruleSetEqual is RuleSet.equals on entity forms: nil equals only nil.
func ruleSetEqual(a, b *registry.RuleSet) bool {
	if a == nil || b == nil {
		return a == b
	}
	a, b = entityRuleSet(a), entityRuleSet(b)
	return a.EnableAt == b.EnableAt && rulesEqual(a.MigrationRules, b.MigrationRules) &&
		rulesEqual(a.DomainRules, b.DomainRules) && rulesEqual(a.EncodingRules, b.EncodingRules)
}

func rulesEqual(a, b []registry.Rule) bool {
	return slices.EqualFunc(a, b, func(x, y registry.Rule) bool {
		return x.Name == y.Name && x.Doc == y.Doc && x.Kind == y.Kind && x.Mode == y.Mode && x.Type == y.Type &&
			slices.Equal(x.Tags, y.Tags) && maps.Equal(x.Params, y.Params) && x.Expr == y.Expr &&
			x.OnSuccess == y.OnSuccess && x.OnFailure == y.OnFailure && x.Disabled == y.Disabled
	})
}

// confluentVersionProp is the metadata property that pins a schema's
// version (Metadata.CONFLUENT_VERSION).
const confluentVersionProp = "confluent:version"

// confluentVersion returns md's confluent:version as a number, as
// getConfluentVersionNumber does (absent or not a number: false).
func confluentVersion(md *registry.Metadata) (int, bool) {
	if md == nil {
		return 0, false
	}
	s, ok := md.Properties[confluentVersionProp]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32) // Integer.parseInt
	return int(n), err == nil
}

// withConfluentVersion is Metadata.setConfluentVersion.
func withConfluentVersion(md *registry.Metadata, version int) *registry.Metadata {
	out := &registry.Metadata{}
	if md != nil {
		*out = *entityMetadata(md)
	}
	out.Properties = maps.Clone(out.Properties)
	if out.Properties == nil {
		out.Properties = map[string]string{}
	}
	out.Properties[confluentVersionProp] = strconv.Itoa(version)
	return out
}

// withoutConfluentVersion is Metadata.removeConfluentVersion.
func withoutConfluentVersion(md *registry.Metadata) *registry.Metadata {
	if md == nil || md.Properties == nil {
		return md
	}
	out := entityMetadata(md)
	delete(out.Properties, confluentVersionProp)
	if len(out.Properties) == 0 {
		out.Properties = nil
	}
	return out
}
