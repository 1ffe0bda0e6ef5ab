package mockregistry

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// Register and lookup follow KafkaSchemaRegistry.registerOrForward and
// register, and AbstractSchemaRegistry.lookUpSchemaUnderSubject, step for
// step. Every method here expects the caller to hold r.mu (for writing
// when it may register).

// identityKey is the key of a schema in its context's byKey map: the
// server's MD5 identity (schemaHash), kept apart per schema type (the
// server's hash leaves the type out; the mock does not let a schema of one
// type answer for another).
func identityKey(s registry.Schema) string {
	sum := schemaHash(s)
	return string(s.SchemaType.Normalized()) + ":" + hex.EncodeToString(sum[:])
}

// contextLabel is how the server names q's context in messages: "" for
// the default context, else ":.ctx:".
func contextLabel(q qualified) string {
	if q.ctx == "" {
		return ""
	}
	return contextScope(q.ctx)
}

func hasDefaultsOrOverrides(cfg registry.Config) bool {
	return cfg.DefaultMetadata != nil || cfg.OverrideMetadata != nil || cfg.DefaultRuleSet != nil || cfg.OverrideRuleSet != nil
}

// registerOrForward serves POST /subjects/{q}/versions. When the subject's
// config has no default or override metadata or rule set, the request is
// first looked up as sent, so that registering an existing version again
// answers it (before the mode is even checked); else it is registered.
func (r *Registry) registerOrForward(q qualified, req registerRequest, normalize bool) (answer, *apiError) {
	if err := validateRuleSet(req.RuleSet); err != nil {
		return answer{}, err
	}
	if !validSubject(q) {
		return answer{}, errInvalidSubject(q.String())
	}
	cfg := r.st.configInScope(q)
	if cfg.Normalize != nil && *cfg.Normalize {
		normalize = true
	}
	c := req.candidate()
	latest := c.version == registry.Latest
	if !hasDefaultsOrOverrides(cfg) {
		m, aerr := r.lookupUnder(q, c, normalize, false, latest)
		if aerr != nil {
			return answer{}, aerr
		}
		if m != nil {
			switch {
			case c.version == 0 || latest:
				if c.id < 0 || c.id == m.id {
					return *m, nil
				}
			case c.id == m.id:
				if c.version == m.version {
					return *m, nil
				}
				// The same schema imported under two versions.
				older := r.st.subject(q).lookupVersion(c.version, false)
				if older != nil && older.rec.id == m.id && schemaHash(older.rec.schema) == schemaHash(m.s) {
					return answerOf(older.rec, &q, older), nil
				}
			}
		}
	}
	return r.register(q, c, normalize)
}

