package registry

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/srkit-go/srkit/internal/flight"
)

// Client talks to a Confluent-compatible Schema Registry over its REST API.
// It is safe for concurrent use. Create one with [New] or
// [NewFromProperties] and share it: its caches make repeated lookups free.
//
// Values a Client returns from its caches (a [SubjectSchema]'s References,
// Metadata and RuleSet, the strings in it) share memory with the cache and
// with other callers: treat them as read-only.
type Client struct {
	urls      []string // base URLs without credentials or trailing slash
	preferred atomic.Int32
	hc        *http.Client
	transport *http.Transport // the client's own transport; nil with HTTPClient
	userAgent string
	auth      authProvider
	headers   http.Header // extra headers for every request
	red       redactor
	logger    *slog.Logger
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error // backoff waits; replaced in tests
	closed    atomic.Bool

	context   string // normalized default context
	ctxPrefix string // "/contexts/{context}" or ""

	requestTimeout time.Duration
	maxRetries     int
	retryWait      time.Duration
	retryMaxWait   time.Duration

	latestTTL     time.Duration
	staleIfError  time.Duration
	missingIDTTL  time.Duration
	missingVerTTL time.Duration
	missingSchTTL time.Duration

	seed maphash.Seed
	sf   flight.Group[string, SubjectSchema]
	inv  sync.RWMutex // orders invalidations and fills; see invalidate.go
	gen  uint64       // invalidation generation, guarded by inv

	byID       *idCache
	byGUID     *cache[guidKey, SubjectSchema]
	registered *cache[schemaKey, SubjectSchema]
	lookedUp   *cache[schemaKey, SubjectSchema]
	byVersion  *cache[versionKey, SubjectSchema]
	latest     *cache[versionKey, SubjectSchema]
	latestMeta *cache[metaKey, metaValue]

	requestHooks []HookRequest // see hooks.go
}

// New returns a client for the registry at the URLs given with [URLs].
func New(opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	return newClient(&s)
}

func newClient(s *settings) (*Client, error) {
	if len(s.urls) == 0 {
		return nil, errors.New("registry: no URL configured")
	}
	c := &Client{
		userAgent:      s.userAgent,
		logger:         s.logger,
		now:            s.now,
		context:        s.context,
		ctxPrefix:      contextPrefixFor(s.context),
		requestTimeout: s.requestTimeout,
		maxRetries:     s.maxRetries,
		retryWait:      s.retryWait,
		retryMaxWait:   s.retryMaxWait,
		latestTTL:      s.latestTTL,
		staleIfError:   s.staleIfError,
		missingIDTTL:   s.missingIDTTL,
		missingVerTTL:  s.missingVerTTL,
		missingSchTTL:  s.missingSchTTL,
		seed:           maphash.MakeSeed(),
		sleep:          sleepCtx,
	}
	urlUser, err := parseURLs(s.urls)
	if err != nil {
		return nil, err
	}
	c.urls = s.urls
	if urlUser != nil && !s.hasAuth {
		pass, _ := urlUser.Password()
		s.basicUser, s.basicPass, s.hasBasic = urlUser.Username(), pass, true
	}
	var auth authProvider
	auth, err = newAuth(s, s.requestTimeout)
	if err != nil {
		return nil, err
	}
	c.auth = auth
	c.red = redactor{auth: auth}
	if urlUser != nil {
		if pass, ok := urlUser.Password(); ok {
			c.red.static = append(c.red.static, pass)
		}
	}

	tlsCfg, err := buildTLS(s)
	if err != nil {
		return nil, err
	}
	if s.httpClient != nil {
		if tlsCfg != nil || s.connectTimeout > 0 {
			return nil, errors.New("registry: TLS and connect-timeout options cannot be combined with HTTPClient; configure them on its transport")
		}
		c.hc = s.httpClient
	} else {
		c.transport = newTransport(s, tlsCfg)
		c.hc = &http.Client{Transport: c.transport}
	}

	c.headers = s.headers.Clone()
	if c.headers == nil {
		c.headers = http.Header{}
	}
	if s.logicalCluster != "" {
		c.headers.Set("Target-Sr-Cluster", s.logicalCluster)
	}
	if s.identityPool != "" {
		c.headers.Set("Confluent-Identity-Pool-Id", s.identityPool)
	}

	n := s.cacheCapacity
	c.byID = newIDCache(n)
	c.byGUID = newCache[guidKey, SubjectSchema](n)
	c.registered = newCache[schemaKey, SubjectSchema](n)
	c.lookedUp = newCache[schemaKey, SubjectSchema](n)
	c.byVersion = newCache[versionKey, SubjectSchema](n)
	c.latest = newCache[versionKey, SubjectSchema](n)
	c.latestMeta = newCache[metaKey, metaValue](n)
	c.installHooks(s.hooks)
	return c, nil
}

// parseURLs checks the base URLs and strips their user info (returning the
// first URL's), in place.
func parseURLs(urls []string) (*url.Userinfo, error) {
	var urlUser *url.Userinfo
	for i, raw := range urls {
		pu, err := url.Parse(raw)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return nil, fmt.Errorf("registry: invalid URL %q: want http(s)://host[:port][/path]", scrubURL(raw))
		}
		if strings.Contains(pu.Path+pu.RawPath+pu.RawQuery+pu.Fragment, "@") {
			// A password with an unescaped "/", "?" or "#" ends the host
			// early and puts the rest of the user info in the path.
			return nil, fmt.Errorf("registry: invalid URL %q: \"@\" after the host; percent-encode \"/\", \"?\", \"#\" and \"@\" in user info (%%2F, %%3F, %%23, %%40)", scrubURL(raw))
		}
		if pu.User != nil {
			if urlUser == nil {
				urlUser = pu.User
			}
			pu.User = nil
		}
		if pu.RawQuery != "" || pu.Fragment != "" {
			return nil, fmt.Errorf("registry: URL %q must not have a query or fragment", pu.Redacted())
		}
		urls[i] = strings.TrimRight(pu.String(), "/")
	}
	return urlUser, nil
}

// scrubURL removes anything that may be user info from a URL that did not
// parse or has user info where it does not belong, so that it can go into
// an error: everything between the scheme and the last "@" goes, wherever
// that "@" is (a password may hold "/", "?" or "#" unescaped).
func scrubURL(raw string) string {
	rest := raw
	scheme := ""
	if i := strings.Index(raw, "://"); i >= 0 {
		scheme, rest = raw[:i+3], raw[i+3:]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "[redacted]@" + rest[at+1:]
	}
	return scheme + rest
}

// Close releases the client's idle connections. The client keeps no
// background goroutines (cache entries expire lazily, OAuth tokens are
// refreshed on use), so there is nothing else to stop. After Close, calls
// that need the registry fail with [ErrClosed]; cached answers are still
// served.
func (c *Client) Close() error {
	c.closed.Store(true)
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
	return nil
}

// ClearCaches drops everything the client has cached.
func (c *Client) ClearCaches() { c.clearAll() }

// ClearSubject drops what the client has cached about subject (its
// versions, latest versions, register and lookup answers). Honours
// [InContext]. Schemas cached by ID or GUID are kept: they never change.
func (c *Client) ClearSubject(subject string, ps ...Param) {
	p := collect(ps)
	c.invalidateSubject(c.callContext(&p), subject, dropAll)
}
