package mockregistry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/srkit-go/srkit/registry"
)

// Server is a [Registry] served over HTTP, on a loopback port (127.0.0.1)
// unless [WithAddr] says otherwise, for tests that need a real URL: other
// processes, other languages' clients, or code that takes a URL. It applies
// the [Limits] timeouts and connection cap, so that slow or stuck clients of
// a shared test server are cut off.
type Server struct {
	// Registry is the served registry; use it to inject faults or to get
	// an in-process client.
	Registry *Registry
	srv      *http.Server
	ln       net.Listener
	url      string
	served   chan struct{}
	once     sync.Once
}

// closeGrace is how long Close waits for requests in flight before it
// closes their connections.
const closeGrace = 2 * time.Second

// NewServer creates a registry with opts and starts serving it on
// 127.0.0.1 at a free port (or at the [WithAddr] address). Call Close when
// done.
func NewServer(opts ...Option) (*Server, error) {
	reg, err := New(opts...)
	if err != nil {
		return nil, err
	}
	addr := reg.cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := reg.limits
	s := &Server{
		Registry: reg,
		srv: &http.Server{
			Handler:           reg.Handler(),
			ReadHeaderTimeout: l.ReadHeaderTimeout,
			ReadTimeout:       l.ReadTimeout,
			WriteTimeout:      l.WriteTimeout,
			IdleTimeout:       l.IdleTimeout,
		},
		ln:     newLimitListener(ln, l.MaxConns),
		url:    "http://" + ln.Addr().String(),
		served: make(chan struct{}),
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(s.ln)
	}()
	return s, nil
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.url }

// Close stops the server: it stops accepting connections, waits up to a few
// seconds for requests in flight, then closes every connection. It is safe
// to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.served
	})
}

// Client returns a registry client for the server's URL, talking HTTP.
// opts are applied after the URL, so they may add credentials.
func (s *Server) Client(opts ...registry.Option) (*registry.Client, error) {
	return registry.New(append([]registry.Option{registry.URLs(s.URL())}, opts...)...)
}

// TB is the part of testing.TB that [StartServer] uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// StartServer is [NewServer] for tests: it fails t on error and closes the
// server when the test ends.
func StartServer(t TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("mockregistry: %v", err)
		return nil
	}
	t.Cleanup(s.Close)
	return s
}

// WithAddr makes [NewServer] listen on addr ("host:port"; port 0 picks a
// free one) instead of 127.0.0.1 at a free port. [New] ignores it.
func WithAddr(addr string) Option {
	return func(c *config) error {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return errors.New("mockregistry: listen address " + addr + ": " + err.Error())
		}
		c.addr = addr
		return nil
	}
}
