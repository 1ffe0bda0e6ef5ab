package mockregistry

import (
	"sort"
	"strings"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// store is the Schema Registry state. Every method expects the caller to
// hold Registry.mu (read or write as the method needs).
type store struct {
	contexts map[string]*schemaContext // by context name; "" is the default context
	// configs and modes are keyed by scope: "" is global, ":.ctx:" a whole
	// context, any other key a qualified subject.
	configs map[string]registry.Config
	modes   map[string]registry.Mode
	// defaultLevel is the global level DELETE /config resets to.
	defaultLevel registry.CompatibilityLevel
}

// schemaContext is one schema context: its own ID space and subjects.
type schemaContext struct {
	name     string
	nextID   int
	byID     map[int]*schemaRec
	byKey    map[string]*schemaRec
	subjects map[string]*subjectRec
}

// schemaRec is one schema: what a global ID names.
type schemaRec struct {
	ctx    string
	id     int
	guid   string          // the server's: guidOf(schemaHash(schema))
	key    string          // identityKey(schema)
	schema registry.Schema // as stored (canonical or normalized text)
	parsed compat.Schema
}

// subjectRec is a subject's versions, oldest first.
type subjectRec struct {
	name     string
	versions []*versionRec
}

type versionRec struct {
	version int
	rec     *schemaRec
	deleted bool
	ts      int64 // when the version was last written (registered or soft-deleted), Unix ms
}

// insert adds v, keeping versions in ascending order.
func (sr *subjectRec) insert(v *versionRec) {
	i := len(sr.versions)
	for i > 0 && sr.versions[i-1].version > v.version {
		i--
	}
	sr.versions = append(sr.versions, nil)
	copy(sr.versions[i+1:], sr.versions[i:])
	sr.versions[i] = v
}

// latestWithID returns the subject's latest version (soft-deleted ones
// included) of schema id, or nil: the version the server's
// schemaIdAndSubjects map holds for the subject.
func (sr *subjectRec) latestWithID(id int) *versionRec {
	if sr == nil {
		return nil
	}
	for i := len(sr.versions) - 1; i >= 0; i-- {
		if sr.versions[i].rec.id == id {
			return sr.versions[i]
		}
	}
	return nil
}

func newStore(level registry.CompatibilityLevel) *store {
	return &store{
		contexts: map[string]*schemaContext{},
		configs:  map[string]registry.Config{"": {CompatibilityLevel: level}},
		modes:    map[string]registry.Mode{"": registry.ReadWrite},

		defaultLevel: level,
	}
}

// context returns the named context, creating it when create is set.
func (s *store) context(name string, create bool) *schemaContext {
	c := s.contexts[name]
	if c == nil && create {
		c = &schemaContext{name: name, nextID: 1, byID: map[int]*schemaRec{}, byKey: map[string]*schemaRec{}, subjects: map[string]*subjectRec{}}
		s.contexts[name] = c
	}
	return c
}

// subject returns q's subject or nil.
func (s *store) subject(q qualified) *subjectRec {
	c := s.contexts[q.ctx]
	if c == nil {
		return nil
	}
	return c.subjects[q.name]
}

// live returns the subject's versions that are not soft-deleted (all when
// deleted is set), oldest first.
func (sr *subjectRec) live(deleted bool) []*versionRec {
	if sr == nil {
		return nil
	}
	out := make([]*versionRec, 0, len(sr.versions))
	for _, v := range sr.versions {
		if deleted || !v.deleted {
			out = append(out, v)
		}
	}
	return out
}

// lookupVersion resolves version (Latest for the latest) among the
// subject's versions, soft-deleted ones included when deleted is set.
func (sr *subjectRec) lookupVersion(version int, deleted bool) *versionRec {
	vs := sr.live(deleted)
	if len(vs) == 0 {
		return nil
	}
	if version == registry.Latest {
		return vs[len(vs)-1]
	}
	for _, v := range vs {
		if v.version == version {
			return v
		}
	}
	return nil
}

// hasSubject reports whether q has versions (soft-deleted ones too when
// deleted is set), as the real server's hasSubjects.
func (s *store) hasSubject(q qualified, deleted bool) bool {
	return len(s.subject(q).live(deleted)) > 0
}

// configInScope returns the config that applies to q: the subject's, else
// its context's, else the global one.
func (s *store) configInScope(q qualified) registry.Config {
	for _, key := range s.scopes(q) {
		if c, ok := s.configs[key]; ok {
			return c
		}
	}
	return registry.Config{}
}

// compatibilityLevel returns the level that applies to q.
func (s *store) compatibilityLevel(q qualified) registry.CompatibilityLevel {
	for _, key := range s.scopes(q) {
		if c, ok := s.configs[key]; ok && c.CompatibilityLevel != "" {
			return c.CompatibilityLevel
		}
	}
	return registry.Backward
}

// modeInScope returns the mode that applies to q.
func (s *store) modeInScope(q qualified) registry.Mode {
	if g := s.modes[""]; g == registry.ReadOnlyOverride {
		return g
	}
	for _, key := range s.scopes(q) {
		if m, ok := s.modes[key]; ok {
			return m
		}
	}
	return registry.ReadWrite
}

// scopes lists the config/mode keys that apply to q, most specific first.
func (s *store) scopes(q qualified) []string {
	var out []string
	if q.name != "" {
		out = append(out, q.String())
	}
	if q.ctx != "" {
		out = append(out, contextScope(q.ctx))
	}
	return append(out, "")
}

// referencedBy returns the IDs of schemas with live versions (any
// versions with deleted set) that reference q's version, sorted.
func (s *store) referencedBy(q qualified, version int, deleted bool) []int {
	c := s.contexts[q.ctx]
	if c == nil {
		return []int{}
	}
	ids := map[int]bool{}
	for _, sub := range c.subjects {
		for _, v := range sub.versions {
			if v.deleted && !deleted {
				continue
			}
			for _, ref := range v.rec.schema.References {
				rq := parseQualified(ref.Subject, q.ctx)
				if rq == q && (ref.Version == version || (ref.Version == registry.Latest && s.latestVersion(rq) == version)) {
					ids[v.rec.id] = true
				}
			}
		}
	}
	out := make([]int, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Ints(out)
	return out
}

func (s *store) latestVersion(q qualified) int {
	vs := s.subject(q).live(false)
	if len(vs) == 0 {
		return 0
	}
	return vs[len(vs)-1].version
}

// dropUnused forgets schemas no version of any subject uses any more
// (after permanent deletes).
func (s *store) dropUnused(c *schemaContext) {
	used := map[*schemaRec]bool{}
	for _, sub := range c.subjects {
		for _, v := range sub.versions {
			used[v.rec] = true
		}
	}
	for id, rec := range c.byID {
		if !used[rec] {
			delete(c.byID, id)
			if c.byKey[rec.key] == rec {
				delete(c.byKey, rec.key)
			}
		}
	}
}

// contextNames returns the context names, sorted ("" first).
func (s *store) contextNames() []string {
	out := make([]string, 0, len(s.contexts))
	for name := range s.contexts {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// usages lists the subject versions that use rec, sorted by subject and
// version.
func (s *store) usages(rec *schemaRec, deleted bool) []registry.SubjectVersion {
	c := s.contexts[rec.ctx]
	out := []registry.SubjectVersion{}
	for _, sub := range c.subjects {
		for _, v := range sub.versions {
			if v.rec == rec && (deleted || !v.deleted) {
				out = append(out, registry.SubjectVersion{Subject: qualified{rec.ctx, sub.name}.String(), Version: v.version})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Subject != out[j].Subject {
			return out[i].Subject < out[j].Subject
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// qualified is a subject in a schema context.
type qualified struct {
	ctx  string // "" for the default context, else ".name"
	name string
}

// String renders q the way the real server names subjects: ":.ctx:name"
// outside the default context.
func (q qualified) String() string {
	if q.ctx == "" {
		return q.name
	}
	return ":" + q.ctx + ":" + q.name
}

// contextScope is the config/mode key of a whole context.
func contextScope(ctx string) string { return ":" + ctx + ":" }

// parseQualified splits ":.ctx:name" into its context and name; a subject
// without a context prefix is in defaultCtx.
func parseQualified(subject, defaultCtx string) qualified {
	if strings.HasPrefix(subject, ":.") {
		if i := strings.Index(subject[1:], ":"); i >= 0 {
			ctx := subject[1 : 1+i]
			if ctx == "." {
				ctx = ""
			}
			return qualified{ctx: ctx, name: subject[2+i:]}
		}
	}
	return qualified{ctx: defaultCtx, name: subject}
}

// normalizeContext turns a context path segment into a context name.
func normalizeContext(name string) string {
	if name == "" || name == "." || name == ":.:" {
		return ""
	}
	name = strings.Trim(name, ":")
	if !strings.HasPrefix(name, ".") {
		name = "." + name
	}
	return name
}

// validSubject reports whether the real server accepts subject as a name.
func validSubject(q qualified) bool {
	if strings.TrimSpace(q.name) == "" {
		return false
	}
	for _, r := range q.name {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return q.name != "__GLOBAL" && q.name != "__EMPTY"
}

// byGUID returns the schemas with the GUID, one per context, in context
// order (the default context first).
func (s *store) byGUID(guid string) []*schemaRec {
	var out []*schemaRec
	for _, name := range s.contextNames() {
		for _, rec := range s.contexts[name].byID {
			if rec.guid == guid {
				out = append(out, rec)
				break
			}
		}
	}
	return out
}

// idUnderSubject returns schema id of q's context and q's latest version
// of it (soft-deleted included), or nil when q does not use it.
func (s *store) idUnderSubject(q qualified, id int) (*schemaRec, *versionRec) {
	c := s.contexts[q.ctx]
	if c == nil || c.byID[id] == nil {
		return nil, nil
	}
	if v := c.subjects[q.name].latestWithID(id); v != nil {
		return c.byID[id], v
	}
	return nil, nil
}

// firstUse returns schema id of context ctx with the first subject (by
// name) that uses it and that subject's latest version of it.
func (s *store) firstUse(ctx string, id int) (*schemaRec, qualified, *versionRec) {
	c := s.contexts[ctx]
	if c == nil || c.byID[id] == nil {
		return nil, qualified{}, nil
	}
	names := make([]string, 0, len(c.subjects))
	for name := range c.subjects {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if v := c.subjects[name].latestWithID(id); v != nil {
			return c.byID[id], qualified{ctx, name}, v
		}
	}
	return nil, qualified{}, nil
}
