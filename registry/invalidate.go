package registry

import "strconv"

// What a change through this client makes stale.
const (
	dropLatest    = 1 << iota // latest and latest-with-metadata answers
	dropVersions              // subject+version answers
	dropSchemas               // register and lookup answers
	dropNegatives             // "not found" answers about the subject
	dropAll       = dropLatest | dropVersions | dropSchemas | dropNegatives
)

// Invalidation and fills of the subject-scoped caches are ordered by
// c.inv: a fetch reads the generation before its request and stores its
// answer only if no invalidation ran meanwhile, so that an answer fetched
// before a delete is not cached after it. The generation is also part of
// every singleflight key, so that a call made after an invalidation never
// shares a request that started before it. Hits never touch c.inv.

// generation returns the current invalidation generation.
func (c *Client) generation() uint64 {
	c.inv.RLock()
	defer c.inv.RUnlock()
	return c.gen
}

// genString renders a generation for a singleflight key.
func genString(gen uint64) string { return strconv.FormatUint(gen, 36) }

// fillIf runs put unless an invalidation ran since gen was read.
func (c *Client) fillIf(gen uint64, put func()) {
	c.inv.RLock()
	defer c.inv.RUnlock()
	if c.gen == gen {
		put()
	}
}

// invalidate runs drop as a new generation.
func (c *Client) invalidate(drop func()) {
	c.inv.Lock()
	defer c.inv.Unlock()
	c.gen++
	drop()
}

// invalidateSubject drops the cached answers about subject (seen from
// context ctxName) that what names.
func (c *Client) invalidateSubject(ctxName, subject string, what int) {
	c.invalidate(func() { c.dropSubject(ctxName, subject, what) })
}

func (c *Client) dropSubject(ctxName, subject string, what int) {
	want := canonicalSubject(ctxName, subject)
	c.dropWhere(func(kctx, ksubject string) bool {
		return canonicalSubject(kctx, ksubject) == want
	}, what)
}

// dropWhere drops, from the subject-scoped caches, the entries whose
// (context, subject) match and whose kind what names.
func (c *Client) dropWhere(match func(ctx, subject string) bool, what int) {
	only := func(kind int, err error) bool {
		return what&kind != 0 || (what&dropNegatives != 0 && err != nil)
	}
	c.latest.deleteIf(func(k versionKey, e *entry[SubjectSchema]) bool {
		return only(dropLatest, e.err) && match(k.ctx, k.subject)
	})
	c.latestMeta.deleteIf(func(k metaKey, e *entry[metaValue]) bool {
		return only(dropLatest, e.err) && match(k.ctx, k.subject)
	})
	c.byVersion.deleteIf(func(k versionKey, e *entry[SubjectSchema]) bool {
		return only(dropVersions, e.err) && match(k.ctx, k.subject)
	})
	c.registered.deleteIf(func(k schemaKey, e *entry[SubjectSchema]) bool {
		return only(dropSchemas, e.err) && match(k.ctx, k.subject)
	})
	c.lookedUp.deleteIf(func(k schemaKey, e *entry[SubjectSchema]) bool {
		return only(dropSchemas, e.err) && match(k.ctx, k.subject)
	})
}

// invalidateRegistered drops what registering ss under subject makes
// stale: the subject's answers that what names, and "not found" answers
// for ss's ID and GUID.
func (c *Client) invalidateRegistered(ctxName, subject string, ss *SubjectSchema, what int) {
	c.invalidate(func() {
		c.dropSubject(ctxName, subject, what)
		c.byID.dropMissing(ss.ID)
		if ss.GUID != "" {
			c.byGUID.deleteIf(func(k guidKey, e *entry[SubjectSchema]) bool { return e.err != nil && k.guid == ss.GUID })
		}
	})
}

// invalidateVersion drops what deleting one version of subject makes
// stale: that version (all of them for [Latest]), the latest answers and
// the register and lookup answers of the subject.
func (c *Client) invalidateVersion(ctxName, subject string, version int) {
	c.invalidate(func() {
		c.dropSubject(ctxName, subject, dropLatest|dropSchemas|dropNegatives)
		want := canonicalSubject(ctxName, subject)
		c.byVersion.deleteIf(func(k versionKey, _ *entry[SubjectSchema]) bool {
			return (version == Latest || k.version == version) && canonicalSubject(k.ctx, k.subject) == want
		})
	})
}

// invalidateConfig drops the register and lookup answers a config change
// may alter (normalization, default and override metadata and rules): the
// subject's, or, for a context-wide or global change, all of them.
func (c *Client) invalidateConfig(ctxName, subject string) {
	c.invalidate(func() {
		if subject != "" {
			c.dropSubject(ctxName, subject, dropSchemas)
			return
		}
		c.registered.clear()
		c.lookedUp.clear()
	})
}

// invalidateContext drops everything cached about the context name.
func (c *Client) invalidateContext(name string) {
	c.invalidate(func() {
		c.dropWhere(func(kctx, ksubject string) bool {
			ctxName, _ := SplitSubject(canonicalSubject(kctx, ksubject))
			return ctxName == name
		}, dropAll)
		c.byID.dropContext(name)
	})
}

// clearAll empties every cache.
func (c *Client) clearAll() {
	c.invalidate(func() {
		c.byID.clear()
		c.byGUID.clear()
		c.registered.clear()
		c.lookedUp.clear()
		c.byVersion.clear()
		c.latest.clear()
		c.latestMeta.clear()
	})
}
