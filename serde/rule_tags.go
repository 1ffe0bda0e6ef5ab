package serde

import (
	"regexp"
	"slices"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// MatchFieldPath reports whether a field's full name matches pattern, a
// metadata.tags path pattern, as Confluent's WildcardMatcher matches them:
// names are dot-separated; '?' matches one character within a name, '*'
// any run within a name, '**' any run across names ("**.*" is "**"). The
// rest of the pattern is a regular expression fragment ('.' '+' '{' '}' '('
// ')' '|' '^' '$' are literal; '[' opens a character class; '\' quotes the
// next character). A pattern that is not a valid expression matches
// nothing.
func MatchFieldPath(pattern, fullName string) bool {
	re, err := compileFieldPattern(pattern)
	return err == nil && re.MatchString(fullName)
}

// compileFieldPattern turns a wildcard pattern into an anchored expression.
func compileFieldPattern(pattern string) (*regexp.Regexp, error) {
	src := strings.ReplaceAll(pattern, "**.*", "**")
	var b strings.Builder
	b.WriteString(`^(?:`)
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '*':
			if i+1 < len(src) && src[i+1] == '*' {
				b.WriteString(`.*`)
				i++
			} else {
				b.WriteString(`[^.]*`)
			}
		case '?':
			b.WriteString(`[^.]`)
		case '.', '+', '{', '}', '(', ')', '|', '^', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\\':
			if i+1 < len(src) {
				b.WriteString(regexp.QuoteMeta(src[i+1 : i+2]))
				i++
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(`)$`)
	return regexp.Compile(b.String())
}

// FieldTagger computes fields' tags for one schema: inline tags merged with
// the schema's metadata.tags whose patterns match. Field walkers build one
// per compiled schema and call Tags once per field of the schema (not per
// message).
type FieldTagger struct {
	patterns []taggedPattern
}

type taggedPattern struct {
	re   *regexp.Regexp
	tags []string
}

// NewFieldTagger returns the tagger of schema's metadata (nil metadata: no
// metadata tags). Patterns that are not valid expressions are ignored.
func NewFieldTagger(md *registry.Metadata) *FieldTagger {
	t := &FieldTagger{}
	if md == nil {
		return t
	}
	keys := make([]string, 0, len(md.Tags))
	for k := range md.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		re, err := compileFieldPattern(k)
		if err != nil {
			continue
		}
		t.patterns = append(t.patterns, taggedPattern{re: re, tags: md.Tags[k]})
	}
	return t
}

// Tags returns the tags of the field named fullName: inline ones and those
// of every matching metadata pattern, sorted, without duplicates. The
// result is a new slice (nil when the field has no tags).
func (t *FieldTagger) Tags(fullName string, inline []string) []string {
	var out []string
	out = append(out, inline...)
	for _, p := range t.patterns {
		if p.re.MatchString(fullName) {
			out = append(out, p.tags...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// HasTags reports whether the schema's metadata tags any field at all.
func (t *FieldTagger) HasTags() bool { return len(t.patterns) > 0 }

// TagsIntersect reports whether a and b share a tag.
func TagsIntersect(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
