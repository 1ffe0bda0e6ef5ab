// Command mockregistry runs srkit's in-memory Schema Registry and DEK
// Registry as a standalone HTTP server, so that tests in any language can
// use it:
//
//	go run github.com/srkit-go/srkit/mockregistry/cmd/mockregistry -addr 127.0.0.1:8081
//
// Flags:
//
//	-addr host:port        listen address (default 127.0.0.1:8081)
//	-basic-auth user:pass  require HTTP basic credentials
//	-bearer token          require a bearer token
//	-compatibility LEVEL   initial global compatibility level (default BACKWARD)
//
// It logs one line per request to stderr and shuts down gracefully on
// SIGINT or SIGTERM. State lives in memory only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mockregistry:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mockregistry", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	basic := fs.String("basic-auth", "", "require HTTP basic credentials user:pass")
	bearer := fs.String("bearer", "", "require this bearer token")
	level := fs.String("compatibility", "BACKWARD", "initial global compatibility level")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := []mockregistry.Option{mockregistry.WithCompatibility(registry.CompatibilityLevel(strings.ToUpper(*level)))}
	if *basic != "" {
		user, pass, ok := strings.Cut(*basic, ":")
		if !ok {
			return errors.New("-basic-auth wants user:pass")
		}
		opts = append(opts, mockregistry.WithBasicAuth(user, pass))
	}
	if *bearer != "" {
		opts = append(opts, mockregistry.WithBearerToken(*bearer))
	}
	reg, err := mockregistry.New(opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	srv := &http.Server{Handler: logRequests(logger, reg.Handler()), ReadHeaderTimeout: 10 * time.Second}
	logger.Printf("mockregistry listening on http://%s", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Printf("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// logRequests logs one line per request: method, URI, status, duration.
func logRequests(l *log.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		l.Printf("%s %s %d %s", r.Method, r.URL.RequestURI(), sw.status, time.Since(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
