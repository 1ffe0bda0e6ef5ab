package jsonschema

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/jsontree"
)

// baseURL is the base URI of the schema being parsed. Relative "$ref"s
// resolve against it, so "$ref": "address.json" names the reference called
// "address.json", as in Confluent's clients and server.
const baseURL = "mem://input/"

// Draft versions, by the number santhosh-tekuri/jsonschema uses.
const (
	draft4    = 4
	draft6    = 6
	draft7    = 7
	draft2019 = 2019
	draft2020 = 2020
)

// draftOf returns the draft a "$schema" URI names, 0 if it names none this
// package knows, and draft 7 (the registry's default) when it is empty.
func draftOf(uri string) int {
	if uri == "" {
		return draft7
	}
	u := strings.TrimPrefix(strings.TrimPrefix(uri, "http://"), "https://")
	u = strings.TrimSuffix(strings.TrimSuffix(u, "#"), "#/")
	u = strings.TrimSuffix(u, "#")
	switch u {
	case "json-schema.org/draft-04/schema":
		return draft4
	case "json-schema.org/draft-06/schema":
		return draft6
	case "json-schema.org/draft-07/schema":
		return draft7
	case "json-schema.org/draft/2019-09/schema":
		return draft2019
	case "json-schema.org/draft/2020-12/schema", "json-schema.org/schema":
		return draft2020
	}
	return 0
}

// docDraft returns the draft of a schema document by its "$schema".
func docDraft(doc *jsontree.Value) int {
	s, _ := doc.Get("$schema").StringValue()
	if d := draftOf(s); d != 0 {
		return d
	}
	return draft7
}

// idKeyword returns the keyword that sets a schema's base URI in draft.
func idKeyword(draft int) string {
	if draft == draft4 {
		return "id"
	}
	return "$id"
}

