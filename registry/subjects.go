package registry

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

func subjectPath(subject string) string { return "/subjects/" + escapeSubject(subject) }

// escapeSubject escapes a subject for a URL path segment. Colons stay as
// they are, so qualified subjects (":.ctx:subject") read naturally.
func escapeSubject(subject string) string { return url.PathEscape(subject) }

// Register registers s under subject (POST /subjects/{subject}/versions) and
// returns its ID and, when the server sends them, its GUID, version,
// schema, metadata and rule set (the server may add default or override
// metadata and rules from the subject's config). Registering a schema
// identical to an existing version returns that version. Honours
// [Normalize], [OutputFormat] and [InContext].
//
// Answers are cached per subject and schema: registering the same schema
// again makes no request. A new registration drops the subject's cached
// latest versions.
func (c *Client) Register(ctx context.Context, subject string, s Schema, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	p.deleted = false
	ctxName := c.callContext(&p)
	if p.explicitID != 0 || p.explicitVersion != 0 {
		return c.registerExplicit(ctx, ctxName, subject, s, &p)
	}
	k, err := newSchemaKey(ctxName, subject, &s, &p)
	if err != nil {
		return SubjectSchema{}, err
	}
	h := c.schemaHash(&k)
	if e := c.registered.get(k, h); e != nil && c.fresh(e.exp) {
		c.registered.note(CacheHit)
		return e.val, e.err
	}
	c.registered.note(CacheMiss)
	return c.registerMiss(ctx, k, h, s, p)
}

func (c *Client) registerMiss(ctx context.Context, k schemaKey, h uint64, s Schema, p params) (SubjectSchema, error) {
	gen := c.generation()
	fk := flightKey('r', genString(gen), k.ctx, k.subject, k.format, boolStr(k.normalize), string(k.schemaType), k.schema, k.extra)
	return sharedFetch(c, ctx, fk, func(ctx context.Context) (SubjectSchema, error) {
		if e := c.registered.get(k, h); e != nil && c.fresh(e.exp) {
			return e.val, e.err
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodPost, c.contextPrefix(&p)+subjectPath(k.subject)+"/versions", p.query(nil), &s, (*idAnswer)(&out))
		if err != nil {
			return SubjectSchema{}, err
		}
		fillFrom(&out.Schema, &s)
		if out.Subject == "" {
			out.Subject = k.subject
		}
		c.fillIf(gen, func() { c.registered.put(k, h, &entry[SubjectSchema]{val: out}) })
		c.invalidateRegistered(k.ctx, k.subject, &out, dropLatest|dropNegatives)
		return out, nil
	})
}

// registerExplicit registers with an explicit ID and version (IMPORT
// mode), uncached.
func (c *Client) registerExplicit(ctx context.Context, ctxName, subject string, s Schema, p *params) (SubjectSchema, error) {
	in := struct {
		Schema
		ID      int `json:"id,omitempty"`
		Version int `json:"version,omitempty"`
	}{s, p.explicitID, p.explicitVersion}
	var out SubjectSchema
	if err := c.do(ctx, http.MethodPost, c.contextPrefix(p)+subjectPath(subject)+"/versions", p.query(nil), &in, (*idAnswer)(&out)); err != nil {
		return SubjectSchema{}, err
	}
	fillFrom(&out.Schema, &s)
	if out.Subject == "" {
		out.Subject = subject
	}
	c.invalidateRegistered(ctxName, subject, &out, dropAll)
	return out, nil
}

// fillFrom completes a register answer with what was sent, for servers
// that answer only {"id": n}.
func fillFrom(out, sent *Schema) {
	if out.Schema != "" {
		return
	}
	out.Schema = sent.Schema
	if out.SchemaType == "" {
		out.SchemaType = sent.SchemaType.canonical()
	}
	if out.References == nil {
		out.References = sent.References
	}
	if out.Metadata == nil {
		out.Metadata = sent.Metadata
	}
	if out.RuleSet == nil {
		out.RuleSet = sent.RuleSet
	}
}

