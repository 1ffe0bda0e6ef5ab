package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type ctxKey struct{}

// rotatingProvider hands out "Bearer rot-<n>", a new token after each
// Invalidate.
type rotatingProvider struct {
	mu          sync.Mutex
	n           int
	calls       int
	invalidated int
	sawCtx      bool
	fail        error
}

func (p *rotatingProvider) AuthenticationHeader(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.sawCtx = p.sawCtx || ctx.Value(ctxKey{}) == "req"
	if p.fail != nil {
		return "", p.fail
	}
	return "Bearer rot-secret-" + string(rune('0'+p.n)), nil
}

func (p *rotatingProvider) Invalidate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.invalidated++
	p.n++
}

func TestAuthHeaderProvider(t *testing.T) {
	var refused sync.Once
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		got := r.Header.Get("Authorization")
		first := false
		refused.Do(func() { first = true })
		if first {
			// Refuse the first token, echoing it.
			reply(w, 401, map[string]any{"error_code": 40101, "message": "token " + got + " expired"})
			return
		}
		okSubjects(w, r, nil)
	})
	p := &rotatingProvider{}
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), AuthHeader(p), LogicalCluster("lsrc-1"))
	ctx := context.WithValue(bg, ctxKey{}, "req")
	_, err := c.Subjects(ctx)
	if !errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first call: %v", err)
	}
	if strings.Contains(err.Error(), "rot-secret") {
		t.Fatalf("provider's token in the error: %v", err)
	}
	if p.invalidated != 1 {
		t.Fatalf("Invalidate called %d times after a 401, want 1", p.invalidated)
	}
	if _, err := c.Subjects(ctx); err != nil {
		t.Fatal(err)
	}
	last := srv.last()
	if last.Header.Get("Authorization") != "Bearer rot-secret-1" || last.Header.Get("Target-Sr-Cluster") != "lsrc-1" {
		t.Fatalf("sent %v", last.Header)
	}
	if !p.sawCtx {
		t.Fatal("the provider did not get the request's context")
	}
}

func TestAuthHeaderProviderError(t *testing.T) {
	srv := newFake(t, okSubjects)
	boom := errors.New("sidecar unreachable")
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), AuthHeader(&rotatingProvider{fail: boom}))
	_, err := c.Subjects(bg)
	if !errors.Is(err, boom) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if srv.count() != 0 {
		t.Fatal("request sent without credentials")
	}
	if _, err := New(URLs(srv.URL), AuthHeader(nil)); err == nil {
		t.Fatal("nil provider accepted")
	}
}

// The built-in modes are HeaderProviders: the last auth option wins, a
// provider included.
func TestAuthHeaderLastWins(t *testing.T) {
	srv := newFake(t, okSubjects)
	c := mustNew(t, URLs(srv.URL), AuthHeader(&rotatingProvider{}), BasicAuth("u", "p"))
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.last().Header.Get("Authorization"), "Basic ") {
		t.Fatalf("sent %q", srv.last().Header.Get("Authorization"))
	}
	c = mustNew(t, URLs(srv.URL), BasicAuth("u", "p"), AuthHeader(&rotatingProvider{}))
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.last().Header.Get("Authorization"); got != "Bearer rot-secret-0" {
		t.Fatalf("sent %q", got)
	}
}