// resolveURL resolves ref against base, as a JSON Schema "$ref" does.
func resolveURL(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

// splitFragment splits an absolute URL into its document URL and its
// (decoded) fragment.
func splitFragment(s string) (string, string) {
	i := strings.IndexByte(s, '#')
	if i < 0 {
		return s, ""
	}
	frag := s[i+1:]
	if dec, err := url.PathUnescape(frag); err == nil {
		frag = dec
	}
	return s[:i], frag
}

// target is a schema found by reference: its JSON, the base URI in effect
// there and the draft of its document.
type target struct {
	v     *jsontree.Value
	base  string
	draft int
}

// docSet holds the documents a schema may reference — itself and its
// resolved dependencies — indexed by every URL that names them. It never
// reads the filesystem or the network.
type docSet struct {
	docs    map[string]target // document or embedded resource URL → schema
	anchors map[string]target // URL#anchor → schema
	names   []string          // dependency names, for suffix matching
	byName  map[string]target
	// dynamic holds the $dynamicAnchors (2020-12) of each resource: base
	// URL → anchor name → schema.
	dynamic map[string]map[string]target
}

// newDocSet indexes root and its dependencies. Dependency texts must be
// valid JSON; a dependency that is not is an error.
func newDocSet(root *jsontree.Value, deps []compat.Dependency) (*docSet, target, error) {
	ds := &docSet{docs: map[string]target{}, anchors: map[string]target{}, byName: map[string]target{},
		dynamic: map[string]map[string]target{}}
	rt := ds.add(root, baseURL)
	rootBase := rt.base
	for _, d := range deps {
		doc, err := jsontree.Parse([]byte(d.Schema.Schema))
		if err != nil {
			return nil, target{}, fmt.Errorf("reference %q: %w", d.Name, err)
		}
		for _, base := range []string{baseURL, rootBase} {
			u, err := resolveURL(base, d.Name)
			if err != nil {
				return nil, target{}, fmt.Errorf("reference %q: %w", d.Name, err)
			}
			u, _ = splitFragment(u)
			if _, ok := ds.docs[u]; !ok {
				ds.byName[d.Name] = ds.add(doc, u)
			}
		}
		ds.names = append(ds.names, d.Name)
	}
	return ds, rt, nil
}

// add indexes doc, retrieved from url, and returns its root target.
func (ds *docSet) add(doc *jsontree.Value, u string) target {
	draft := docDraft(doc)
	t := target{v: doc, base: u, draft: draft}
	if id, ok := schemaID(doc, draft); ok && !strings.HasPrefix(id, "#") {
		if abs, err := resolveURL(u, id); err == nil {
			abs, _ = splitFragment(abs)
			t.base = abs
		}
	}
	ds.docs[u] = t
	if _, ok := ds.docs[t.base]; !ok {
		ds.docs[t.base] = t
	}
	ds.index(doc, t.base, draft, 0)
	return t
}

// Where subschemas are: keywords whose value is a schema, an array of
// schemas, or an object whose member values are schemas. $ids and anchors
// elsewhere (inside "enum", "default", unknown keywords ...) are data, not
// identifiers.
const (
	posSchema = 1 << iota
	posArray
	posMembers
)

var subschemaKeywords = map[string]uint8{
	"not": posSchema, "if": posSchema, "then": posSchema, "else": posSchema,
	"additionalProperties": posSchema, "additionalItems": posSchema, "contains": posSchema,
	"propertyNames": posSchema, "unevaluatedProperties": posSchema, "unevaluatedItems": posSchema,
	"contentSchema": posSchema,
	"items":         posSchema | posArray,
	"allOf":         posArray, "anyOf": posArray, "oneOf": posArray, "prefixItems": posArray,
	"definitions": posMembers, "$defs": posMembers, "properties": posMembers, "patternProperties": posMembers,
	"dependencies": posMembers, "dependentSchemas": posMembers,
}

// schemaID returns the identifier keyword of schema v ("$id", "id" in
// draft-04), and whether it has one. Up to draft-07 an identifier beside
// "$ref" is ignored, with every other keyword there.
func schemaID(v *jsontree.Value, draft int) (string, bool) {
	if draft <= draft7 && v.Has("$ref") {
		return "", false
	}
	return v.Get(idKeyword(draft)).StringValue()
}

// index records the embedded resources ($id) and anchors under v.
func (ds *docSet) index(v *jsontree.Value, base string, draft, depth int) {
	if depth > jsontree.MaxDepth {
		return
	}
	switch v.Kind {
	case jsontree.Array:
		for _, e := range v.Arr {
			ds.index(e, base, draft, depth+1)
		}
		return
	case jsontree.Object:
	default:
		return
	}
	if id, ok := schemaID(v, draft); ok {
		if strings.HasPrefix(id, "#") && draft < draft2019 {
			ds.anchors[base+id] = target{v: v, base: base, draft: draft}
		} else if abs, err := resolveURL(base, id); err == nil {
			doc, frag := splitFragment(abs)
			if frag == "" {
				base = doc
				if _, ok := ds.docs[doc]; !ok {
					ds.docs[doc] = target{v: v, base: doc, draft: draft}
				}
			}
		}
	}
	if a, ok := v.Get("$anchor").StringValue(); ok {
		ds.anchors[base+"#"+a] = target{v: v, base: base, draft: draft}
	}
	if a, ok := v.Get("$dynamicAnchor").StringValue(); ok {
		t := target{v: v, base: base, draft: draft}
		ds.anchors[base+"#"+a] = t
		if draft >= draft2020 {
			if ds.dynamic[base] == nil {
				ds.dynamic[base] = map[string]target{}
			}
			if _, ok := ds.dynamic[base][a]; !ok {
				ds.dynamic[base][a] = t
			}
		}
	}
	for _, m := range v.Obj {
		pos := subschemaKeywords[m.Key]
		switch {
		case m.Val.Kind == jsontree.Array && pos&posArray != 0:
			for _, e := range m.Val.Arr {
				ds.index(e, base, draft, depth+1)
			}
		case m.Val.Kind == jsontree.Object && pos&posSchema != 0:
			ds.index(m.Val, base, draft, depth+1)
		case m.Val.Kind == jsontree.Object && pos&posMembers != 0:
			for _, e := range m.Val.Obj {
				ds.index(e.Val, base, draft, depth+1)
			}
		}
	}
}

// resolve finds the schema that ref, appearing where base is in effect,
// points to.
func (ds *docSet) resolve(base, ref string) (target, error) {
	abs, err := resolveURL(base, ref)
	if err != nil {
		return target{}, fmt.Errorf("invalid $ref %q: %w", ref, err)
	}
	if t, ok := ds.anchors[abs]; ok {
		return t, nil
	}
	doc, frag := splitFragment(abs)
	t, ok := ds.docs[doc]
	if !ok {
		t, ok = ds.byName[ref[:len(ref)-len(fragmentOf(ref))]]
	}
	if !ok {
		t, ok = ds.bySuffix(doc)
	}
	if !ok {
		return target{}, fmt.Errorf("unresolved $ref %q: no referenced schema named %q", ref, doc)
	}
	if frag == "" {
		return t, nil
	}
	if !strings.HasPrefix(frag, "/") {
		if a, ok := ds.anchors[t.base+"#"+frag]; ok {
			return a, nil
		}
		return target{}, fmt.Errorf("unresolved $ref %q: no anchor %q", ref, frag)
	}
	return pointer(t, frag, ref)
}

// fragmentOf returns the "#..." part of ref, or "".
func fragmentOf(ref string) string {
	if i := strings.IndexByte(ref, '#'); i >= 0 {
		return ref[i:]
	}
	return ""
}

// bySuffix matches a URL against the dependency names, for references
// written relative to a dependency's own "$id".
func (ds *docSet) bySuffix(doc string) (target, bool) {
	name := ds.nameBySuffix(doc)
	if name == "" {
		return target{}, false
	}
	t, ok := ds.byName[name]
	return t, ok
}

// nameBySuffix returns the longest dependency name doc ends with.
func (ds *docSet) nameBySuffix(doc string) string {
	best := ""
	for _, n := range ds.names {
		if (doc == n || strings.HasSuffix(doc, "/"+n)) && len(n) > len(best) {
			best = n
		}
	}
	return best
}

// pointer walks the JSON pointer ptr from t.
func pointer(t target, ptr, ref string) (target, error) {
	cur := t
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var next *jsontree.Value
		switch cur.v.Kind {
		case jsontree.Object:
			next = cur.v.Get(tok)
		case jsontree.Array:
			i, err := strconv.Atoi(tok)
			if err == nil && i >= 0 && i < len(cur.v.Arr) {
				next = cur.v.Arr[i]
			}
		}
		if next == nil {
			return target{}, fmt.Errorf("unresolved $ref %q: nothing at %q", ref, ptr)
		}
		cur = target{v: next, base: cur.base, draft: cur.draft}
		if id, ok := schemaID(next, cur.draft); ok && !strings.HasPrefix(id, "#") {
			if abs, err := resolveURL(cur.base, id); err == nil {
				cur.base, _ = splitFragment(abs)
			}
		}
	}
	return cur, nil
}
