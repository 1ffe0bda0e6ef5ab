package mockregistry

import (
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// lookupUnder is the server's lookUpSchemaUnderSubject(config, ...): the
// candidate as sent (canonicalized) is found by its identity among the
// subject's versions, else by canLookup among them (newest first; only the
// latest with latestOnly). A version found by identity answers the
// candidate with that version's number and ID; one found by canLookup
// answers the stored version itself.
func (r *Registry) lookupUnder(q qualified, c candidate, normalize, deleted, latestOnly bool) (*answer, *apiError) {
	if strings.TrimSpace(c.s.Schema) == "" {
		return nil, nil
	}
	parsed, aerr := r.canonicalize(q.ctx, &c, normalize)
	if aerr != nil {
		return nil, aerr
	}
	sub := r.st.subject(q)
	if !latestOnly {
		if ctx := r.st.contexts[q.ctx]; ctx != nil {
			if rec := ctx.byKey[identityKey(c.s)]; rec != nil {
				if v := sub.latestWithID(rec.id); v != nil && (deleted || !v.deleted) {
					a := c.answer(q, v.version, rec.id, parsed)
					return &a, nil
				}
			}
		}
	}
	vs := sub.live(deleted)
	if latestOnly {
		if vs = sub.live(false); len(vs) > 0 {
			vs = vs[len(vs)-1:]
		}
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if r.canLookup(q, c, vs[i]) {
			a := answerOf(vs[i].rec, &q, vs[i])
			return &a, nil
		}
	}
	return nil, nil
}

// lookup serves POST /subjects/{q} (lookUpSchemaUnderSubjectUsingContexts):
// the candidate as sent, then with the latest version's metadata and rule
// set filled in as register would (when that changes it); an unqualified
// subject of the default context is then tried in every other context.
func (r *Registry) lookup(q qualified, req registerRequest, normalize, deleted bool) (answer, *apiError) {
	c := req.candidate()
	if cfg := r.st.configInScope(q); cfg.Normalize != nil && *cfg.Normalize {
		normalize = true
	}
	m, aerr := r.lookupOne(q, c, normalize, deleted)
	if aerr != nil {
		return answer{}, aerr
	}
	if m == nil && q.ctx == "" {
		for _, name := range r.st.contextNames() {
			if name == "" {
				continue
			}
			// As the server, a schema invalid in another context is no match.
			if m, _ = r.lookupOne(qualified{name, q.name}, c, normalize, deleted); m != nil {
				break
			}
		}
	}
	if m == nil {
		if !r.st.hasSubject(q, deleted) {
			return answer{}, errSubjectNotFound(q.String())
		}
		return answer{}, errSchemaNotFound()
	}
	return *m, nil
}

// lookupOne is the public lookUpSchemaUnderSubject for one subject.
func (r *Registry) lookupOne(q qualified, c candidate, normalize, deleted bool) (*answer, *apiError) {
	m, aerr := r.lookupUnder(q, c, normalize, deleted, false)
	if m != nil || aerr != nil {
		return m, aerr
	}
	live := r.st.subject(q).live(false)
	if len(live) == 0 {
		return nil, nil
	}
	next := c
	setMetadataRuleSet(r.st.configInScope(q), &next, &live[len(live)-1].rec.schema, 0, false)
	if metadataEqual(next.s.Metadata, c.s.Metadata) && ruleSetEqual(next.s.RuleSet, c.s.RuleSet) {
		return nil, nil
	}
	return r.lookupUnder(q, next, normalize, deleted, false)
}

// canLookup is ParsedSchema.canLookup: the candidate c (canonicalized)
// names version v when their references match (with -1 read as the
// referenced subject's latest version) and their texts, metadata and rule
// sets are equal, a confluent:version on one side only aside; a candidate
// without references also matches a version with references (the schema
// sent with its references resolved).
func (r *Registry) canLookup(q qualified, c candidate, v *versionRec) bool {
	prev := v.rec.schema
	if len(c.s.References) == 0 && len(prev.References) > 0 && equivalentIgnoringVersion(c.s, prev, v.version) {
		return true
	}
	if !refsEqual(r.latestRefs(q, c.s.References), r.latestRefs(q, prev.References)) {
		return false
	}
	return equivalentIgnoringVersion(c.s, prev, v.version)
}

// latestRefs is replaceLatestVersion: version -1 becomes the referenced
// subject's latest version.
func (r *Registry) latestRefs(q qualified, refs []registry.Reference) []registry.Reference {
	var out []registry.Reference
	for _, ref := range refs {
		if ref.Version == registry.Latest {
			if n := r.st.latestVersion(parseQualified(ref.Subject, q.ctx)); n > 0 {
				ref.Version = n
			}
		}
		out = append(out, ref)
	}
	return out
}

// equivalentIgnoringVersion is canLookupIgnoringVersion: cur and prev
// (version prevVersion) are equivalent, except that a confluent:version on
// only one side is ignored (on cur's side it must then be prevVersion).
func equivalentIgnoringVersion(cur, prev registry.Schema, prevVersion int) bool {
	cv, curHas := confluentVersion(cur.Metadata)
	_, prevHas := confluentVersion(prev.Metadata)
	switch {
	case !curHas && prevHas:
		if cur.Metadata == nil {
			cur.Metadata = &registry.Metadata{}
		}
		prev.Metadata = withoutConfluentVersion(prev.Metadata)
	case curHas && !prevHas:
		if cv != prevVersion {
			return false
		}
		if prev.Metadata == nil {
			prev.Metadata = &registry.Metadata{}
		}
		cur.Metadata = withoutConfluentVersion(cur.Metadata)
	}
	return equivalent(cur, prev)
}

// equivalent is ParsedSchema.equivalent: same type, canonical text,
// metadata and rule set.
func equivalent(a, b registry.Schema) bool {
	return a.SchemaType.Normalized() == b.SchemaType.Normalized() && a.Schema == b.Schema &&
		metadataEqual(a.Metadata, b.Metadata) && ruleSetEqual(a.RuleSet, b.RuleSet)
}