// LookupSchema finds s among subject's versions (POST /subjects/{subject})
// and returns its ID, version and GUID. It fails with [ErrSchemaNotFound] or
// [ErrSubjectNotFound] when the schema is not registered there. Honours
// [Normalize], [Deleted], [OutputFormat] and [InContext]. Answers are cached per
// subject and schema; "not found" for the negative TTL.
func (c *Client) LookupSchema(ctx context.Context, subject string, s Schema, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	ctxName := c.callContext(&p)
	k, err := newSchemaKey(ctxName, subject, &s, &p)
	if err != nil {
		return SubjectSchema{}, err
	}
	h := c.schemaHash(&k)
	if e := c.lookedUp.get(k, h); e != nil && c.fresh(e.exp) {
		c.lookedUp.note(CacheHit)
		return e.val, e.err
	}
	c.lookedUp.note(CacheMiss)
	return c.lookupMiss(ctx, k, h, s, p)
}

func (c *Client) lookupMiss(ctx context.Context, k schemaKey, h uint64, s Schema, p params) (SubjectSchema, error) {
	gen := c.generation()
	fk := flightKey('l', genString(gen), k.ctx, k.subject, k.format, boolStr(k.normalize), boolStr(k.deleted), string(k.schemaType), k.schema, k.extra)
	return sharedFetch(c, ctx, fk, func(ctx context.Context) (SubjectSchema, error) {
		if e := c.lookedUp.get(k, h); e != nil && c.fresh(e.exp) {
			return e.val, e.err
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodPost, c.contextPrefix(&p)+subjectPath(k.subject), p.query(nil), &s, (*idAnswer)(&out))
		if err != nil {
			if isMissing(err) && c.missingSchTTL > 0 {
				c.fillIf(gen, func() { c.lookedUp.put(k, h, &entry[SubjectSchema]{err: err, exp: c.expiry(c.missingSchTTL)}) })
			}
			return SubjectSchema{}, err
		}
		c.fillIf(gen, func() { c.lookedUp.put(k, h, &entry[SubjectSchema]{val: out}) })
		return out, nil
	})
}

// Subjects lists the registered subjects (GET /subjects). Honours
// [SubjectPrefix], [Deleted], [DeletedOnly], [Page] and [InContext]. Not
// cached. In a context, subjects are listed qualified (":.ctx:subject").
func (c *Client) Subjects(ctx context.Context, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/subjects", p.query(nil), nil, &out)
	return out, err
}

// Versions lists subject's version numbers (GET /subjects/{subject}/versions).
// Honours [Deleted], [DeletedOnly], [Page] and [InContext]. Not cached.
func (c *Client) Versions(ctx context.Context, subject string, ps ...Param) ([]int, error) {
	p := collect(ps)
	var out []int
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions", p.query(nil), nil, &out)
	return out, err
}

// SchemaByVersion returns one version of subject; version [Latest] names the
// latest (GET /subjects/{subject}/versions/{version}). Honours [Deleted],
// [OutputFormat] and [InContext].
//
// Numbered versions are cached until deleted through this client or
// evicted; the latest version for the latest TTL ([LatestTTL]); "not
// found" for the negative TTL. The result shares memory with the cache:
// treat it as read-only.
func (c *Client) SchemaByVersion(ctx context.Context, subject string, version int, ps ...Param) (SubjectSchema, error) {
	var p params
	if len(ps) > 0 {
		p = collect(ps)
	}
	k := versionKey{ctx: c.callContext(&p), subject: subject, format: p.format, version: version, deleted: p.deleted}
	h := c.versionHash(&k)
	cc := c.byVersion
	if version == Latest {
		cc = c.latest
		if c.latestTTL == 0 {
			return c.fetchVersion(ctx, k, h, p, nil)
		}
	}
	if e := cc.get(k, h); e != nil && c.fresh(e.exp) {
		cc.note(CacheHit)
		return e.val, e.err
	}
	cc.note(CacheMiss)
	return c.fetchVersion(ctx, k, h, p, cc)
}

