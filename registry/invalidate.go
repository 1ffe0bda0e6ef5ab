package registry

// What a change through this client makes stale.
const (
	dropLatest    = 1 << iota // latest and latest-with-metadata answers
	dropVersions              // subject+version answers
	dropSchemas               // register and lookup answers
	dropNegatives             // "not found" answers about the subject
	dropAll       = dropLatest | dropVersions | dropSchemas | dropNegatives
)

// invalidateSubject drops the cached answers about subject (seen from
// context ctxName) that what names.
func (c *Client) invalidateSubject(ctxName, subject string, what int) {
	want := canonicalSubject(ctxName, subject)
	match := func(kctx, ksubject string, err error) bool {
		return canonicalSubject(kctx, ksubject) == want
	}
	c.invalidateWhere(match, what)
}

// invalidateWhere drops, from the subject-scoped caches, the entries whose
// (context, subject) match.
func (c *Client) invalidateWhere(match func(ctx, subject string, err error) bool, what int) {
	only := func(kind int, err error) bool {
		return what&kind != 0 || (what&dropNegatives != 0 && err != nil)
	}
	c.latest.deleteIf(func(k versionKey, e *entry[SubjectSchema]) bool {
		return only(dropLatest, e.err) && match(k.ctx, k.subject, e.err)
	})
	c.latestMeta.deleteIf(func(k metaKey, e *entry[metaValue]) bool {
		return only(dropLatest, e.err) && match(k.ctx, k.subject, e.err)
	})
	c.byVersion.deleteIf(func(k versionKey, e *entry[SubjectSchema]) bool {
		return only(dropVersions, e.err) && match(k.ctx, k.subject, e.err)
	})
	c.registered.deleteIf(func(k schemaKey, e *entry[SubjectSchema]) bool {
		return only(dropSchemas, e.err) && match(k.ctx, k.subject, e.err)
	})
	c.lookedUp.deleteIf(func(k schemaKey, e *entry[SubjectSchema]) bool {
		return only(dropSchemas, e.err) && match(k.ctx, k.subject, e.err)
	})
}

// invalidateVersion drops what deleting one version of subject makes
// stale: that version (all of them for [Latest]), the latest answers and
// the register and lookup answers of the subject.
func (c *Client) invalidateVersion(ctxName, subject string, version int) {
	c.invalidateSubject(ctxName, subject, dropLatest|dropSchemas|dropNegatives)
	want := canonicalSubject(ctxName, subject)
	c.byVersion.deleteIf(func(k versionKey, e *entry[SubjectSchema]) bool {
		return (version == Latest || k.version == version) && canonicalSubject(k.ctx, k.subject) == want
	})
}

// invalidateConfig drops the register and lookup answers a config change
// may alter (normalization, default and override metadata and rules): the
// subject's, or, for a context-wide or global change, all of them.
func (c *Client) invalidateConfig(ctxName, subject string) {
	if subject != "" {
		c.invalidateSubject(ctxName, subject, dropSchemas)
		return
	}
	c.registered.clear()
	c.lookedUp.clear()
}

// invalidateContext drops everything cached about the context name.
func (c *Client) invalidateContext(name string) {
	c.invalidateWhere(func(kctx, ksubject string, _ error) bool {
		ctxName, _ := SplitSubject(canonicalSubject(kctx, ksubject))
		return ctxName == name
	}, dropAll)
	c.byID.dropContext(name)
}
