package registry

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seen is one request a test server received.
type seen struct {
	Method   string
	Path     string // escaped path as sent
	RawQuery string
	Header   http.Header
	Body     string
}

// fakeServer is an httptest server that records requests and answers with
// a test's handler.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
	n    atomic.Int64
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(b)})
		f.mu.Unlock()
		f.n.Add(1)
		h(w, r, b)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) count() int { return int(f.n.Load()) }

func (f *fakeServer) last() seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		return seen{}
	}
	return f.reqs[len(f.reqs)-1]
}

// reply writes v as JSON with status.
func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// replyErr writes a registry error body.
func replyErr(w http.ResponseWriter, code ErrorCode, msg string) {
	reply(w, code.HTTPStatus(), map[string]any{"error_code": int(code), "message": msg})
}

// fakeClock is a settable clock for TTL tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mustNew builds a client or fails the test; it is closed at cleanup.
func mustNew(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// fastRetries keeps retry tests quick: waits are recorded, not slept.
func fastRetries(c *Client) *[]time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return &waits
}

var bg = context.Background()

// lockedWriter serializes writes of concurrent log lines.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newTestLogger(w io.Writer, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{mu, w}, nil))
}

// versionServer answers versions, IDs, register and lookup for subject "s".
func versionServer(t *testing.T) *fakeServer { return newFake(t, versionHandler) }

func versionHandler(w http.ResponseWriter, r *http.Request, _ []byte) {
	p := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(p, "/contexts/"); ok {
		_, p, _ = strings.Cut(rest, "/")
		p = "/" + p
	}
	switch {
	case strings.HasPrefix(p, "/config"):
		reply(w, 200, map[string]any{"compatibility": "NONE"})
	case strings.HasPrefix(p, "/schemas/ids/"):
		reply(w, 200, map[string]any{"schema": `"string"`, "guid": "g-1"})
	case strings.HasPrefix(p, "/schemas/guids/"):
		reply(w, 200, map[string]any{"schema": `"string"`, "id": 1})
	case strings.HasSuffix(p, "/metadata"):
		reply(w, 200, map[string]any{"subject": "s", "version": 2, "id": 2, "schema": `"long"`})
	case strings.Contains(p, "/versions/") && r.Method == http.MethodGet:
		reply(w, 200, map[string]any{"subject": "s", "version": 2, "id": 2, "schema": `"long"`})
	case strings.HasSuffix(p, "/versions") && r.Method == http.MethodPost:
		reply(w, 200, map[string]any{"id": 3})
	case r.Method == http.MethodPost:
		reply(w, 200, map[string]any{"subject": "s", "version": 1, "id": 1, "schema": `"string"`})
	case r.Method == http.MethodDelete && strings.Contains(p, "/versions/"):
		reply(w, 200, 2)
	case r.Method == http.MethodDelete:
		reply(w, 200, []int{1, 2})
	default:
		w.WriteHeader(404)
	}
}