func (c *Client) fetchVersion(ctx context.Context, k versionKey, h uint64, p params, cc *cache[versionKey, SubjectSchema]) (SubjectSchema, error) {
	gen := c.generation()
	fk := flightKey('v', genString(gen), k.ctx, k.subject, k.format, strconv.Itoa(k.version), boolStr(k.deleted))
	return sharedFetch(c, ctx, fk, func(ctx context.Context) (SubjectSchema, error) {
		if cc != nil {
			if e := cc.get(k, h); e != nil && c.fresh(e.exp) {
				return e.val, e.err
			}
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(k.subject)+"/versions/"+versionString(k.version), p.query(nil), nil, (*schemaAnswer)(&out))
		var old *entry[SubjectSchema]
		if cc != nil && k.version == Latest {
			old = cc.get(k, h)
		}
		if err != nil {
			if e := staleOnError(c, ctx, err, old, k.subject); e != nil {
				c.fillIf(gen, func() { cc.put(k, h, e) })
				return e.val, nil
			}
			if cc != nil && isMissing(err) && c.missingVerTTL > 0 {
				c.fillIf(gen, func() { cc.put(k, h, &entry[SubjectSchema]{err: err, exp: c.expiry(c.missingVerTTL)}) })
			}
			return SubjectSchema{}, err
		}
		c.fillIf(gen, func() {
			if k.version != Latest {
				if cc != nil {
					cc.put(k, h, &entry[SubjectSchema]{val: out})
				}
				return
			}
			if cc != nil {
				logRecovered(c, ctx, old, k.subject)
				cc.put(k, h, latestEntry(c, out))
			}
			if out.Version > 0 {
				vk := k
				vk.version = out.Version
				c.byVersion.put(vk, c.versionHash(&vk), &entry[SubjectSchema]{val: out})
			}
		})
		return out, nil
	})
}

// LatestSchema returns subject's latest version, cached for the latest TTL.
// Honours [Deleted], [OutputFormat] and [InContext].
func (c *Client) LatestSchema(ctx context.Context, subject string, ps ...Param) (SubjectSchema, error) {
	return c.SchemaByVersion(ctx, subject, Latest, ps...)
}

// RawSchemaByVersion returns only the schema text of one version of
// subject (GET /subjects/{subject}/versions/{version}/schema). Honours
// [Deleted], [OutputFormat] and [InContext]. Not cached.
func (c *Client) RawSchemaByVersion(ctx context.Context, subject string, version int, ps ...Param) (string, error) {
	p := collect(ps)
	var out rawBody
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version)+"/schema", p.query(nil), nil, &out)
	return string(out.b), err
}

// LatestWithMetadata returns the latest version of subject whose metadata
// properties include all of metadata
// (GET /subjects/{subject}/metadata?key=k1&value=v1&key=k2&value=v2, keys
// sorted and URL-escaped). Honours [Deleted], [OutputFormat] and [InContext].
// Cached for the latest TTL; a warm call allocates nothing.
func (c *Client) LatestWithMetadata(ctx context.Context, subject string, metadata map[string]string, ps ...Param) (SubjectSchema, error) {
	var p params
	if len(ps) > 0 {
		p = collect(ps)
	}
	k := metaKey{ctx: c.callContext(&p), subject: subject, format: p.format, md: c.metadataHash(metadata), deleted: p.deleted}
	h := c.strHash(subject) ^ k.md
	if c.latestTTL != 0 {
		if e := c.latestMeta.get(k, h); e != nil && c.fresh(e.exp) && sameMetadata(e.val.md, metadata) {
			c.latestMeta.note(CacheHit)
			return e.val.ss, e.err
		}
		c.latestMeta.note(CacheMiss)
	}
	return c.latestMetaMiss(ctx, k, h, metadata, p)
}

