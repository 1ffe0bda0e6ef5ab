package registry

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPropertiesBasicAuth(t *testing.T) {
	srv := newFake(t, okSubjects)
	for name, props := range map[string]map[string]string{
		"user info": {
			"schema.registry.url":           srv.URL,
			"basic.auth.credentials.source": "USER_INFO",
			"basic.auth.user.info":          "KEY:SECRET",
		},
		"java prefix": {
			"schema.registry.url":                           srv.URL,
			"schema.registry.basic.auth.credentials.source": "USER_INFO",
			"schema.registry.basic.auth.user.info":          "KEY:SECRET",
		},
		"source implied": {
			"url":                  srv.URL,
			"basic.auth.user.info": "KEY:SECRET",
		},
		"URL source": {
			"schema.registry.url":           strings.Replace(srv.URL, "http://", "http://KEY:SECRET@", 1),
			"basic.auth.credentials.source": "URL",
		},
	} {
		c, err := NewFromProperties(props)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.Subjects(bg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := srv.last().Header.Get("Authorization"); got != basicHeader("KEY", "SECRET") {
			t.Fatalf("%s: Authorization = %q", name, got)
		}
		c.Close()
	}
}

func TestPropertiesBearer(t *testing.T) {
	srv := newFake(t, okSubjects)
	c, err := NewFromProperties(map[string]string{
		"schema.registry.url":            srv.URL,
		"bearer.auth.credentials.source": "STATIC_TOKEN",
		"bearer.auth.token":              "tok",
		"bearer.auth.logical.cluster":    "lsrc-1",
		"bearer.auth.identity.pool.id":   "pool-9",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	h := srv.last().Header
	if h.Get("Authorization") != "Bearer tok" || h.Get("Target-Sr-Cluster") != "lsrc-1" || h.Get("Confluent-Identity-Pool-Id") != "pool-9" {
		t.Fatalf("headers = %v", h)
	}
}

func TestPropertiesOAuth(t *testing.T) {
	tokens := newTokenServer(t, 3600)
	srv := newFake(t, okSubjects)
	c, err := NewFromProperties(map[string]string{
		"schema.registry.url":             srv.URL,
		"bearer.auth.credentials.source":  "OAUTHBEARER",
		"bearer.auth.client.id":           "id",
		"bearer.auth.client.secret":       "secret",
		"bearer.auth.issuer.endpoint.url": tokens.URL,
		"bearer.auth.scope":               "a b",
		"bearer.auth.logical.cluster":     "lsrc-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.last().Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Fatalf("Authorization = %q", got)
	}
	tokens.mu.Lock()
	form := tokens.forms[0]
	tokens.mu.Unlock()
	if !strings.Contains(form, "scope=a+b") {
		t.Fatalf("token form = %q", form)
	}
}

func TestPropertiesSettings(t *testing.T) {
	c, err := NewFromProperties(map[string]string{
		"schema.registry.url":                   "https://a.example, https://b.example/",
		"max.retries":                           "5",
		"retries.wait.ms":                       "250",
		"retries.max.wait.ms":                   "4000",
		"request.timeout.ms":                    "1500",
		"connection.timeout.ms":                 "700",
		"cache.capacity":                        "50",
		"cache.latest.ttl.sec":                  "-1",
		"missing.id.cache.ttl.sec":              "7",
		"missing.version.cache.ttl.sec":         "8",
		"missing.schema.cache.ttl.sec":          "0",
		"ssl.endpoint.identification.algorithm": "https",
		"schema.context":                        "staging",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if len(c.urls) != 2 || c.urls[1] != "https://b.example" {
		t.Fatalf("urls = %v", c.urls)
	}
	if c.maxRetries != 5 || c.retryWait != 250*time.Millisecond || c.retryMaxWait != 4*time.Second || c.requestTimeout != 1500*time.Millisecond {
		t.Fatalf("retry settings: %d %v %v %v", c.maxRetries, c.retryWait, c.retryMaxWait, c.requestTimeout)
	}
	if c.latestTTL >= 0 || c.missingIDTTL != 7*time.Second || c.missingVerTTL != 8*time.Second || c.missingSchTTL != 0 {
		t.Fatalf("ttls: %v %v %v %v", c.latestTTL, c.missingIDTTL, c.missingVerTTL, c.missingSchTTL)
	}
	if c.context != ".staging" || c.ctxPrefix != "/contexts/.staging" {
		t.Fatalf("context %q %q", c.context, c.ctxPrefix)
	}
	// Options override properties.
	c2, err := NewFromProperties(map[string]string{"schema.registry.url": "http://x", "max.retries": "5"}, Retries(1, time.Millisecond, time.Second))
	if err != nil || c2.maxRetries != 1 {
		t.Fatalf("option did not override: %v %v", c2, err)
	}
}

func TestPropertiesErrors(t *testing.T) {
	const secret = "TopSecret-123"
	base := func(kv ...string) map[string]string {
		m := map[string]string{"schema.registry.url": "http://localhost:8081"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		props map[string]string
		key   string
	}{
		{base("auto.register.schemas", "true"), "auto.register.schemas"},
		{base("schema.registry.bogus", "1"), "schema.registry.bogus"},
		{map[string]string{"basic.auth.user.info": "a:b"}, "schema.registry.url"},
		{base("basic.auth.credentials.source", "SASL_INHERIT"), "basic.auth.credentials.source"},
		{base("basic.auth.credentials.source", "KERBEROS"), "basic.auth.credentials.source"},
		{base("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", secret), "basic.auth.user.info"},
		{base("bearer.auth.credentials.source", "STATIC_TOKEN"), "bearer.auth.token"},
		{base("bearer.auth.credentials.source", "OAUTHBEARER", "bearer.auth.client.id", "id", "bearer.auth.client.secret", secret), "bearer.auth.issuer.endpoint.url"},
		{base("bearer.auth.credentials.source", "UAMI"), "bearer.auth.credentials.source"},
		{base("basic.auth.credentials.source", "USER_INFO", "bearer.auth.credentials.source", "STATIC_TOKEN"), "bearer.auth.credentials.source"},
		{base("max.retries", "many"), "max.retries"},
		{base("retries.wait.ms", "-5"), "retries.wait.ms"},
		{base("retries.wait.ms", "5000", "retries.max.wait.ms", "100"), "retries.max.wait.ms"},
		{base("cache.latest.ttl.sec", "1.5"), "cache.latest.ttl.sec"},
		{base("missing.id.cache.ttl.sec", "-1"), "missing.id.cache.ttl.sec"},
		{base("ssl.endpoint.identification.algorithm", "ldap"), "ssl.endpoint.identification.algorithm"},
		{base("ssl.certificate.location", "/tmp/c.pem"), "ssl.key.location"},
		{base("url", "http://a", "schema.registry.url", "http://b"), ""},
	}
	for _, tc := range cases {
		_, err := NewFromProperties(tc.props)
		var pe *PropertyError
		if !errors.As(err, &pe) {
			t.Fatalf("%v: err = %v, want a *PropertyError", tc.props, err)
		}
		if tc.key != "" && pe.Key != tc.key {
			t.Fatalf("%v: error names %q, want %q (%v)", tc.props, pe.Key, tc.key, err)
		}
		if !strings.Contains(err.Error(), pe.Key) {
			t.Fatalf("error %q does not name the key", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error leaks a secret: %v", err)
		}
	}
}

// TestPropertiesDocListsTheTable: the doc comment of NewFromProperties
// lists exactly the keys of the property table.
func TestPropertiesDocListsTheTable(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "properties.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var docText string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "NewFromProperties" {
			docText = fd.Doc.Text()
		}
	}
	documented := map[string]bool{}
	keyRE := regexp.MustCompile(`^[a-z]+(\.[a-z]+)+$`)
	for _, line := range strings.Split(docText, "\n") {
		if !strings.HasPrefix(line, "\t") {
			continue // only the indented key list
		}
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '(' || r == ')' }) {
			if keyRE.MatchString(w) && strings.Contains(w, ".") && !strings.HasSuffix(w, ".") {
				documented[w] = true
			}
		}
	}
	want := map[string]bool{}
	for _, p := range properties {
		want[p.key] = true
		if !documented[p.key] {
			t.Errorf("%s is not in NewFromProperties' doc", p.key)
		}
	}
	for k := range documented {
		if !want[k] && !IsClientProperty(k) {
			t.Errorf("the doc names %s, which is not in the table", k)
		}
	}
}

func TestIsClientProperty(t *testing.T) {
	for _, k := range []string{"schema.registry.url", "url", "basic.auth.user.info", "schema.registry.basic.auth.user.info",
		" bearer.auth.token ", "schema.registry.cache.latest.ttl.sec", "cache.latest.stale.if.error.sec"} {
		if !IsClientProperty(k) {
			t.Errorf("%q is not a client property", k)
		}
	}
	for _, k := range []string{"auto.register.schemas", "use.latest.version", "bootstrap.servers", "schema.registry.", "schema.registry.ssl.truststore.location", "key.subject.name.strategy", ""} {
		if IsClientProperty(k) {
			t.Errorf("%q is taken for a client property", k)
		}
	}
}

func TestPropertiesStaleIfError(t *testing.T) {
	s := defaultSettings()
	if err := applyProperties(&s, map[string]string{"url": "http://h", "cache.latest.stale.if.error.sec": "0"}); err != nil || s.staleIfError != 0 {
		t.Fatalf("%v %v", s.staleIfError, err)
	}
	s = defaultSettings()
	if err := applyProperties(&s, map[string]string{"url": "http://h", "cache.latest.stale.if.error.sec": "-1"}); err == nil {
		t.Fatal("negative stale bound accepted")
	}
}
