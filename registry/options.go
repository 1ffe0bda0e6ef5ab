package registry

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Defaults of a [Client]. The retry defaults are Confluent's (Java, Go and
// JavaScript clients): 3 retries, 1 s initial wait, 20 s maximum wait.
const (
	DefaultMaxRetries     = 3
	DefaultRetryWait      = time.Second
	DefaultRetryMaxWait   = 20 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	DefaultCacheCapacity  = 1000
	// DefaultLatestTTL is how long latest versions (and latest versions by
	// metadata) stay cached: a version registered elsewhere reaches
	// use-latest serializers within a minute, for one request per subject
	// per minute.
	DefaultLatestTTL = time.Minute
	// DefaultNegativeTTL is how long "not found" answers (40401, 40402,
	// 40403) stay cached, so that a flood of records with an unknown ID
	// does not become a flood of requests.
	DefaultNegativeTTL = 5 * time.Second
	// DefaultStaleIfError is how long past its expiry a cached latest
	// version (or latest version by metadata) is still served while the
	// registry is unavailable (see [StaleIfError]).
	DefaultStaleIfError = time.Hour
	// DefaultUserAgent is the User-Agent the client sends.
	DefaultUserAgent = "srkit-go"
)

// Option configures a [Client].
type Option func(*settings) error

// settings collects the options before New builds the client.
type settings struct {
	urls []string

	basicUser, basicPass string
	hasBasic             bool
	bearer               string
	oauth                *oauthSettings
	tokenSource          oauth2.TokenSource
	headerProvider       HeaderProvider
	logicalCluster       string
	identityPool         string
	headers              http.Header

	tlsConfig                *tls.Config
	caFile, certFile         string
	keyFile                  string
	skipHostnameVerification bool
	httpClient               *http.Client
	connectTimeout           time.Duration
	requestTimeout           time.Duration
	userAgent                string

	maxRetries   int
	retryWait    time.Duration
	retryMaxWait time.Duration

	cacheCapacity int
	latestTTL     time.Duration
	staleIfError  time.Duration
	missingIDTTL  time.Duration
	missingVerTTL time.Duration
	missingSchTTL time.Duration
	logger        *slog.Logger
	now           func() time.Time
	context       string
	hasContextOpt bool
	hasAuth       bool // an auth option was given (it beats URL user info)
	hooks         []Hook
}

type oauthSettings struct {
	tokenURL, clientID, clientSecret string
	scopes                           []string
	httpClient                       *http.Client
}

func defaultSettings() settings {
	return settings{
		requestTimeout: DefaultRequestTimeout,
		userAgent:      DefaultUserAgent,
		maxRetries:     DefaultMaxRetries,
		retryWait:      DefaultRetryWait,
		retryMaxWait:   DefaultRetryMaxWait,
		cacheCapacity:  DefaultCacheCapacity,
		latestTTL:      DefaultLatestTTL,
		staleIfError:   DefaultStaleIfError,
		missingIDTTL:   DefaultNegativeTTL,
		missingVerTTL:  DefaultNegativeTTL,
		missingSchTTL:  DefaultNegativeTTL,
		now:            time.Now,
		logger:         slog.Default(),
	}
}

// resetAuth forgets the auth given so far: of the auth options
// (BasicAuth, BearerToken, OAuthClientCredentials, TokenSource, AuthHeader)
// the last one wins, so options can override auth read from properties.
func (s *settings) resetAuth() {
	s.basicUser, s.basicPass, s.hasBasic = "", "", false
	s.bearer, s.oauth, s.tokenSource, s.headerProvider = "", nil, nil, nil
	s.hasAuth = true
}

// URLs sets the registry base URLs (e.g.
// "https://psrc-xxxx.europe-west3.gcp.confluent.cloud"); each argument may
// itself be a comma-separated list. Requests go to the first URL and fail
// over to the next on transport errors and 5xx answers; the client then
// sticks to the URL that answered. User info in a URL
// ("https://key:secret@host") becomes basic auth, as Confluent's URL
// credentials source does, and is removed from the URL.
func URLs(urls ...string) Option {
	return func(s *settings) error {
		s.urls = s.urls[:0]
		for _, u := range urls {
			for _, part := range strings.Split(u, ",") {
				part = strings.TrimRight(strings.TrimSpace(part), "/")
				if part != "" {
					s.urls = append(s.urls, part)
				}
			}
		}
		return nil
	}
}

// BasicAuth sends HTTP basic credentials with every request (a Confluent
// Cloud Schema Registry API key and secret).
func BasicAuth(user, password string) Option {
	return func(s *settings) error {
		s.resetAuth()
		s.basicUser, s.basicPass, s.hasBasic = user, password, true
		return nil
	}
}

// BearerToken sends "Authorization: Bearer token" with every request. The
// token is static: use [OAuthClientCredentials] or [TokenSource] for
// tokens that expire.
func BearerToken(token string) Option {
	return func(s *settings) error {
		if token == "" {
			return errors.New("registry: empty bearer token")
		}
		s.resetAuth()
		s.bearer = token
		return nil
	}
}

