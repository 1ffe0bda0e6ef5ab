package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func okSubjects(w http.ResponseWriter, _ *http.Request, _ []byte) { reply(w, 200, []string{"s"}) }

func basicHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthHeaders(t *testing.T) {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ts-token", TokenType: "Bearer"})
	cases := []struct {
		name  string
		opts  []Option
		url   func(string) string
		want  string
		extra map[string]string
	}{
		{name: "none", want: ""},
		{name: "basic", opts: []Option{BasicAuth("KEY", "SECRET")}, want: basicHeader("KEY", "SECRET")},
		{name: "url user info", url: func(u string) string { return strings.Replace(u, "http://", "http://ukey:usecret@", 1) }, want: basicHeader("ukey", "usecret")},
		{name: "explicit basic wins over URL", opts: []Option{BasicAuth("KEY", "SECRET")}, url: func(u string) string { return strings.Replace(u, "http://", "http://ukey:usecret@", 1) }, want: basicHeader("KEY", "SECRET")},
		{name: "static bearer", opts: []Option{BearerToken("tok123"), LogicalCluster("lsrc-abc"), IdentityPoolID("pool-1,pool-2")}, want: "Bearer tok123",
			extra: map[string]string{"Target-Sr-Cluster": "lsrc-abc", "Confluent-Identity-Pool-Id": "pool-1,pool-2"}},
		{name: "token source", opts: []Option{TokenSource(ts)}, want: "Bearer ts-token"},
		{name: "user agent and header", opts: []Option{UserAgent("my-app/1.0"), Header("X-Team", "payments")}, want: "",
			extra: map[string]string{"User-Agent": "my-app/1.0", "X-Team": "payments"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, okSubjects)
			u := srv.URL
			if tc.url != nil {
				u = tc.url(u)
			}
			c := mustNew(t, append([]Option{URLs(u)}, tc.opts...)...)
			if _, err := c.Subjects(bg); err != nil {
				t.Fatal(err)
			}
			h := srv.last().Header
			if got := h.Get("Authorization"); got != tc.want {
				t.Fatalf("Authorization = %q, want %q", got, tc.want)
			}
			for k, v := range tc.extra {
				if got := h.Get(k); got != v {
					t.Fatalf("%s = %q, want %q", k, got, v)
				}
			}
			if tc.extra["User-Agent"] == "" && h.Get("User-Agent") != DefaultUserAgent {
				t.Fatalf("User-Agent = %q", h.Get("User-Agent"))
			}
			if strings.Contains(strings.Join(c.urls, ","), "@") {
				t.Fatalf("user info left in URLs: %v", c.urls)
			}
		})
	}
}

