package registry

import (
	"strconv"
	"strings"
	"time"
)

// PropertyError is a bad key or value given to [NewFromProperties]. It
// names the key and never quotes a credential.
type PropertyError struct {
	Key    string
	Reason string
}

// Error implements error.
func (e *PropertyError) Error() string {
	return "registry: property " + strconv.Quote(e.Key) + ": " + e.Reason
}

// javaPrefix is the prefix Java users write in front of the client's keys
// (schema.registry.basic.auth.user.info).
const javaPrefix = "schema.registry."

// property is one key [NewFromProperties] takes. The table below is the
// only list of keys: it drives validation, the prefix rule,
// [IsClientProperty] and the doc comment of NewFromProperties (a test
// checks that the comment names every key and no other).
type property struct {
	key   string
	alias string // another spelling of key ("url")
	// apply sets the value; nil for keys read together with others (auth,
	// TLS files), which applyAuth and applyTLSFiles read.
	apply func(s *settings, key, v string) error
}

var properties = []property{
	{key: "schema.registry.url", alias: "url", apply: func(s *settings, _, v string) error { return URLs(v)(s) }},
	{key: "basic.auth.credentials.source"},
	{key: "basic.auth.user.info"},
	{key: "bearer.auth.credentials.source"},
	{key: "bearer.auth.token"},
	{key: "bearer.auth.client.id"},
	{key: "bearer.auth.client.secret"},
	{key: "bearer.auth.issuer.endpoint.url"},
	{key: "bearer.auth.scope"},
	{key: "bearer.auth.logical.cluster", apply: text(func(s *settings) *string { return &s.logicalCluster })},
	{key: "bearer.auth.identity.pool.id", apply: text(func(s *settings) *string { return &s.identityPool })},
	{key: "ssl.ca.location"},
	{key: "ssl.certificate.location"},
	{key: "ssl.key.location"},
	{key: "ssl.endpoint.identification.algorithm", apply: hostnameVerification},
	{key: "max.retries", apply: count(func(s *settings) *int { return &s.maxRetries })},
	{key: "retries.wait.ms", apply: millis(func(s *settings) *time.Duration { return &s.retryWait })},
	{key: "retries.max.wait.ms", apply: millis(func(s *settings) *time.Duration { return &s.retryMaxWait })},
	{key: "request.timeout.ms", apply: millis(func(s *settings) *time.Duration { return &s.requestTimeout })},
	{key: "connection.timeout.ms", apply: millis(func(s *settings) *time.Duration { return &s.connectTimeout })},
	{key: "cache.capacity", apply: capacity},
	{key: "cache.latest.ttl.sec", apply: seconds(true, func(s *settings) *time.Duration { return &s.latestTTL })},
	{key: "cache.latest.stale.if.error.sec", apply: seconds(false, func(s *settings) *time.Duration { return &s.staleIfError })},
	{key: "missing.id.cache.ttl.sec", apply: seconds(false, func(s *settings) *time.Duration { return &s.missingIDTTL })},
	{key: "missing.version.cache.ttl.sec", apply: seconds(false, func(s *settings) *time.Duration { return &s.missingVerTTL })},
	{key: "missing.schema.cache.ttl.sec", apply: seconds(false, func(s *settings) *time.Duration { return &s.missingSchTTL })},
	{key: "schema.context", apply: func(s *settings, key, v string) error {
		if err := DefaultContext(v)(s); err != nil {
			return &PropertyError{Key: key, Reason: err.Error()}
		}
		return nil
	}},
}

// lookupProperty returns the canonical key of key (with or without the
// "schema.registry." prefix, or an alias).
func lookupProperty(key string) (string, bool) {
	k := strings.TrimSpace(key)
	for pass := 0; pass < 2; pass++ {
		for i := range properties {
			if p := &properties[i]; k == p.key || (p.alias != "" && k == p.alias) {
				return p.key, true
			}
		}
		rest, ok := strings.CutPrefix(k, javaPrefix)
		if !ok {
			break
		}
		k = rest
	}
	return "", false
}

// IsClientProperty reports whether key, with or without the
// "schema.registry." prefix, is one of the client's properties (see
// [NewFromProperties]). Callers splitting a full Confluent config map
// between the registry client and the serializers use it.
func IsClientProperty(key string) bool {
	_, ok := lookupProperty(key)
	return ok
}