// OAuthClientCredentials fetches bearer tokens from the OAuth 2 token
// endpoint tokenURL with the client-credentials grant
// (golang.org/x/oauth2/clientcredentials) and refreshes each token when
// 80% of its lifetime has passed. Confluent Cloud also needs
// [LogicalCluster] and usually [IdentityPoolID].
func OAuthClientCredentials(tokenURL, clientID, clientSecret string, scopes ...string) Option {
	return func(s *settings) error {
		if tokenURL == "" || clientID == "" || clientSecret == "" {
			return errors.New("registry: OAuth client credentials need a token URL, a client ID and a client secret")
		}
		s.resetAuth()
		s.oauth = &oauthSettings{tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, scopes: scopes}
		return nil
	}
}

// OAuthHTTPClient makes [OAuthClientCredentials] call the token endpoint
// with hc (for example to trust a private CA). By default it uses a plain
// client with the request timeout, independent of the registry's TLS
// settings.
func OAuthHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if s.oauth == nil {
			return errors.New("registry: OAuthHTTPClient needs OAuthClientCredentials first")
		}
		s.oauth.httpClient = hc
		return nil
	}
}

// TokenSource sends "Authorization: Bearer <token>" with a token from ts
// on every request. ts is called per request: wrap it in
// [oauth2.ReuseTokenSource] if fetching is expensive.
func TokenSource(ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return errors.New("registry: nil oauth2.TokenSource")
		}
		s.resetAuth()
		s.tokenSource = ts
		return nil
	}
}

// AuthHeader makes the client take the Authorization header of every
// request from p (see [HeaderProvider]). Of the auth options ([BasicAuth],
// [BearerToken], [OAuthClientCredentials], [TokenSource], AuthHeader) the
// last one given wins.
func AuthHeader(p HeaderProvider) Option {
	return func(s *settings) error {
		if p == nil {
			return errors.New("registry: nil HeaderProvider")
		}
		s.resetAuth()
		s.headerProvider = p
		return nil
	}
}

// LogicalCluster sends Confluent Cloud's "target-sr-cluster" header (the
// Schema Registry cluster ID, "lsrc-xxxxx"), which bearer-token requests
// to Confluent Cloud need.
func LogicalCluster(id string) Option {
	return func(s *settings) error { s.logicalCluster = id; return nil }
}

// IdentityPoolID sends Confluent Cloud's "Confluent-Identity-Pool-Id"
// header (one pool ID, or several separated by commas).
func IdentityPoolID(id string) Option {
	return func(s *settings) error { s.identityPool = id; return nil }
}

// Header adds a header to every request. It cannot replace the headers
// the client manages (Authorization, Content-Type, Accept, User-Agent).
func Header(key, value string) Option {
	return func(s *settings) error {
		switch http.CanonicalHeaderKey(key) {
		case "Authorization", "Content-Type", "Accept", "User-Agent":
			return fmt.Errorf("registry: header %q is managed by the client", key)
		}
		if s.headers == nil {
			s.headers = http.Header{}
		}
		s.headers.Add(key, value)
		return nil
	}
}

// HTTPClient makes the client send its requests with hc. TLS options
// cannot be combined with it: configure TLS on hc's transport instead.
func HTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("registry: nil *http.Client")
		}
		s.httpClient = hc
		return nil
	}
}

// TLSConfig sets the TLS configuration of the client's own transport. The
// config is cloned. Certificate verification stays on unless cfg turns
// it off.
func TLSConfig(cfg *tls.Config) Option {
	return func(s *settings) error {
		if cfg == nil {
			return errors.New("registry: nil *tls.Config")
		}
		s.tlsConfig = cfg.Clone()
		return nil
	}
}

// TLSFiles trusts the PEM CA certificates in caFile (instead of the system
// roots) and, when certFile and keyFile are set, presents that client
// certificate. Any of the three may be empty.
func TLSFiles(caFile, certFile, keyFile string) Option {
	return func(s *settings) error {
		if (certFile == "") != (keyFile == "") {
			return errors.New("registry: a client certificate needs both a certificate file and a key file")
		}
		s.caFile, s.certFile, s.keyFile = caFile, certFile, keyFile
		return nil
	}
}

// SkipHostnameVerification still verifies the server's certificate chain
// but not that it names the host, as Confluent's
// ssl.endpoint.identification.algorithm="" does. Use only for tests.
func SkipHostnameVerification() Option {
	return func(s *settings) error { s.skipHostnameVerification = true; return nil }
}

// ConnectTimeout bounds the TCP connect of the client's own transport.
func ConnectTimeout(d time.Duration) Option {
	return func(s *settings) error { s.connectTimeout = d; return nil }
}

