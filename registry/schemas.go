package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// idContext is the context a schema-by-ID request resolves the ID in: a
// qualified subject hint's context, else the call's context.
func (c *Client) idContext(p *params) string {
	if ctxName, _, ok := splitQualified(p.subject); ok {
		return ctxName
	}
	return c.callContext(p)
}

// SchemaByID returns the schema with the global ID id (GET /schemas/ids/{id}).
// The result's ID is id; its GUID, and with [SubjectHint] its Subject and
// Version, are set when the server sends them (Confluent Schema Registry
// 8.x does; 7.x sends neither). Honours [SubjectHint], [OutputFormat] and
// [InContext]; answers with different hints are cached apart.
//
// Answers are cached for good (IDs are immutable) and "not found" for the
// negative TTL; a warm call makes no request, takes no lock and allocates
// nothing. The result shares memory with the cache: treat it as read-only.
func (c *Client) SchemaByID(ctx context.Context, id int, ps ...Param) (SubjectSchema, error) {
	if len(ps) == 0 && c.context == "" {
		// A deserializer's call: keyed by the ID alone.
		h := mix64(uint64(id))
		if e := c.byID.plain.get(id, h); e != nil && c.fresh(e.exp) {
			c.byID.plain.note(CacheHit)
			return e.val, e.err
		}
		c.byID.plain.note(CacheMiss)
		return c.schemaByIDMiss(ctx, idKey{id: id}, h, params{})
	}
	p := collect(ps)
	k := idKey{ctx: c.idContext(&p), format: p.format, subject: p.subject, id: id}
	h := k.hash()
	if e := c.byID.get(k, h); e != nil && c.fresh(e.exp) {
		c.byID.keyed.note(CacheHit)
		return e.val, e.err
	}
	c.byID.keyed.note(CacheMiss)
	return c.schemaByIDMiss(ctx, k, h, p)
}

func (c *Client) schemaByIDMiss(ctx context.Context, k idKey, h uint64, p params) (SubjectSchema, error) {
	gen := c.generation()
	key := flightKey('i', genString(gen), k.ctx, k.format, strconv.Itoa(k.id), p.subject, c.contextPrefix(&p))
	return sharedFetch(c, ctx, key, func(ctx context.Context) (SubjectSchema, error) {
		if e := c.byID.get(k, h); e != nil && c.fresh(e.exp) {
			return e.val, e.err
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(k.id), p.query(nil), nil, (*schemaAnswer)(&out))
		if err != nil {
			if isMissing(err) && c.missingIDTTL > 0 {
				c.fillIf(gen, func() { c.byID.put(k, h, &entry[SubjectSchema]{err: err, exp: c.expiry(c.missingIDTTL)}) })
			}
			return SubjectSchema{}, err
		}
		out.ID = k.id
		c.byID.put(k, h, &entry[SubjectSchema]{val: out})
		return out, nil
	})
}

// SchemaByGUID returns the schema with the given GUID (GET /schemas/guids/{guid}).
// The result's GUID is guid; its ID is set when the server sends it.
// Honours [OutputFormat]. Cached like [Client.SchemaByID]; GUIDs are global, so
// the context does not matter.
func (c *Client) SchemaByGUID(ctx context.Context, guid string, ps ...Param) (SubjectSchema, error) {
	var p params
	if len(ps) > 0 {
		p = collect(ps)
	}
	k := guidKey{format: p.format, guid: guid}
	h := c.strHash(guid)
	if e := c.byGUID.get(k, h); e != nil && c.fresh(e.exp) {
		c.byGUID.note(CacheHit)
		return e.val, e.err
	}
	c.byGUID.note(CacheMiss)
	return c.schemaByGUIDMiss(ctx, k, h, p)
}

