package registry

import (
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/srkit-go/srkit/internal/flight"
)

// Cache keys. Keys hold the caller's strings as they are, so that building
// one allocates nothing; the context is the normalized context the request
// ran in, and subjects are compared across spellings (qualified or
// prefixed) only when invalidating.

type idKey struct {
	ctx, format string
	subject     string // the SubjectHint: 8.x answers with that subject's version
	id          int
}

func (k *idKey) hash() uint64 { return mix64(uint64(k.id)) }

// idCache keeps schemas by ID. The common case, the default context
// without a format or subject hint, is keyed by the ID alone: the cheapest key to hash on
// the deserializer's hot path.
type idCache struct {
	plain *cache[int, SubjectSchema]
	keyed *cache[idKey, SubjectSchema]
}

func newIDCache(n int) *idCache {
	return &idCache{plain: newCache[int, SubjectSchema](n), keyed: newCache[idKey, SubjectSchema](n)}
}

func (c *idCache) get(k idKey, h uint64) *entry[SubjectSchema] {
	if k.ctx == "" && k.format == "" && k.subject == "" {
		return c.plain.get(k.id, h)
	}
	return c.keyed.get(k, h)
}

func (c *idCache) put(k idKey, h uint64, e *entry[SubjectSchema]) {
	if k.ctx == "" && k.format == "" && k.subject == "" {
		c.plain.put(k.id, h, e)
		return
	}
	c.keyed.put(k, h, e)
}

func (c *idCache) clear() {
	c.plain.clear()
	c.keyed.clear()
}

func (c *idCache) len() int { return c.plain.len() + c.keyed.len() }

// dropMissing removes the "not found" answers for id, in every context.
func (c *idCache) dropMissing(id int) {
	c.plain.deleteIf(func(k int, e *entry[SubjectSchema]) bool { return e.err != nil && k == id })
	c.keyed.deleteIf(func(k idKey, e *entry[SubjectSchema]) bool { return e.err != nil && k.id == id })
}

// dropContext removes the entries of the context name.
func (c *idCache) dropContext(name string) {
	if name == "" {
		c.plain.clear()
	}
	c.keyed.deleteIf(func(k idKey, _ *entry[SubjectSchema]) bool { return k.ctx == name })
}

type guidKey struct{ format, guid string }

type versionKey struct {
	ctx, subject, format string
	version              int
	deleted              bool
}

type schemaKey struct {
	ctx, subject, format string
	schema               string
	schemaType           SchemaType
	extra                string // JSON of references, metadata and rule set; "" when all are empty
	normalize, deleted   bool
}

type metaKey struct {
	ctx, subject, format string
	md                   uint64 // order-independent hash of the metadata pairs
	deleted              bool
}

// metaValue is a latest-with-metadata answer with the metadata it was
// asked for, to tell hash collisions apart.
type metaValue struct {
	ss SubjectSchema
	md map[string]string
}

func (c *Client) strHash(s string) uint64 { return maphash.String(c.seed, s) }

func (c *Client) versionHash(k *versionKey) uint64 {
	return c.strHash(k.subject) ^ mix64(uint64(k.version))
}

func (c *Client) schemaHash(k *schemaKey) uint64 {
	return c.strHash(k.subject) ^ mix64(uint64(len(k.schema)))
}

// metadataHash hashes metadata pairs independently of map order.
func (c *Client) metadataHash(md map[string]string) uint64 {
	var h uint64
	for k, v := range md {
		h += mix64(c.strHash(k) ^ mix64(c.strHash(v)))
	}
	return h
}

func sameMetadata(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// newSchemaKey builds the key of a register or lookup call. Only schemas
// with references, metadata or rules allocate (for the JSON of those).
func newSchemaKey(ctxName, subject string, s *Schema, p *params) (schemaKey, error) {
	k := schemaKey{
		ctx: ctxName, subject: subject, format: p.format,
		schema: s.Schema, schemaType: s.SchemaType.Normalized(),
		normalize: p.normalize, deleted: p.deleted,
	}
	if len(s.References) > 0 || s.Metadata != nil || s.RuleSet != nil {
		b, err := json.Marshal(struct {
			R []Reference `json:"r"`
			M *Metadata   `json:"m"`
			S *RuleSet    `json:"s"`
		}{s.References, s.Metadata, s.RuleSet})
		if err != nil {
			return k, err
		}
		k.extra = string(b)
	}
	return k, nil
}

// flightKey builds an unambiguous singleflight key from parts.
func flightKey(kind byte, parts ...string) string {
	var b strings.Builder
	b.WriteByte(kind)
	for _, p := range parts {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// fresh reports whether an entry with expiry exp is still valid.
func (c *Client) fresh(exp int64) bool { return exp == 0 || c.now().UnixNano() < exp }

// expiry returns the expiry for a TTL: 0 (never) for a negative TTL.
func (c *Client) expiry(ttl time.Duration) int64 {
	if ttl < 0 {
		return 0
	}
	return c.now().Add(ttl).UnixNano()
}

// isMissing reports whether err is a "not found" answer worth caching: the
// registry's own JSON 40401, 40402 or 40403 with status 404, never an
// outage (a proxy's 404 page, a 5xx, a transport error).
func isMissing(err error) bool {
	if errors.Is(err, ErrUnavailable) {
		return false
	}
	return errors.Is(err, ErrSubjectNotFound) || errors.Is(err, ErrVersionNotFound) || errors.Is(err, ErrSchemaNotFound)
}

// sharedFetch runs fn once for all concurrent callers of key (internal/flight).
// Each caller waits with its own ctx; a fetch aborted by another caller's
// ctx is redone.
func sharedFetch(c *Client, ctx context.Context, key string, fn func(context.Context) (SubjectSchema, error)) (SubjectSchema, error) {
	v, err := c.sf.Do(ctx, key, fn)
	var we *flight.WaitError
	if errors.As(err, &we) {
		return v, &abortedError{ctxErr: we.Err, op: "waiting for a shared request"}
	}
	return v, err
}
