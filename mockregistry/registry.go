package mockregistry

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// Registry is an in-memory Schema Registry and DEK Registry. It is safe for
// concurrent use; every Registry has its own state. Serve it with
// [Registry.Handler], talk to it in process with [Registry.Client], or start
// it on a loopback port with [NewServer].
type Registry struct {
	cfg     config
	limits  Limits // cfg.limits with defaults
	formats map[registry.SchemaType]compat.Format

	mu sync.RWMutex // guards st
	st *store

	dekMu sync.Mutex // guards dek
	dek   *dekStore

	faultMu sync.Mutex
	faults  []*activeFault

	handler http.Handler
}

// New returns an empty registry configured by opts. It fails when an option
// is invalid or a seeded schema is rejected.
func New(opts ...Option) (*Registry, error) {
	cfg := config{compatibility: registry.Backward, now: time.Now, logger: slog.Default()}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	r := &Registry{
		cfg:     cfg,
		limits:  cfg.limits.withDefaults(),
		formats: map[registry.SchemaType]compat.Format{},
		st:      newStore(cfg.compatibility),
		dek:     newDekStore(),
	}
	if !cfg.noDefaultFormats {
		for _, f := range defaultFormats() {
			r.formats[f.Type().Normalized()] = f
		}
	}
	for _, f := range cfg.formats {
		r.formats[f.Type().Normalized()] = f
	}
	for _, f := range cfg.faults {
		r.InjectFault(f)
	}
	r.handler = r.routes()
	for i, s := range cfg.seeds {
		q := parseQualified(s.Subject, "")
		var err *apiError
		r.withLock(func() {
			_, err = r.registerOrForward(q, registerRequest{Schema: s.Schema.Schema, SchemaType: s.Schema.SchemaType, References: s.Schema.References, Metadata: s.Schema.Metadata, RuleSet: s.Schema.RuleSet}, s.Normalize)
		})
		if err != nil {
			return nil, fmt.Errorf("mockregistry: seed %d (subject %q): %s", i, s.Subject, err.msg)
		}
	}
	return r, nil
}

// Handler returns the registry's HTTP handler, serving the Schema Registry
// REST API at "/" and the DEK Registry at "/dek-registry/v1".
func (r *Registry) Handler() http.Handler { return r.handler }

// ServeHTTP serves the REST API; a Registry is itself an [http.Handler].
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.handler.ServeHTTP(w, req) }

// withLock runs f holding the write lock on the Schema Registry state; the
// lock is released even when f panics (a format's bug).
func (r *Registry) withLock(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// withRLock runs f holding the read lock on the Schema Registry state.
func (r *Registry) withRLock(f func()) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f()
}

// InjectFault adds a fault: matching requests are delayed by f.Latency and,
// when f.Status is set, answered with that status instead of being served.
func (r *Registry) InjectFault(f Fault) {
	r.faultMu.Lock()
	defer r.faultMu.Unlock()
	r.faults = append(r.faults, &activeFault{Fault: f, left: f.Times})
}

// ClearFaults removes every fault.
func (r *Registry) ClearFaults() {
	r.faultMu.Lock()
	defer r.faultMu.Unlock()
	r.faults = nil
}

// Client returns a registry client wired straight to the registry's handler:
// requests never touch a socket. opts are applied after the client's URL and
// transport, so they may add credentials or a default context.
func (r *Registry) Client(opts ...registry.Option) (*registry.Client, error) {
	hc := &http.Client{Transport: handlerTransport{r.handler}}
	all := append([]registry.Option{registry.URLs("http://mockregistry.invalid"), registry.HTTPClient(hc)}, opts...)
	return registry.New(all...)
}

// Transport returns an [http.RoundTripper] that serves every request with
// the registry's handler in process, whatever the request's host.
func (r *Registry) Transport() http.RoundTripper { return handlerTransport{r.handler} }

// handlerTransport is an http.RoundTripper that calls a handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	// Give the handler a server-side request, as net/http would.
	sreq := req.Clone(req.Context())
	sreq.RequestURI = req.URL.RequestURI()
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		sreq.Body = io.NopCloser(bytes.NewReader(body))
		sreq.ContentLength = int64(len(body))
	} else {
		sreq.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sreq)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// activeFault is an installed Fault with its remaining count.
type activeFault struct {
	Fault
	left int
}

// takeFault returns the first fault that matches req and counts it.
func (r *Registry) takeFault(req *http.Request) *Fault {
	r.faultMu.Lock()
	defer r.faultMu.Unlock()
	for i, f := range r.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, req.Method) {
			continue
		}
		if f.Path != "" && !strings.HasPrefix(req.URL.Path, f.Path) {
			continue
		}
		out := f.Fault
		if f.Times > 0 {
			f.left--
			if f.left <= 0 {
				r.faults = append(r.faults[:i:i], r.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// middleware applies authentication and faults around next.
func (r *Registry) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !r.authorized(req) {
			if r.cfg.hasBasic {
				w.Header().Set("WWW-Authenticate", `Basic realm="SchemaRegistry"`)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="SchemaRegistry"`)
			}
			writeError(w, &apiError{status: http.StatusUnauthorized, code: http.StatusUnauthorized, msg: "Unauthorized"})
			return
		}
		if declaredTooLarge(w, req, r.limits.MaxRequestBytes) {
			return
		}
		if f := r.takeFault(req); f != nil {
			if f.Latency > 0 {
				if err := sleepCtx(req.Context(), f.Latency); err != nil {
					return
				}
			}
			if f.Status != 0 {
				code, msg := f.ErrorCode, f.Message
				if code == 0 {
					code = f.Status
				}
				if msg == "" {
					msg = http.StatusText(f.Status)
				}
				writeError(w, &apiError{status: f.Status, code: code, msg: msg})
				return
			}
		}
		next.ServeHTTP(w, req)
	})
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// authorized reports whether req carries the configured credentials.
func (r *Registry) authorized(req *http.Request) bool {
	if !r.cfg.hasBasic && r.cfg.bearer == "" {
		return true
	}
	h := req.Header.Get("Authorization")
	if r.cfg.hasBasic {
		if rest, ok := cutPrefixFold(h, "Basic "); ok {
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
			if err == nil {
				user, pass, _ := strings.Cut(string(raw), ":")
				if subtle.ConstantTimeCompare([]byte(user), []byte(r.cfg.basicUser)) == 1 &&
					subtle.ConstantTimeCompare([]byte(pass), []byte(r.cfg.basicPass)) == 1 {
					return true
				}
			}
		}
	}
	if r.cfg.bearer != "" {
		if rest, ok := cutPrefixFold(h, "Bearer "); ok {
			return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(rest)), []byte(r.cfg.bearer)) == 1
		}
	}
	return false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

// logRequests logs one debug line per request when the logger wants it.
func (r *Registry) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		l := r.cfg.logger
		if !l.Enabled(req.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, req)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, req)
		l.LogAttrs(req.Context(), slog.LevelDebug, "mockregistry request",
			slog.String("method", req.Method), slog.String("uri", req.URL.RequestURI()),
			slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
	})
}

// statusWriter records the status a handler answers.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
