package registry

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recorder is a fake hook that keeps every event.
type recorder struct {
	mu    sync.Mutex
	reqs  []RequestEvent
	cache []CacheEvent
}

func (r *recorder) OnRequest(e RequestEvent) { r.mu.Lock(); r.reqs = append(r.reqs, e); r.mu.Unlock() }
func (r *recorder) OnCache(e CacheEvent)     { r.mu.Lock(); r.cache = append(r.cache, e); r.mu.Unlock() }

func (r *recorder) requests() []RequestEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RequestEvent(nil), r.reqs...)
}

func (r *recorder) caches() []CacheEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]CacheEvent(nil), r.cache...)
}

func schemaHandler(w http.ResponseWriter) {
	reply(w, 200, map[string]any{"schema": `"string"`})
}

func TestHookRequestOnceUnderRetry(t *testing.T) {
	var calls int
	var mu sync.Mutex
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			replyErr(w, ErrorCode(503), "busy")
			return
		}
		schemaHandler(w)
	})
	rec := &recorder{}
	c := mustNew(t, URLs(srv.URL), WithHooks(rec))
	fastRetries(c)
	if _, err := c.SchemaByID(bg, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SchemaByID(bg, 7); err != nil { // cached: no request event
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d request events, want 1: %+v", len(reqs), reqs)
	}
	e := reqs[0]
	if e.Method != "GET" || e.Endpoint != "/schemas/ids/{id}" || e.Status != 200 || e.Attempts != 2 || e.ErrorCode != 0 || e.Err != nil || e.Duration <= 0 {
		t.Errorf("event %+v", e)
	}
	want := []CacheEvent{{CacheByID, CacheMiss}, {CacheByID, CacheHit}}
	if got := rec.caches(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("cache events %v, want %v", got, want)
	}
}

func TestHookRequestOnceUnderFailover(t *testing.T) {
	down := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { replyErr(w, ErrorCode(500), "down") })
	up := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { schemaHandler(w) })
	rec := &recorder{}
	c := mustNew(t, URLs(down.URL, up.URL), WithHooks(rec), InContextDefault(".ctx"))
	fastRetries(c)
	if _, err := c.SchemaByVersion(bg, "orders-value", 3); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d request events, want 1: %+v", len(reqs), reqs)
	}
	if e := reqs[0]; e.Endpoint != "/contexts/{context}/subjects/{subject}/versions/{version}" || e.Attempts != 2 || e.Status != 200 {
		t.Errorf("event %+v", e)
	}
	if down.count() != 1 || up.count() != 1 {
		t.Errorf("requests: %d to the failing URL, %d to the other", down.count(), up.count())
	}
}

// InContextDefault is DefaultContext, named for the test's reading.
func InContextDefault(name string) Option { return DefaultContext(name) }

func TestHookRequestErrorHasCodeAndNoSecret(t *testing.T) {
	const secret = "s3cr3t-pass"
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		// A proxy that echoes the credentials it got.
		reply(w, 404, map[string]any{"error_code": 40403, "message": "not found; auth was " + r.Header.Get("Authorization")})
	})
	rec := &recorder{}
	u := strings.Replace(srv.URL, "http://", "http://user:"+secret+"@", 1)
	c := mustNew(t, URLs(u), WithHooks(rec))
	_, err := c.SchemaByID(bg, 42)
	if !errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf("err %v", err)
	}
	_, _ = c.SchemaByID(bg, 42) // the negative answer is cached
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d request events, want 1", len(reqs))
	}
	e := reqs[0]
	if e.Status != 404 || e.ErrorCode != ErrSchemaNotFound || e.Attempts != 1 || !errors.Is(e.Err, ErrSchemaNotFound) {
		t.Errorf("event %+v", e)
	}
	if s := e.Err.Error(); strings.Contains(s, secret) || strings.Contains(s, "dXNlcjpzM2NyM3QtcGFzcw") {
		t.Errorf("event error holds the credentials: %s", s)
	}
	if got := rec.caches(); len(got) != 2 || got[1] != (CacheEvent{CacheByID, CacheHit}) {
		t.Errorf("cache events %v", got)
	}
}