// register is KafkaSchemaRegistry.register.
func (r *Registry) register(q qualified, c candidate, normalize bool) (answer, *apiError) {
	st := r.st
	mode := st.modeInScope(q)
	switch {
	case mode == registry.ReadOnly || mode == registry.ReadOnlyOverride:
		return answer{}, errNotPermitted(fmt.Sprintf("Subject %s in context %s is in read-only mode", q, contextLabel(q)))
	case c.id >= 0 && mode != registry.Import:
		return answer{}, errNotPermitted(fmt.Sprintf("Subject %s in context %s is not in import mode", q, contextLabel(q)))
	case c.id < 0 && mode != registry.ReadWrite:
		return answer{}, errNotPermitted(fmt.Sprintf("Subject %s in context %s is not in read-write mode", q, contextLabel(q)))
	}
	sub := st.subject(q)
	newVersion := 1
	if sub != nil {
		for _, v := range sub.versions {
			newVersion = max(newVersion, v.version+1)
		}
	}
	live := sub.live(false) // oldest first
	cfg := st.configInScope(q)
	if mode != registry.Import {
		var prev *registry.Schema
		if len(live) > 0 {
			prev = &live[len(live)-1].rec.schema
		}
		if strings.TrimSpace(c.s.Schema) == "" {
			if prev == nil {
				return answer{}, errInvalidSchema("Empty schema")
			}
			c.s.Schema, c.s.SchemaType, c.s.References = prev.Schema, prev.SchemaType, prev.References
		}
		setMetadataRuleSet(cfg, &c, prev, newVersion, true)
	}
	parsed, aerr := r.canonicalize(q.ctx, &c, normalize)
	if aerr != nil {
		return answer{}, aerr
	}
	key := identityKey(c.s)
	ctx := st.context(q.ctx, true)
	id := c.id
	if rec := ctx.byKey[key]; rec != nil && (id < 0 || id == rec.id) {
		if c.version == 0 {
			if v := sub.latestWithID(rec.id); v != nil && !v.deleted {
				return c.answer(q, v.version, rec.id, parsed), nil
			}
		}
		id = rec.id
	}
	if c.version == 0 {
		for i := len(live) - 1; i >= 0; i-- {
			v := live[i]
			if (id < 0 || id == v.rec.id) && r.canLookup(q, c, v) {
				return c.answer(q, v.version, v.rec.id, parsed), nil
			}
		}
	}
	// IMPORT takes history as it is: no compatibility check.
	if mode != registry.Import {
		if msgs := r.checkCompatibility(q, cfg, st.compatibilityLevel(q), c.s, parsed, live); len(msgs) > 0 {
			return answer{}, errIncompatible(q.String(), msgs)
		}
	}
	version := c.version
	if version <= 0 {
		version = newVersion
	} else if version != newVersion && mode != registry.Import {
		return answer{}, errInvalidSchema("Version is not one more than previous version")
	}
	if id >= 0 {
		// checkIfSchemaWithIdExist: an ID names one schema.
		if old := ctx.byID[id]; old != nil && !sameSchema(old.schema, c.s) {
			return answer{}, errNotPermitted(fmt.Sprintf("Overwrite new schema with id %d in context %s is not permitted.", id, contextLabel(q)))
		}
	} else {
		id = ctx.nextID
	}
	if sub == nil {
		sub = &subjectRec{name: q.name}
		ctx.subjects[q.name] = sub
	}
	// Soft-deleted earlier versions with this ID are dropped, unless a
	// schema (soft-deleted ones included) references them.
	kept := sub.versions[:0:0]
	for _, v := range sub.versions {
		if v.deleted && v.rec.id == id && v.version < version && len(st.referencedBy(q, v.version, true)) == 0 {
			continue
		}
		kept = append(kept, v)
	}
	sub.versions = kept
	rec := ctx.byID[id]
	if rec == nil {
		rec = &schemaRec{ctx: q.ctx, id: id, guid: guidOf(schemaHash(c.s)), key: key, schema: c.s, parsed: parsed}
		ctx.byID[id] = rec
		if id >= ctx.nextID {
			ctx.nextID = id + 1
		}
	}
	ctx.byKey[key] = rec
	// In IMPORT mode a version may be written again.
	for i, v := range sub.versions {
		if v.version == version {
			sub.versions = append(sub.versions[:i:i], sub.versions[i+1:]...)
			break
		}
	}
	sub.insert(&versionRec{version: version, rec: rec, ts: r.cfg.now().UnixMilli()})
	return c.answer(q, version, id, parsed), nil
}

// answer is the server's schema.copy(version, id): the candidate itself,
// with no ts.
func (c *candidate) answer(q qualified, version, id int, parsed compat.Schema) answer {
	return answer{subject: q.String(), version: version, id: id, s: c.s, parsed: parsed}
}

// sameSchema is Schema.equals of two schemas that differ at most in
// subject, version and ID.
func sameSchema(a, b registry.Schema) bool {
	return a.SchemaType.Normalized() == b.SchemaType.Normalized() && a.Schema == b.Schema &&
		refsEqual(a.References, b.References) && metadataEqual(a.Metadata, b.Metadata) && ruleSetEqual(a.RuleSet, b.RuleSet)
}

// setMetadataRuleSet is maybeSetMetadataRuleSet: the request's metadata
// and rule set, or else the previous version's, between the config's
// defaults and overrides; confluent:version is set to newVersion when the
// request names a version or the metadata already has one (setVersion).
func setMetadataRuleSet(cfg registry.Config, c *candidate, prev *registry.Schema, newVersion int, setVersion bool) {
	md, rs := c.s.Metadata, c.s.RuleSet
	if md == nil && prev != nil {
		md = prev.Metadata
	}
	if rs == nil && prev != nil {
		rs = prev.RuleSet
	}
	md = mergeMetadata(mergeMetadata(cfg.DefaultMetadata, md), cfg.OverrideMetadata)
	rs = mergeRuleSet(mergeRuleSet(cfg.DefaultRuleSet, rs), cfg.OverrideRuleSet)
	if setVersion {
		has := false
		if md != nil {
			_, has = md.Properties[confluentVersionProp]
		}
		if c.version != 0 || has {
			md = withConfluentVersion(md, newVersion)
		}
	}
	if md != nil || rs != nil {
		c.s.Metadata, c.s.RuleSet = entityMetadata(md), entityRuleSet(rs)
	}
}

func refsEqual(a, b []registry.Reference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
