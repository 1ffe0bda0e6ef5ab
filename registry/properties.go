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

// isKnownProperty reports whether NewFromProperties understands key.
func isKnownProperty(key string) bool {
	switch key {
	case "schema.registry.url", "url",
		"basic.auth.credentials.source", "basic.auth.user.info",
		"bearer.auth.credentials.source", "bearer.auth.token",
		"bearer.auth.client.id", "bearer.auth.client.secret", "bearer.auth.issuer.endpoint.url",
		"bearer.auth.scope", "bearer.auth.logical.cluster", "bearer.auth.identity.pool.id",
		"ssl.ca.location", "ssl.certificate.location", "ssl.key.location",
		"ssl.endpoint.identification.algorithm",
		"max.retries", "retries.wait.ms", "retries.max.wait.ms",
		"request.timeout.ms", "connection.timeout.ms",
		"cache.capacity", "cache.latest.ttl.sec",
		"missing.id.cache.ttl.sec", "missing.version.cache.ttl.sec", "missing.schema.cache.ttl.sec",
		"schema.context":
		return true
	}
	return false
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

// canonicalProperty strips the "schema.registry." prefix from keys that
// are known without it.
func canonicalProperty(key string) string {
	k := strings.TrimSpace(key)
	if isKnownProperty(k) {
		return k
	}
	if rest, ok := strings.CutPrefix(k, "schema.registry."); ok && isKnownProperty(rest) {
		return rest
	}
	return k
}

func applyProperties(s *settings, props map[string]string) error {
	p := make(map[string]string, len(props))
	for raw, v := range props {
		k := canonicalProperty(raw)
		if !isKnownProperty(k) {
			return &PropertyError{Key: raw, Reason: "unknown key"}
		}
		if k == "url" {
			k = "schema.registry.url"
		}
		if _, dup := p[k]; dup {
			return &PropertyError{Key: raw, Reason: "given twice (with and without the schema.registry. prefix)"}
		}
		p[k] = strings.TrimSpace(v)
	}
	bad := func(k, reason string) error { return &PropertyError{Key: k, Reason: reason} }

	if u := p["schema.registry.url"]; u != "" {
		if err := URLs(u)(s); err != nil {
			return err
		}
	}
	basicSrc := strings.ToUpper(p["basic.auth.credentials.source"])
	bearerSrc := strings.ToUpper(p["bearer.auth.credentials.source"])
	if basicSrc != "" && bearerSrc != "" {
		return bad("bearer.auth.credentials.source", "only one of basic.auth.credentials.source and bearer.auth.credentials.source may be set")
	}
	if basicSrc == "" && p["basic.auth.user.info"] != "" && bearerSrc == "" {
		basicSrc = "USER_INFO"
	}
	switch basicSrc {
	case "":
	case "USER_INFO":
		info := p["basic.auth.user.info"]
		user, pass, ok := strings.Cut(info, ":")
		if !ok || user == "" {
			return bad("basic.auth.user.info", "want key:secret")
		}
		if err := BasicAuth(user, pass)(s); err != nil {
			return err
		}
	case "URL":
		// newClient turns the URL's user info into basic auth.
	case "SASL_INHERIT":
		return bad("basic.auth.credentials.source", "SASL_INHERIT is not supported: use USER_INFO with the SASL username and password")
	default:
		return bad("basic.auth.credentials.source", "want USER_INFO or URL, not "+strconv.Quote(basicSrc))
	}
	switch bearerSrc {
	case "":
	case "STATIC_TOKEN":
		if p["bearer.auth.token"] == "" {
			return bad("bearer.auth.token", "required with bearer.auth.credentials.source=STATIC_TOKEN")
		}
		if err := BearerToken(p["bearer.auth.token"])(s); err != nil {
			return err
		}
	case "OAUTHBEARER":
		for _, k := range []string{"bearer.auth.issuer.endpoint.url", "bearer.auth.client.id", "bearer.auth.client.secret"} {
			if p[k] == "" {
				return bad(k, "required with bearer.auth.credentials.source=OAUTHBEARER")
			}
		}
		scopes := strings.FieldsFunc(p["bearer.auth.scope"], func(r rune) bool { return r == ',' || r == ' ' })
		if err := OAuthClientCredentials(p["bearer.auth.issuer.endpoint.url"], p["bearer.auth.client.id"], p["bearer.auth.client.secret"], scopes...)(s); err != nil {
			return err
		}
	default:
		return bad("bearer.auth.credentials.source", "want STATIC_TOKEN or OAUTHBEARER, not "+strconv.Quote(bearerSrc))
	}
	s.logicalCluster = p["bearer.auth.logical.cluster"]
	s.identityPool = p["bearer.auth.identity.pool.id"]

	if p["ssl.certificate.location"] != "" || p["ssl.key.location"] != "" || p["ssl.ca.location"] != "" {
		if err := TLSFiles(p["ssl.ca.location"], p["ssl.certificate.location"], p["ssl.key.location"])(s); err != nil {
			return bad("ssl.key.location", "ssl.certificate.location and ssl.key.location go together")
		}
	}
	if alg, ok := p["ssl.endpoint.identification.algorithm"]; ok {
		switch strings.ToLower(alg) {
		case "https":
		case "", "none":
			s.skipHostnameVerification = true
		default:
			return bad("ssl.endpoint.identification.algorithm", "want https, none or empty")
		}
	}

	ms := func(k string, set func(time.Duration)) error {
		v, ok := p[k]
		if !ok || v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad(k, "want a whole number of milliseconds >= 0, not "+strconv.Quote(v))
		}
		set(time.Duration(n) * time.Millisecond)
		return nil
	}
	sec := func(k string, allowNeg bool, set func(time.Duration)) error {
		v, ok := p[k]
		if !ok || v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || (n < 0 && !allowNeg) {
			return bad(k, "want a whole number of seconds, not "+strconv.Quote(v))
		}
		if n < 0 {
			set(-1)
		} else {
			set(time.Duration(n) * time.Second)
		}
		return nil
	}
	if v := p["max.retries"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad("max.retries", "want a whole number >= 0, not "+strconv.Quote(v))
		}
		s.maxRetries = n
	}
	if v := p["cache.capacity"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return bad("cache.capacity", "want a whole number, not "+strconv.Quote(v))
		}
		if n > 0 {
			s.cacheCapacity = n
		}
	}
	for _, e := range []error{
		ms("retries.wait.ms", func(d time.Duration) { s.retryWait = d }),
		ms("retries.max.wait.ms", func(d time.Duration) { s.retryMaxWait = d }),
		ms("request.timeout.ms", func(d time.Duration) { s.requestTimeout = d }),
		ms("connection.timeout.ms", func(d time.Duration) { s.connectTimeout = d }),
		sec("cache.latest.ttl.sec", true, func(d time.Duration) { s.latestTTL = d }),
		sec("missing.id.cache.ttl.sec", false, func(d time.Duration) { s.missingIDTTL = d }),
		sec("missing.version.cache.ttl.sec", false, func(d time.Duration) { s.missingVerTTL = d }),
		sec("missing.schema.cache.ttl.sec", false, func(d time.Duration) { s.missingSchTTL = d }),
	} {
		if e != nil {
			return e
		}
	}
	if s.retryMaxWait < s.retryWait {
		return bad("retries.max.wait.ms", "must not be less than retries.wait.ms")
	}
	if v, ok := p["schema.context"]; ok {
		if err := DefaultContext(v)(s); err != nil {
			return bad("schema.context", err.Error())
		}
	}
	if len(s.urls) == 0 {
		return bad("schema.registry.url", "required")
	}
	return nil
}