func TestHookRequestTransportError(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {})
	url := srv.URL
	srv.Close()
	rec := &recorder{}
	c := mustNew(t, URLs(url), WithHooks(rec), Retries(2, 0, 0))
	fastRetries(c)
	if _, err := c.Subjects(bg); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err %v", err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Attempts != 3 || reqs[0].Status != 0 || reqs[0].Endpoint != "/subjects" || reqs[0].Err == nil {
		t.Fatalf("events %+v", reqs)
	}
}

func TestHookCacheEviction(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { schemaHandler(w) })
	rec := &recorder{}
	c := mustNew(t, URLs(srv.URL), WithHooks(rec), CacheCapacity(1))
	for _, id := range []int{1, 2} {
		if _, err := c.SchemaByID(bg, id); err != nil {
			t.Fatal(err)
		}
	}
	var evictions int
	for _, e := range rec.caches() {
		if e.Outcome == CacheEviction {
			evictions++
			if e.Cache != CacheByID {
				t.Errorf("eviction in %s", e.Cache)
			}
		}
	}
	if evictions != 1 {
		t.Errorf("%d evictions, want 1: %v", evictions, rec.caches())
	}
}

func TestWithHooksRefusesNonHook(t *testing.T) {
	_, err := New(URLs("http://localhost:1"), WithHooks(struct{}{}))
	if err == nil || !strings.Contains(err.Error(), "implements no registry Hook") {
		t.Fatalf("err %v", err)
	}
}

func TestHooksWarmPathAllocatesNothing(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { schemaHandler(w) })
	c := mustNew(t, URLs(srv.URL), WithHooks(noopHook{}))
	if _, err := c.SchemaByID(bg, 1); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = c.SchemaByID(bg, 1) }); n != 0 {
		t.Errorf("%v allocations per warm lookup with a no-op hook", n)
	}
}

type noopHook struct{}

func (noopHook) OnRequest(RequestEvent) {}
func (noopHook) OnCache(CacheEvent)     {}

func TestEndpointTemplate(t *testing.T) {
	for path, want := range map[string]string{
		"/":                                        "/",
		"/schemas/ids/12?subject=x":                "/schemas/ids/{id}",
		"/schemas/ids/12/schema":                   "/schemas/ids/{id}/schema",
		"/schemas/guids/ab-cd/ids":                 "/schemas/guids/{guid}/ids",
		"/schemas/types":                           "/schemas/types",
		"/subjects/orders-value/versions":          "/subjects/{subject}/versions",
		"/subjects/a%2Fb/versions/latest/schema":   "/subjects/{subject}/versions/{version}/schema",
		"/subjects/s/metadata?key=a&value=b":       "/subjects/{subject}/metadata",
		"/contexts/.ctx/subjects/s/versions/3":     "/contexts/{context}/subjects/{subject}/versions/{version}",
		"/config":                                  "/config",
		"/config/orders-value":                     "/config/{subject}",
		"/mode/s":                                  "/mode/{subject}",
		"/compatibility/subjects/s/versions/2":     "/compatibility/subjects/{subject}/versions/{version}",
		"/associations/resources/ns/orders":        "/associations/resources/{namespace}/{name}",
		"/dek-registry/v1/keks/k1/deks/s/versions": "/dek-registry/v1/keks/{kek}/deks/{subject}/versions",
		"/something/unknown":                       "/{param}/{param}",
	} {
		if got := endpointTemplate(path); got != want {
			t.Errorf("endpointTemplate(%q) = %q, want %q", path, got, want)
		}
	}
}

// BenchmarkSchemaByIDWarmNoopHook is BenchmarkSchemaByIDWarm with a no-op
// hook installed.
func BenchmarkSchemaByIDWarmNoopHook(b *testing.B) {
	c := benchClient(b, WithHooks(noopHook{}))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.SchemaByID(bg, 1+i%100); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzEndpointTemplate: a template holds only the API's fixed words and
// placeholders, never a segment of the path it came from.
func FuzzEndpointTemplate(f *testing.F) {
	for _, p := range []string{"/subjects/secret-subject/versions/1", "/a/b/c", "/contexts/.x/schemas/ids/1?x=y", "//", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		tpl := endpointTemplate(path)
		if !strings.HasPrefix(tpl, "/") {
			t.Fatalf("template %q of %q", tpl, path)
		}
		for seg := range strings.SplitSeq(strings.TrimPrefix(tpl, "/"), "/") {
			if seg != "" && !literals[seg] && !(strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")) {
				t.Fatalf("template %q of %q holds segment %q", tpl, path, seg)
			}
		}
	})
}