func (c *Client) latestMetaMiss(ctx context.Context, k metaKey, h uint64, metadata map[string]string, p params) (SubjectSchema, error) {
	md := make(map[string]string, len(metadata))
	keys := make([]string, 0, len(metadata))
	for mk, mv := range metadata {
		md[mk] = mv
		keys = append(keys, mk)
	}
	slices.Sort(keys)
	gen := c.generation()
	fk := flightKey('m', genString(gen), k.ctx, k.subject, k.format, boolStr(k.deleted), strconv.FormatUint(k.md, 16))
	return sharedFetch(c, ctx, fk, func(ctx context.Context) (SubjectSchema, error) {
		if c.latestTTL != 0 {
			if e := c.latestMeta.get(k, h); e != nil && c.fresh(e.exp) && sameMetadata(e.val.md, md) {
				return e.val.ss, e.err
			}
		}
		q := p.query(url.Values{})
		for _, mk := range keys {
			q.Add("key", mk)
			q.Add("value", md[mk])
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(k.subject)+"/metadata", q, nil, (*schemaAnswer)(&out))
		var old *entry[metaValue]
		if c.latestTTL != 0 {
			if old = c.latestMeta.get(k, h); old != nil && !sameMetadata(old.val.md, md) {
				old = nil
			}
		}
		if err != nil {
			if e := staleOnError(c, ctx, err, old, k.subject); e != nil {
				c.fillIf(gen, func() { c.latestMeta.put(k, h, e) })
				return e.val.ss, nil
			}
			if c.latestTTL != 0 && isMissing(err) && c.missingVerTTL > 0 {
				c.fillIf(gen, func() {
					c.latestMeta.put(k, h, &entry[metaValue]{val: metaValue{md: md}, err: err, exp: c.expiry(c.missingVerTTL)})
				})
			}
			return SubjectSchema{}, err
		}
		if c.latestTTL != 0 {
			c.fillIf(gen, func() {
				logRecovered(c, ctx, old, k.subject)
				c.latestMeta.put(k, h, latestEntry(c, metaValue{ss: out, md: md}))
			})
		}
		return out, nil
	})
}

// ReferencedBy lists the IDs of schemas that reference subject's version
// (GET /subjects/{subject}/versions/{version}/referencedby). Honours
// [Deleted], [Page] and [InContext]. Not cached.
func (c *Client) ReferencedBy(ctx context.Context, subject string, version int, ps ...Param) ([]int, error) {
	p := collect(ps)
	var out []int
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version)+"/referencedby", p.query(nil), nil, &out)
	return out, err
}

// DeleteSubject deletes subject and returns the deleted versions
// (DELETE /subjects/{subject}). A permanent (hard) delete needs a soft
// delete first. Honours [InContext]. It drops what the client cached
// about the subject.
func (c *Client) DeleteSubject(ctx context.Context, subject string, permanent bool, ps ...Param) ([]int, error) {
	p := collect(ps)
	var q url.Values
	if permanent {
		q = url.Values{"permanent": {"true"}}
	}
	var out []int
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+subjectPath(subject), q, nil, &out)
	if err == nil {
		c.invalidateSubject(c.callContext(&p), subject, dropAll)
	}
	return out, err
}

// DeleteVersion deletes one version of subject and returns its number
// (DELETE /subjects/{subject}/versions/{version}). A permanent (hard)
// delete needs a soft delete first. Honours [InContext]. It drops the
// cached version, the subject's latest versions and its register and
// lookup answers.
func (c *Client) DeleteVersion(ctx context.Context, subject string, version int, permanent bool, ps ...Param) (int, error) {
	p := collect(ps)
	var q url.Values
	if permanent {
		q = url.Values{"permanent": {"true"}}
	}
	var out int
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version), q, nil, &out)
	if err == nil {
		c.invalidateVersion(c.callContext(&p), subject, version)
	}
	return out, err
}

// AllVersions is the version argument of [Client.CheckCompatibility] that
// checks against every version the subject's compatibility level names.
const AllVersions = 0

// CheckCompatibility tests s against subject's version (or, with
// [AllVersions], against the versions its compatibility level requires)
// (POST /compatibility/subjects/{subject}/versions[/{version}]). Honours
// [Normalize], [Verbose] (the result's Messages then explain it) and
// [InContext]. Not cached.
func (c *Client) CheckCompatibility(ctx context.Context, subject string, version int, s Schema, ps ...Param) (CompatibilityResult, error) {
	p := collect(ps)
	path := c.contextPrefix(&p) + "/compatibility" + subjectPath(subject) + "/versions"
	if version != AllVersions {
		path += "/" + versionString(version)
	}
	var out compatAnswer
	err := c.do(ctx, http.MethodPost, path, p.query(nil), &s, &out)
	return CompatibilityResult{IsCompatible: out.IsCompatible != nil && *out.IsCompatible, Messages: out.Messages}, err
}
