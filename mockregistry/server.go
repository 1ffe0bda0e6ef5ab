package mockregistry

import (
	"net/http/httptest"

	"github.com/srkit-go/srkit/registry"
)

// Server is a [Registry] served over HTTP on a loopback port (127.0.0.1),
// for tests that need a real URL: other processes, other languages'
// clients, or code that takes a URL.
type Server struct {
	// Registry is the served registry; use it to inject faults or to get
	// an in-process client.
	Registry *Registry
	srv      *httptest.Server
}

// NewServer creates a registry with opts and starts serving it on
// 127.0.0.1 at a free port. Call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	reg, err := New(opts...)
	if err != nil {
		return nil, err
	}
	return &Server{Registry: reg, srv: httptest.NewServer(reg.Handler())}, nil
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server and waits for requests in flight.
func (s *Server) Close() { s.srv.Close() }

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