// RequestTimeout bounds each HTTP attempt (default [DefaultRequestTimeout]).
// Zero means no per-attempt limit: only ctx bounds the call.
func RequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("registry: negative request timeout")
		}
		s.requestTimeout = d
		return nil
	}
}

// UserAgent sets the User-Agent header (default [DefaultUserAgent]).
func UserAgent(ua string) Option {
	return func(s *settings) error { s.userAgent = ua; return nil }
}

// Retries sets how often a request is retried on 408, 429, 500, 502, 503,
// 504 and transport errors (maxRetries, 0 = never) and the bounds of the
// exponential backoff with full jitter: the n-th retry waits a random time
// in [0, min(maxWait, initial·2ⁿ)]. A Retry-After header is honoured
// (never retried sooner) when it is not longer than maxWait; a longer one
// ends the call with the server's error. No wait runs past ctx's deadline.
func Retries(maxRetries int, initial, maxWait time.Duration) Option {
	return func(s *settings) error {
		if maxRetries < 0 || initial < 0 || maxWait < initial {
			return errors.New("registry: retries need maxRetries >= 0 and 0 <= initial <= maxWait")
		}
		s.maxRetries, s.retryWait, s.retryMaxWait = maxRetries, initial, maxWait
		return nil
	}
}

// CacheCapacity bounds each of the client's caches (by ID, by GUID, by
// subject and schema, by subject and version, latest, latest with
// metadata) to about n entries (default [DefaultCacheCapacity]).
func CacheCapacity(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return errors.New("registry: cache capacity must be at least 1")
		}
		s.cacheCapacity = n
		return nil
	}
}

// LatestTTL sets how long latest versions and latest versions by metadata
// stay cached (default [DefaultLatestTTL]). Zero disables that cache; a
// negative value keeps them until evicted or cleared.
func LatestTTL(d time.Duration) Option {
	return func(s *settings) error { s.latestTTL = d; return nil }
}

// StaleIfError makes the client serve the last known latest version of a
// subject (and latest version by metadata) for up to maxStale past its
// expiry when refreshing it fails because the registry is unavailable (an
// error matching [ErrUnavailable]: transport errors, timeouts, 5xx, 401,
// 403, an answer that is not the registry's), as RFC 5861's stale-if-error
// does for HTTP caches (default [DefaultStaleIfError]; zero disables it).
// Use-latest serializers so keep writing through an outage with the version
// they last saw. A real answer ends it at once: a "not found" from the
// registry is returned (and cached) as usual, and a new version is picked
// up as soon as the registry answers.
//
// While serving stale, the client asks the registry again once per latest
// TTL; the first call after each expiry waits for that request (with the
// client's retries), later calls are served from the cache. The client
// logs at Warn level when it starts serving a subject's latest version
// stale and at Info level when the registry answers again. It needs the
// latest cache ([LatestTTL] above zero).
func StaleIfError(maxStale time.Duration) Option {
	return func(s *settings) error {
		if maxStale < 0 {
			return errors.New("registry: negative StaleIfError")
		}
		s.staleIfError = maxStale
		return nil
	}
}

// NegativeTTL sets how long "not found" answers (subject 40401, version
// 40402, schema 40403) stay cached (default [DefaultNegativeTTL]); zero
// disables negative caching. Registering, deleting or changing config
// through this client drops the negative answers it makes stale.
func NegativeTTL(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("registry: negative NegativeTTL")
		}
		s.missingIDTTL, s.missingVerTTL, s.missingSchTTL = d, d, d
		return nil
	}
}

// WithClock replaces time.Now for cache expiry, stale-on-error bounds and
// token refresh (for tests).
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("registry: nil clock")
		}
		s.now = now
		return nil
	}
}

// WithLogger makes the client log to l (default [slog.Default]; pass
// slog.New(slog.DiscardHandler) to silence it): retries and failovers at
// Warn level, and serving a latest version stale (Warn) and the end of it
// (Info; see [StaleIfError]). Log lines carry the method, the URL without
// credentials, the attempt and the error; never a credential.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("registry: nil logger")
		}
		s.logger = l
		return nil
	}
}

// DefaultContext makes every call run in the schema context name (for
// example ".staging") unless the call names another with [InContext].
func DefaultContext(name string) Option {
	return func(s *settings) error {
		if strings.Contains(strings.Trim(name, ":"), ":") {
			return fmt.Errorf("registry: invalid context name %q", name)
		}
		s.context, s.hasContextOpt = normalizeContext(name), true
		return nil
	}
}

// LatestCacheTTL returns how long the client keeps latest versions cached
// ([LatestTTL]; zero: not cached, negative: until evicted). Callers that
// would re-check the latest version per message can check it this often
// instead, as serde's use-latest serializers do.
func (c *Client) LatestCacheTTL() time.Duration { return c.latestTTL }

// Now returns the time by the client's clock ([WithClock]), the one its
// cache expiry uses.
func (c *Client) Now() time.Time { return c.now() }
