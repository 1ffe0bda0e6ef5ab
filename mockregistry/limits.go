package mockregistry

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Default limits of a [Registry] and of a [Server]: generous for any honest
// test, small enough that a shared test server cannot be held open or
// flooded by slow or hostile clients. Change them with [WithLimits].
const (
	// DefaultMaxRequestBytes caps a request body (8 MiB; the real server
	// cannot store a schema over Kafka's default 1 MB message size).
	DefaultMaxRequestBytes = 8 << 20
	// DefaultReadHeaderTimeout bounds reading a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds serving a request, from the end of its
	// headers to the end of the answer (a [Fault] latency counts).
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout closes a keep-alive connection idle that long.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultMaxConns is how many connections a [Server] serves at once;
	// further connections wait until one closes.
	DefaultMaxConns = 256
)

// Limits bounds what clients can cost a registry. A zero field takes its
// default (the Default... constants); a negative field removes the limit.
// MaxRequestBytes applies to every way of serving the registry; the other
// fields apply to [NewServer], [StartServer] and the command.
type Limits struct {
	// MaxRequestBytes caps a request body: a larger body answers 413
	// (error_code 413).
	MaxRequestBytes int64
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// [http.Server] timeouts of the same names: a client that sends its
	// request too slowly is cut off.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// MaxConns caps the connections served at once; connections beyond it
	// wait (in the listen backlog) until a served one closes.
	MaxConns int
}

// WithLimits sets the registry's limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		c.limits = l
		return nil
	}
}

// withDefaults returns l with every zero field set to its default and every
// negative one to zero (no limit).
func (l Limits) withDefaults() Limits {
	dur := func(d *time.Duration, def time.Duration) {
		switch {
		case *d == 0:
			*d = def
		case *d < 0:
			*d = 0
		}
	}
	dur(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	dur(&l.ReadTimeout, DefaultReadTimeout)
	dur(&l.WriteTimeout, DefaultWriteTimeout)
	dur(&l.IdleTimeout, DefaultIdleTimeout)
	switch {
	case l.MaxRequestBytes == 0:
		l.MaxRequestBytes = DefaultMaxRequestBytes
	case l.MaxRequestBytes < 0:
		l.MaxRequestBytes = 0
	}
	switch {
	case l.MaxConns == 0:
		l.MaxConns = DefaultMaxConns
	case l.MaxConns < 0:
		l.MaxConns = 0
	}
	return l
}

// capBodies caps every request body at max bytes (0: no cap): a body that
// grows past it fails the read (readJSON answers 413) and the connection is
// closed. It wraps the server's own ResponseWriter, which MaxBytesReader
// needs for that.
func capBodies(next http.Handler, max int64) http.Handler {
	if max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Body != nil {
			req.Body = http.MaxBytesReader(w, req.Body, max)
		}
		next.ServeHTTP(w, req)
	})
}

// declaredTooLarge answers 413 when the request declares a body over max
// (0: no cap), before any of it is read.
func declaredTooLarge(w http.ResponseWriter, req *http.Request, max int64) bool {
	if max <= 0 || req.ContentLength <= max {
		return false
	}
	w.Header().Set("Connection", "close")
	writeError(w, errTooLarge(max))
	return true
}

func errTooLarge(max int64) *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: http.StatusRequestEntityTooLarge,
		msg: fmt.Sprintf("Request body is larger than %d bytes (mockregistry.Limits.MaxRequestBytes)", max)}
}

// errReadBody classifies an error reading a request body.
func errReadBody(err error) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge(tooLarge.Limit)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &apiError{status: http.StatusRequestTimeout, code: http.StatusRequestTimeout, msg: "Request body not read in time (mockregistry.Limits.ReadTimeout)"}
	}
	return errBadJSON(err)
}

// limitListener serves at most n connections at once: Accept waits for a
// served connection to close before taking the next one from the backlog.
type limitListener struct {
	net.Listener
	sem  chan struct{}
	done chan struct{}
	once sync.Once
}

func newLimitListener(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back once, on the first Close.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