func TestLastAuthOptionWins(t *testing.T) {
	srv := newFake(t, okSubjects)
	c := mustNew(t, URLs(srv.URL), BasicAuth("a", "b"), BearerToken("t"))
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.last().Header.Get("Authorization"); got != "Bearer t" {
		t.Fatalf("Authorization = %q", got)
	}
	// Options override the auth of properties.
	c2, err := NewFromProperties(map[string]string{"schema.registry.url": srv.URL, "basic.auth.user.info": "k:s"}, BearerToken("t2"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.last().Header.Get("Authorization"); got != "Bearer t2" {
		t.Fatalf("Authorization = %q", got)
	}
}

// tokenServer is an OAuth token endpoint that issues tok-1, tok-2, ...
type tokenServer struct {
	*httptest.Server
	issued atomic.Int32
	mu     sync.Mutex
	forms  []string
	authz  []string
}

func newTokenServer(t *testing.T, expiresIn int) *tokenServer {
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm.Encode())
		ts.authz = append(ts.authz, r.Header.Get("Authorization"))
		ts.mu.Unlock()
		n := ts.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":%d}`, n, expiresIn)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestOAuthTokenRefresh(t *testing.T) {
	tokens := newTokenServer(t, 100)
	srv := newFake(t, okSubjects)
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), WithClock(clock.Now),
		OAuthClientCredentials(tokens.URL, "client-id", "client-secret", "schema_registry"),
		LogicalCluster("lsrc-1"), IdentityPoolID("pool-1"))
	call := func() string {
		t.Helper()
		if _, err := c.Subjects(bg); err != nil {
			t.Fatal(err)
		}
		return srv.last().Header.Get("Authorization")
	}
	if got := call(); got != "Bearer tok-1" {
		t.Fatalf("first call: %q", got)
	}
	clock.Add(79 * time.Second)
	if got := call(); got != "Bearer tok-1" {
		t.Fatalf("before 80%% of lifetime: %q", got)
	}
	if tokens.issued.Load() != 1 {
		t.Fatalf("fetched %d tokens, want 1", tokens.issued.Load())
	}
	clock.Add(2 * time.Second) // 81% of 100 s
	if got := call(); got != "Bearer tok-2" {
		t.Fatalf("after refresh: %q", got)
	}
	if tokens.issued.Load() != 2 {
		t.Fatalf("fetched %d tokens, want 2", tokens.issued.Load())
	}
	if h := srv.last().Header; h.Get("Target-Sr-Cluster") != "lsrc-1" || h.Get("Confluent-Identity-Pool-Id") != "pool-1" {
		t.Fatalf("Confluent Cloud headers missing: %v", h)
	}
	tokens.mu.Lock()
	defer tokens.mu.Unlock()
	if !strings.Contains(tokens.forms[0], "grant_type=client_credentials") || !strings.Contains(tokens.forms[0], "scope=schema_registry") {
		t.Fatalf("token request form = %q", tokens.forms[0])
	}
	if tokens.authz[0] != basicHeader("client-id", "client-secret") && !strings.Contains(tokens.forms[0], "client_id=client-id") {
		t.Fatalf("client credentials not sent: %q %q", tokens.authz[0], tokens.forms[0])
	}
}

func TestOAuthConcurrentRequestsFetchOneToken(t *testing.T) {
	tokens := newTokenServer(t, 3600)
	srv := newFake(t, okSubjects)
	c := mustNew(t, URLs(srv.URL), OAuthClientCredentials(tokens.URL, "id", "secret"))
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Subjects(bg); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := tokens.issued.Load(); n != 1 {
		t.Fatalf("fetched %d tokens, want 1", n)
	}
}

func TestOAuth401DropsToken(t *testing.T) {
	tokens := newTokenServer(t, 3600)
	var first atomic.Bool
	first.Store(true)
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if first.Swap(false) {
			replyErr(w, ErrUnauthorized, "token revoked")
			return
		}
		okSubjects(w, r, nil)
	})
	c := mustNew(t, URLs(srv.URL), OAuthClientCredentials(tokens.URL, "id", "secret"))
	if _, err := c.Subjects(bg); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.last().Header.Get("Authorization"); got != "Bearer tok-2" {
		t.Fatalf("after a 401 the token should be refetched, sent %q", got)
	}
}

func TestOAuthTokenEndpointFailure(t *testing.T) {
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		// A badly behaved endpoint that echoes what it got.
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad secret %s / %s"}`, r.PostForm.Get("client_secret"), r.Header.Get("Authorization"))
	}))
	defer tokens.Close()
	srv := newFake(t, okSubjects)
	c := mustNew(t, URLs(srv.URL), OAuthClientCredentials(tokens.URL, "id", "very-secret-value"))
	_, err := c.Subjects(bg)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "very-secret-value") {
		t.Fatalf("secret in error: %v", err)
	}
	if srv.count() != 0 {
		t.Fatal("request sent without a token")
	}
}

