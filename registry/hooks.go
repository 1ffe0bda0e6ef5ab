package registry

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Hook is any value that implements one or more of the Hook* interfaces of
// this package ([HookRequest], [HookCache]); [WithHooks] installs them.
// Hooks run synchronously on the goroutine that caused the event, must not
// block, and must not retain the event past the call. Adapters
// (plugin/srkitprom, plugin/srkitotel) implement every Hook* interface of
// srkit's packages in one value.
type Hook any

// HookRequest is called once per logical request to the registry — after
// its last attempt, whatever the retries and failovers in between. Calls
// that fail before sending anything (a closed client, a body that does not
// encode) and calls answered from the cache report no request.
type HookRequest interface {
	OnRequest(RequestEvent)
}

// HookCache is called on every lookup of the client's caches (a hit or a
// miss) and on every eviction.
type HookCache interface {
	OnCache(CacheEvent)
}

// RequestEvent describes one logical request: one call of a [Client]
// method (or [Client.Do]) that went to the registry, with all its attempts.
// It holds no URL, query, body or credential.
type RequestEvent struct {
	// Method is the HTTP method.
	Method string
	// Endpoint is the path template, such as "/schemas/ids/{id}" or
	// "/subjects/{subject}/versions/{version}": subject names, IDs and
	// versions are replaced by placeholders, so that it can label metrics.
	// A call in a schema context starts with "/contexts/{context}".
	Endpoint string
	// Status is the HTTP status of the last attempt; 0 when no answer came
	// (a transport error, an ended context).
	Status int
	// ErrorCode is the registry's error code of a failed answer (40403,
	// 50001, ...); 0 on success and when no answer came.
	ErrorCode ErrorCode
	// Attempts is how many HTTP requests the call made (1 without retries
	// or failovers).
	Attempts int
	// Duration is the time from the first attempt to the end of the last,
	// backoff waits included.
	Duration time.Duration
	// Err is the call's error (credentials redacted); nil on success.
	Err error
}

// CacheName names one of the client's caches in [CacheEvent]s.
type CacheName string

// The client's caches.
const (
	CacheByID           CacheName = "schema_by_id"   // SchemaByID
	CacheByGUID         CacheName = "schema_by_guid" // SchemaByGUID
	CacheRegistered     CacheName = "registered"     // Register
	CacheLookup         CacheName = "lookup"         // LookupSchema
	CacheByVersion      CacheName = "version"        // SchemaByVersion, numbered versions
	CacheLatest         CacheName = "latest"         // LatestSchema, SchemaByVersion(Latest)
	CacheLatestMetadata CacheName = "latest_metadata"
)

// CacheOutcome is what happened in a cache.
type CacheOutcome string

// Cache outcomes.
const (
	// CacheHit: the answer came from the cache (a cached "not found"
	// counts too); no request was made.
	CacheHit CacheOutcome = "hit"
	// CacheMiss: the entry was absent or expired; the call asked the
	// registry (or waited for a concurrent call that did).
	CacheMiss CacheOutcome = "miss"
	// CacheEviction: a full cache dropped an entry to make room.
	CacheEviction CacheOutcome = "eviction"
)

// CacheEvent describes one cache lookup or eviction.
type CacheEvent struct {
	Cache   CacheName
	Outcome CacheOutcome
}

// WithHooks installs hooks: each must implement at least one Hook*
// interface of this package ([HookRequest], [HookCache]), else New fails.
// Repeated calls add up. With no hooks, reporting costs nothing; with
// hooks, an event is a struct passed by value (no allocation).
func WithHooks(hooks ...Hook) Option {
	return func(s *settings) error {
		for _, h := range hooks {
			_, req := h.(HookRequest)
			_, ca := h.(HookCache)
			if !req && !ca {
				return fmt.Errorf("registry: WithHooks: %T implements no registry Hook interface (HookRequest, HookCache)", h)
			}
			s.hooks = append(s.hooks, h)
		}
		return nil
	}
}

// installHooks sorts the hooks into the client's per-interface slices and
// names its caches.
func (c *Client) installHooks(hooks []Hook) {
	var ch []HookCache
	for _, h := range hooks {
		if r, ok := h.(HookRequest); ok {
			c.requestHooks = append(c.requestHooks, r)
		}
		if r, ok := h.(HookCache); ok {
			ch = append(ch, r)
		}
	}
	c.byID.plain.observe(CacheByID, ch)
	c.byID.keyed.observe(CacheByID, ch)
	c.byGUID.observe(CacheByGUID, ch)
	c.registered.observe(CacheRegistered, ch)
	c.lookedUp.observe(CacheLookup, ch)
	c.byVersion.observe(CacheByVersion, ch)
	c.latest.observe(CacheLatest, ch)
	c.latestMeta.observe(CacheLatestMetadata, ch)
}

func (c *cache[K, V]) observe(name CacheName, hooks []HookCache) {
	c.name, c.hooks = name, hooks
}

// note reports o to the cache's hooks.
func (c *cache[K, V]) note(o CacheOutcome) {
	for _, h := range c.hooks {
		h.OnCache(CacheEvent{Cache: c.name, Outcome: o})
	}
}

// reportRequest tells the request hooks about one logical request.
func (c *Client) reportRequest(method, path string, start time.Time, res sendResult, err error) {
	ev := RequestEvent{Method: method, Endpoint: endpointTemplate(path), Status: res.status,
		Attempts: res.attempts, Duration: time.Since(start), Err: err}
	var re *Error
	if err != nil && errors.As(err, &re) {
		ev.Status, ev.ErrorCode = re.StatusCode, re.Code
	}
	for _, h := range c.requestHooks {
		h.OnRequest(ev)
	}
}

// placeholders maps a path segment to the name of the parameter that
// follows it; a segment not listed and not after one of these is literal.
var placeholders = map[string]string{
	"contexts":  "{context}",
	"subjects":  "{subject}",
	"versions":  "{version}",
	"ids":       "{id}",
	"guids":     "{guid}",
	"config":    "{subject}",
	"mode":      "{subject}",
	"keks":      "{kek}",
	"deks":      "{subject}",
	"resources": "{namespace}",
}

// literals are the fixed segments of the registry's and the DEK
// registry's paths.
var literals = map[string]bool{
	"schemas": true, "ids": true, "guids": true, "subjects": true, "versions": true, "schema": true,
	"referencedby": true, "types": true, "config": true, "mode": true, "contexts": true, "metadata": true,
	"compatibility": true, "associations": true, "resources": true, "dek-registry": true, "v1": true,
	"keks": true, "deks": true, "undelete": true, "test": true, "exporters": true, "status": true,
}

// endpointTemplate turns a request path (with or without query) into its
// template: every segment that is not one of the API's fixed words becomes
// a placeholder, so that subject names and IDs never become labels.
func endpointTemplate(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" || path == "/" {
		return "/"
	}
	var b strings.Builder
	b.Grow(len(path) + 16)
	prev := ""
	for seg := range strings.SplitSeq(strings.TrimPrefix(path, "/"), "/") {
		b.WriteByte('/')
		switch ph, after := placeholders[prev]; {
		case after && prev != "":
			b.WriteString(ph)
			prev = ph
			continue
		case literals[seg]:
			b.WriteString(seg)
		case prev == "{namespace}":
			b.WriteString("{name}")
		default:
			b.WriteString("{param}")
		}
		prev = seg
	}
	return b.String()
}
