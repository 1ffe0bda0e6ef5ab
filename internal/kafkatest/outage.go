package kafkatest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
)

// OutageAnswer is what a broken proxy in front of the registry answers
// instead of the registry.
type OutageAnswer struct {
	Status      int
	ContentType string
	Body        string
}

// The answers of a registry outage behind a proxy, none of which is the
// registry's own JSON.
var (
	// HTML404 is a proxy's bare 404 page (the registry's route is gone).
	HTML404 = OutageAnswer{Status: http.StatusNotFound, ContentType: "text/html",
		Body: "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"}
	// HTML200 is a 2xx page that is not the registry's answer (a login or
	// maintenance page).
	HTML200 = OutageAnswer{Status: http.StatusOK, ContentType: "text/html; charset=utf-8",
		Body: "<!DOCTYPE html><html><body><h1>Sign in</h1><form method=post></form></body></html>"}
)

// Outage is an HTTP reverse proxy in front of the mock registry that first
// answers as a broken proxy does, then recovers and passes every request
// on. Create it with [Env.NewOutage].
type Outage struct {
	url string

	mu        sync.Mutex
	script    []OutageStep
	step      int   // the step answering now; len(script): recovered
	served    int   // requests answered by the current step
	answered  []int // requests answered by each step
	recovered bool
}

// OutageStep answers Requests requests (0: every request until
// [Outage.Recover]) with Answer.
type OutageStep struct {
	Answer   OutageAnswer
	Requests int
}

// NewOutage starts a proxy in front of e.Mock that answers with script,
// step by step, then passes requests on to the registry. It is closed when
// the test ends.
func (e *Env) NewOutage(t testing.TB, script ...OutageStep) *Outage {
	t.Helper()
	target, err := url.Parse(e.Mock.URL())
	if err != nil {
		t.Fatal(err)
	}
	o := &Outage{script: script, answered: make([]int, len(script))}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a, ok := o.next(); ok {
			w.Header().Set("Content-Type", a.ContentType)
			w.WriteHeader(a.Status)
			_, _ = w.Write([]byte(a.Body))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	o.url = srv.URL
	return o
}

// next returns the answer for a request while the outage lasts.
func (o *Outage) next() (OutageAnswer, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for o.step < len(o.script) {
		s := o.script[o.step]
		if o.recovered || (s.Requests > 0 && o.served >= s.Requests) {
			o.step, o.served = o.step+1, 0
			continue
		}
		o.served++
		o.answered[o.step]++
		return s.Answer, true
	}
	return OutageAnswer{}, false
}

// URL is the proxy's address, for registry clients.
func (o *Outage) URL() string { return o.url }

// Client returns a registry client of the proxy that does not retry by
// itself (every retry is then the caller's), closed when the test ends.
func (o *Outage) Client(t testing.TB, opts ...registry.Option) *registry.Client {
	t.Helper()
	rc, err := registry.New(append([]registry.Option{registry.URLs(o.url), registry.Retries(0, 0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}

// Recover ends the outage: every later request reaches the registry.
func (o *Outage) Recover() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recovered = true
}

// Answered returns how many requests each step of the script answered.
func (o *Outage) Answered() []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]int(nil), o.answered...)
}

// AwaitAnswered waits until step i of the script has answered at least n
// requests, failing the test after 30 seconds.
func (o *Outage) AwaitAnswered(t testing.TB, i, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for o.Answered()[i] < n {
		if time.Now().After(deadline) {
			t.Fatalf("outage step %d answered %d requests, want %d", i, o.Answered()[i], n)
		}
		time.Sleep(time.Millisecond)
	}
}