func TestSecretsAbsentFromErrors(t *testing.T) {
	const secret = "s3cr3t-Value-42"
	// The server echoes the Authorization header and everything else it
	// can into its error answers.
	echo := func(status int) func(http.ResponseWriter, *http.Request, []byte) {
		return func(w http.ResponseWriter, r *http.Request, _ []byte) {
			auth := r.Header.Get("Authorization")
			dec := ""
			if b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic ")); err == nil {
				dec = string(b)
			}
			if status == 502 {
				w.WriteHeader(status)
				fmt.Fprintf(w, "<html>bad gateway for %s %s</html>", auth, dec)
				return
			}
			reply(w, status, map[string]any{"error_code": status, "message": "denied " + auth + " " + dec})
		}
	}
	tokens := newTokenServer(t, 3600)
	for _, status := range []int{401, 403, 500, 502} {
		srv := newFake(t, echo(status))
		dead := deadURL(t)
		setups := map[string][]Option{
			"basic":        {URLs(srv.URL), BasicAuth("key", secret)},
			"url":          {URLs(strings.Replace(srv.URL, "http://", "http://key:"+secret+"@", 1))},
			"bearer":       {URLs(srv.URL), BearerToken(secret)},
			"basic-dead":   {URLs(dead), BasicAuth("key", secret)},
			"url-dead":     {URLs(strings.Replace(dead, "http://", "http://key:"+secret+"@", 1))},
			"oauth-secret": {URLs(srv.URL), OAuthClientCredentials(tokens.URL, "id", secret)},
		}
		for name, opts := range setups {
			c := mustNew(t, append(opts, Retries(0, 0, 0))...)
			_, err := c.SchemaByID(bg, 1)
			if err == nil {
				t.Fatalf("%s/%d: no error", name, status)
			}
			if leak := secretInChain(err, secret); leak != "" {
				t.Fatalf("%s/%d: secret in error: %s", name, status, leak)
			}
			if tok := "tok-"; name == "oauth-secret" && strings.Contains(err.Error(), "Bearer "+tok) {
				t.Fatalf("%s/%d: access token in error: %v", name, status, err)
			}
			if !strings.Contains(name, "dead") {
				var re *Error
				if !errors.As(err, &re) || re.StatusCode != status {
					t.Fatalf("%s/%d: want a typed *Error, got %v", name, status, err)
				}
			}
		}
	}
}

// secretInChain returns the message of the first error in err's chain
// (errors.Unwrap, single or multiple) that contains secret, or "".
func secretInChain(err error, secret string) string {
	if err == nil {
		return ""
	}
	if strings.Contains(err.Error(), secret) {
		return err.Error()
	}
	if re, ok := err.(*Error); ok && strings.Contains(re.Message, secret) {
		return re.Message
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return secretInChain(u.Unwrap(), secret)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if leak := secretInChain(e, secret); leak != "" {
				return leak
			}
		}
	}
	return ""
}

// A call cut short by its context wraps the last attempt's error: that
// error, reached with errors.As, holds no credential either.
func TestSecretsAbsentFromWrappedErrors(t *testing.T) {
	const secret = "wrapped-s3cret"
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		reply(w, 503, map[string]any{"error_code": 50301, "message": "down for " + r.Header.Get("Authorization")})
	})
	c := mustNew(t, URLs(srv.URL), BearerToken(secret), Retries(3, time.Millisecond, time.Millisecond))
	ctx, cancel := context.WithCancel(bg)
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.Subjects(ctx) // uncached: no shared request in between
	var re *Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &re) || re.StatusCode != 503 {
		t.Fatalf("want the cancelled call's error wrapping the 503, got %v", err)
	}
	if leak := secretInChain(err, secret); leak != "" {
		t.Fatalf("secret in the error chain: %s", leak)
	}
}

func TestLoggerNeverLogsSecrets(t *testing.T) {
	const secret = "log-secret-99"
	var buf strings.Builder
	var mu sync.Mutex
	logger := newTestLogger(&buf, &mu)
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		reply(w, 503, map[string]any{"error_code": 50301, "message": "down " + r.Header.Get("Authorization")})
	})
	c := mustNew(t, URLs(deadURL(t), strings.Replace(srv.URL, "http://", "http://k:"+secret+"@", 1)),
		Retries(1, time.Millisecond, time.Millisecond), WithLogger(logger))
	fastRetries(c)
	_, _ = c.Subjects(bg)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "retrying") || !strings.Contains(out, "failing over") {
		t.Fatalf("expected retry and failover log lines, got:\n%s", out)
	}
	enc := base64.StdEncoding.EncodeToString([]byte("k:" + secret))
	if strings.Contains(out, secret) || strings.Contains(out, enc) {
		t.Fatalf("secret in logs:\n%s", out)
	}
}
