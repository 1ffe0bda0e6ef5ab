package registry

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flakyRegistry answers latest and metadata reads with version v, or with
// the outage (or not-found) its mode names.
type flakyRegistry struct {
	mode    atomic.Value // "up", "html404", "503", "missing"
	version atomic.Int32
}

func (f *flakyRegistry) handle(w http.ResponseWriter, _ *http.Request, _ []byte) {
	switch f.mode.Load().(string) {
	case "html404":
		answer(404, "text/html", "<html><body>404 Not Found</body></html>")(w, nil, nil)
	case "503":
		w.WriteHeader(503)
	case "missing":
		replyErr(w, ErrSubjectNotFound, "Subject 's' not found.")
	default:
		v := int(f.version.Load())
		reply(w, 200, map[string]any{"subject": "s", "version": v, "id": 10 + v, "schema": `"string"`})
	}
}

func newFlaky(t *testing.T) (*flakyRegistry, *fakeServer) {
	f := &flakyRegistry{}
	f.mode.Store("up")
	f.version.Store(1)
	return f, newFake(t, f.handle)
}

// TestLatestServedStaleDuringOutage: when the latest TTL expires while the
// registry is down, the last known latest version is still served (one
// request per TTL), up to StaleIfError past its expiry; a new version is
// picked up as soon as the registry answers again.
func TestLatestServedStaleDuringOutage(t *testing.T) {
	reads := map[string]func(c *Client) (SubjectSchema, error){
		"latest": func(c *Client) (SubjectSchema, error) { return c.LatestSchema(bg, "s") },
		"metadata": func(c *Client) (SubjectSchema, error) {
			return c.LatestWithMetadata(bg, "s", map[string]string{"app": "x"})
		},
	}
	for name, read := range reads {
		for _, outage := range []string{"html404", "503"} {
			t.Run(name+"/"+outage, func(t *testing.T) {
				f, srv := newFlaky(t)
				clock := newClock()
				var logs strings.Builder
				var mu sync.Mutex
				c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), WithClock(clock.Now), WithLogger(newTestLogger(&logs, &mu)),
					LatestTTL(time.Minute), StaleIfError(10*time.Minute))
				if ss, err := read(c); err != nil || ss.Version != 1 {
					t.Fatalf("first read: %+v %v", ss, err)
				}
				f.mode.Store(outage)
				served := 0
				for i := range 96 {
					clock.Add(5 * time.Second) // 8 minutes in all
					before := srv.count()
					ss, err := read(c)
					if err == nil && ss.Version == 1 {
						served++
					}
					if d := srv.count() - before; d > 1 || (d == 1 && i%12 != 11) {
						t.Fatalf("read %d made %d requests: want one per TTL", i, d)
					}
				}
				if served != 96 {
					t.Fatalf("served %d/96 reads during the outage", served)
				}
				clock.Add(3 * time.Minute) // past expiry + 10 min
				if _, err := read(c); !errors.Is(err, ErrUnavailable) {
					t.Fatalf("past StaleIfError: %v, want the outage", err)
				}
				f.mode.Store("up")
				f.version.Store(2)
				if ss, err := read(c); err != nil || ss.Version != 2 {
					t.Fatalf("after recovery: %+v %v", ss, err)
				}
				mu.Lock()
				out := logs.String()
				mu.Unlock()
				if n := strings.Count(out, "serving the last known latest version"); n != 1 {
					t.Fatalf("%d stale log lines, want 1:\n%s", n, out)
				}
			})
		}
	}
}

// TestStaleRecoveryIsLogged: the first fresh answer after serving stale is
// logged once.
func TestStaleRecoveryIsLogged(t *testing.T) {
	f, srv := newFlaky(t)
	clock := newClock()
	var logs strings.Builder
	var mu sync.Mutex
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), WithClock(clock.Now), WithLogger(newTestLogger(&logs, &mu)), LatestTTL(time.Minute))
	_, _ = c.LatestSchema(bg, "s")
	f.mode.Store("503")
	clock.Add(2 * time.Minute)
	if ss, err := c.LatestSchema(bg, "s"); err != nil || ss.Version != 1 {
		t.Fatalf("stale read: %+v %v", ss, err)
	}
	f.mode.Store("up")
	f.version.Store(3)
	clock.Add(2 * time.Minute)
	if ss, err := c.LatestSchema(bg, "s"); err != nil || ss.Version != 3 {
		t.Fatalf("recovered read: %+v %v", ss, err)
	}
	clock.Add(2 * time.Minute)
	_, _ = c.LatestSchema(bg, "s")
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "available again"); n != 1 {
		t.Fatalf("%d recovery lines, want 1:\n%s", n, logs.String())
	}
}

// TestNotFoundIsNeverServedStale: the registry's own 40401 ends stale
// serving at once.
func TestNotFoundIsNeverServedStale(t *testing.T) {
	f, srv := newFlaky(t)
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), WithClock(clock.Now), LatestTTL(time.Minute))
	_, _ = c.LatestSchema(bg, "s")
	f.mode.Store("503")
	clock.Add(2 * time.Minute)
	if _, err := c.LatestSchema(bg, "s"); err != nil {
		t.Fatalf("stale read: %v", err)
	}
	f.mode.Store("missing")
	clock.Add(2 * time.Minute)
	if _, err := c.LatestSchema(bg, "s"); !errors.Is(err, ErrSubjectNotFound) {
		t.Fatalf("deleted subject: %v, want ErrSubjectNotFound", err)
	}
	f.mode.Store("503")
	if _, err := c.LatestSchema(bg, "s"); !errors.Is(err, ErrSubjectNotFound) {
		t.Fatalf("after a not-found, an outage must not bring the old version back: %v", err)
	}
}

func TestStaleIfErrorZeroDisables(t *testing.T) {
	f, srv := newFlaky(t)
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), WithClock(clock.Now), LatestTTL(time.Minute), StaleIfError(0))
	_, _ = c.LatestSchema(bg, "s")
	f.mode.Store("503")
	clock.Add(2 * time.Minute)
	if _, err := c.LatestSchema(bg, "s"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("StaleIfError(0): %v, want the outage", err)
	}
	if _, err := New(URLs(srv.URL), StaleIfError(-1)); err == nil {
		t.Fatal("negative StaleIfError accepted")
	}
}