// NewFromProperties builds a client from Confluent-style properties, the
// keys Confluent's clients take (confluent-kafka-go's schemaregistry
// config and the Java serializers' schema.registry.* settings):
//
//	schema.registry.url (or url)         comma-separated base URLs
//	basic.auth.credentials.source         USER_INFO or URL (SASL_INHERIT is not supported)
//	basic.auth.user.info                  key:secret
//	bearer.auth.credentials.source        STATIC_TOKEN or OAUTHBEARER
//	bearer.auth.token                     the static token
//	bearer.auth.client.id, bearer.auth.client.secret,
//	bearer.auth.issuer.endpoint.url, bearer.auth.scope   OAuth client credentials
//	bearer.auth.logical.cluster           target-sr-cluster header (lsrc-...)
//	bearer.auth.identity.pool.id          Confluent-Identity-Pool-Id header
//	ssl.ca.location, ssl.certificate.location, ssl.key.location   PEM files
//	ssl.endpoint.identification.algorithm "https" (default) or "" / "none" to skip host-name checks
//	max.retries, retries.wait.ms, retries.max.wait.ms, request.timeout.ms, connection.timeout.ms
//	cache.capacity                        per cache; 0 or less means the default (1000)
//	cache.latest.ttl.sec                  -1 keeps latest versions until evicted, 0 does not cache them
//	cache.latest.stale.if.error.sec       see StaleIfError; 0 disables (srkit's own key)
//	missing.id.cache.ttl.sec, missing.version.cache.ttl.sec, missing.schema.cache.ttl.sec
//	schema.context                        default schema context (srkit's own key)
//
// Every key may also carry the "schema.registry." prefix Java users write
// (schema.registry.basic.auth.user.info). An unknown key is an error that
// names it. opts are applied after the properties and override them.
func NewFromProperties(props map[string]string, opts ...Option) (*Client, error) {
	s := defaultSettings()
	if err := applyProperties(&s, props); err != nil {
		return nil, err
	}
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

func applyProperties(s *settings, props map[string]string) error {
	p := make(map[string]string, len(props))
	for raw, v := range props {
		k, ok := lookupProperty(raw)
		if !ok {
			return &PropertyError{Key: raw, Reason: "unknown key"}
		}
		if _, dup := p[k]; dup {
			return &PropertyError{Key: raw, Reason: "given twice (with and without the schema.registry. prefix)"}
		}
		p[k] = strings.TrimSpace(v)
	}
	for i := range properties {
		e := &properties[i]
		if v, ok := p[e.key]; ok && e.apply != nil {
			if err := e.apply(s, e.key, v); err != nil {
				return err
			}
		}
	}
	if err := applyAuth(s, p); err != nil {
		return err
	}
	if err := applyTLSFiles(s, p); err != nil {
		return err
	}
	if s.retryMaxWait < s.retryWait {
		return &PropertyError{Key: "retries.max.wait.ms", Reason: "must not be less than retries.wait.ms"}
	}
	if len(s.urls) == 0 {
		return &PropertyError{Key: "schema.registry.url", Reason: "required"}
	}
	return nil
}

// Value readers of the table.

func text(field func(*settings) *string) func(*settings, string, string) error {
	return func(s *settings, _, v string) error { *field(s) = v; return nil }
}

func count(field func(*settings) *int) func(*settings, string, string) error {
	return func(s *settings, key, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &PropertyError{Key: key, Reason: "want a whole number >= 0, not " + strconv.Quote(v)}
		}
		*field(s) = n
		return nil
	}
}

func millis(field func(*settings) *time.Duration) func(*settings, string, string) error {
	return func(s *settings, key, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &PropertyError{Key: key, Reason: "want a whole number of milliseconds >= 0, not " + strconv.Quote(v)}
		}
		*field(s) = time.Duration(n) * time.Millisecond
		return nil
	}
}