func (c *Client) schemaByGUIDMiss(ctx context.Context, k guidKey, h uint64, p params) (SubjectSchema, error) {
	guid := k.guid
	gen := c.generation()
	return sharedFetch(c, ctx, flightKey('g', genString(gen), k.format, guid), func(ctx context.Context) (SubjectSchema, error) {
		if e := c.byGUID.get(k, h); e != nil && c.fresh(e.exp) {
			return e.val, e.err
		}
		var out SubjectSchema
		err := c.do(ctx, http.MethodGet, "/schemas/guids/"+url.PathEscape(guid), p.query(nil), nil, (*schemaAnswer)(&out))
		if err != nil {
			if isMissing(err) && c.missingIDTTL > 0 {
				c.fillIf(gen, func() { c.byGUID.put(k, h, &entry[SubjectSchema]{err: err, exp: c.expiry(c.missingIDTTL)}) })
			}
			return SubjectSchema{}, err
		}
		out.GUID = guid
		if out.ID == 0 {
			// Confluent Schema Registry 8.x answers a GUID without the
			// schema's ID: ask for the IDs the GUID has and take the one
			// of the client's context.
			id, err := c.idOfGUID(ctx, guid, &p)
			if err != nil {
				return SubjectSchema{}, err
			}
			out.ID = id
		}
		c.byGUID.put(k, h, &entry[SubjectSchema]{val: out})
		return out, nil
	})
}

// idOfGUID returns the ID guid has in the call's context (the default
// context when the call names none), or its only ID.
func (c *Client) idOfGUID(ctx context.Context, guid string, p *params) (int, error) {
	ids, err := c.IDsByGUID(ctx, guid)
	if err != nil {
		return 0, err
	}
	want := normalizeContext(c.callContext(p))
	for _, ci := range ids {
		if normalizeContext(ci.Context) == want {
			return ci.ID, nil
		}
	}
	if len(ids) == 1 {
		return ids[0].ID, nil
	}
	return 0, fmt.Errorf("registry: schema GUID %s has no ID in context %q (it has %d IDs elsewhere)", guid, want, len(ids))
}

// IDsByGUID lists the (context, ID) pairs the GUID has in the registry's
// contexts (GET /schemas/guids/{guid}/ids). Not cached.
func (c *Client) IDsByGUID(ctx context.Context, guid string) ([]ContextID, error) {
	var out []ContextID
	err := c.do(ctx, http.MethodGet, "/schemas/guids/"+url.PathEscape(guid)+"/ids", nil, nil, &out)
	return out, err
}

// RawSchemaByID returns only the schema text of id, as the registry
// serves it (GET /schemas/ids/{id}/schema). Honours [SubjectHint],
// [OutputFormat] and [InContext]. Not cached.
func (c *Client) RawSchemaByID(ctx context.Context, id int, ps ...Param) (string, error) {
	p := collect(ps)
	var out rawBody
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id)+"/schema", p.query(nil), nil, &out)
	return string(out.b), err
}

// SubjectsByID lists the subjects that use schema id (GET /schemas/ids/{id}/subjects).
// Honours [SubjectHint], [Deleted], [Page] and [InContext]. Not cached.
func (c *Client) SubjectsByID(ctx context.Context, id int, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id)+"/subjects", p.query(nil), nil, &out)
	return out, err
}

// SubjectVersionsByID lists the subject versions that use schema id
// (GET /schemas/ids/{id}/versions). Honours [SubjectHint], [Deleted],
// [Page] and [InContext]. Not cached.
func (c *Client) SubjectVersionsByID(ctx context.Context, id int, ps ...Param) ([]SubjectVersion, error) {
	p := collect(ps)
	var out []SubjectVersion
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id)+"/versions", p.query(nil), nil, &out)
	return out, err
}

// Schemas lists registered schemas with their subjects, versions and IDs
// (GET /schemas). Honours [SubjectPrefix], [Deleted], [LatestOnly], [Page]
// and [InContext]. Not cached. Some registries other than Confluent's do
// not serve this endpoint.
func (c *Client) Schemas(ctx context.Context, ps ...Param) ([]SubjectSchema, error) {
	p := collect(ps)
	var out []SubjectSchema
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas", p.query(nil), nil, &out)
	return out, err
}

// SchemaTypes lists the schema types the registry supports (GET /schemas/types).
func (c *Client) SchemaTypes(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, http.MethodGet, "/schemas/types", nil, nil, &out)
	return out, err
}

// Ping checks that the registry answers (GET /, which answers {}).
func (c *Client) Ping(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/", nil, nil, nil)
}