// seconds reads whole seconds; with never, a negative value means "never
// expires" (-1).
func seconds(never bool, field func(*settings) *time.Duration) func(*settings, string, string) error {
	return func(s *settings, key, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || (n < 0 && !never) {
			return &PropertyError{Key: key, Reason: "want a whole number of seconds, not " + strconv.Quote(v)}
		}
		if n < 0 {
			*field(s) = -1
		} else {
			*field(s) = time.Duration(n) * time.Second
		}
		return nil
	}
}

func capacity(s *settings, key, v string) error {
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return &PropertyError{Key: key, Reason: "want a whole number, not " + strconv.Quote(v)}
	}
	if n > 0 {
		s.cacheCapacity = n
	}
	return nil
}

func hostnameVerification(s *settings, key, v string) error {
	switch strings.ToLower(v) {
	case "https":
	case "", "none":
		s.skipHostnameVerification = true
	default:
		return &PropertyError{Key: key, Reason: "want https, none or empty"}
	}
	return nil
}

// applyTLSFiles reads the ssl.*.location keys together.
func applyTLSFiles(s *settings, p map[string]string) error {
	ca, cert, key := p["ssl.ca.location"], p["ssl.certificate.location"], p["ssl.key.location"]
	if ca == "" && cert == "" && key == "" {
		return nil
	}
	if err := TLSFiles(ca, cert, key)(s); err != nil {
		return &PropertyError{Key: "ssl.key.location", Reason: "ssl.certificate.location and ssl.key.location go together"}
	}
	return nil
}

// applyAuth reads the basic.auth.* and bearer.auth.* credential keys
// together.
func applyAuth(s *settings, p map[string]string) error {
	basicSrc := strings.ToUpper(p["basic.auth.credentials.source"])
	bearerSrc := strings.ToUpper(p["bearer.auth.credentials.source"])
	if basicSrc != "" && bearerSrc != "" {
		return &PropertyError{Key: "bearer.auth.credentials.source", Reason: "only one of basic.auth.credentials.source and bearer.auth.credentials.source may be set"}
	}
	if basicSrc == "" && p["basic.auth.user.info"] != "" && bearerSrc == "" {
		basicSrc = "USER_INFO"
	}
	if basicSrc != "" {
		return applyBasicAuth(s, basicSrc, p)
	}
	if bearerSrc != "" {
		return applyBearerAuth(s, bearerSrc, p)
	}
	return nil
}

func applyBasicAuth(s *settings, src string, p map[string]string) error {
	const key = "basic.auth.credentials.source"
	switch src {
	case "USER_INFO":
		user, pass, ok := strings.Cut(p["basic.auth.user.info"], ":")
		if !ok || user == "" {
			return &PropertyError{Key: "basic.auth.user.info", Reason: "want key:secret"}
		}
		return BasicAuth(user, pass)(s)
	case "URL":
		return nil // newClient turns the URL's user info into basic auth
	case "SASL_INHERIT":
		return &PropertyError{Key: key, Reason: "SASL_INHERIT is not supported: use USER_INFO with the SASL username and password"}
	}
	return &PropertyError{Key: key, Reason: "want USER_INFO or URL, not " + strconv.Quote(src)}
}

func applyBearerAuth(s *settings, src string, p map[string]string) error {
	switch src {
	case "STATIC_TOKEN":
		if p["bearer.auth.token"] == "" {
			return &PropertyError{Key: "bearer.auth.token", Reason: "required with bearer.auth.credentials.source=STATIC_TOKEN"}
		}
		return BearerToken(p["bearer.auth.token"])(s)
	case "OAUTHBEARER":
		for _, k := range []string{"bearer.auth.issuer.endpoint.url", "bearer.auth.client.id", "bearer.auth.client.secret"} {
			if p[k] == "" {
				return &PropertyError{Key: k, Reason: "required with bearer.auth.credentials.source=OAUTHBEARER"}
			}
		}
		scopes := strings.FieldsFunc(p["bearer.auth.scope"], func(r rune) bool { return r == ',' || r == ' ' })
		return OAuthClientCredentials(p["bearer.auth.issuer.endpoint.url"], p["bearer.auth.client.id"], p["bearer.auth.client.secret"], scopes...)(s)
	}
	return &PropertyError{Key: "bearer.auth.credentials.source", Reason: "want STATIC_TOKEN or OAUTHBEARER, not " + strconv.Quote(src)}
}
