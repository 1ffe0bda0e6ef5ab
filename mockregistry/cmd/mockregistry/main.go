// Command mockregistry runs srkit's in-memory Schema Registry and DEK
// Registry as a standalone HTTP server, so that tests in any language can
// use it:
//
//	go run github.com/srkit-go/srkit/mockregistry/cmd/mockregistry -addr 127.0.0.1:8081
//
// Flags:
//
//	-addr host:port            listen address (default 127.0.0.1:8081)
//	-basic-auth user:pass      require HTTP basic credentials
//	-bearer token              require a bearer token
//	-compatibility LEVEL       initial global compatibility level (default BACKWARD)
//	-max-conns N               connections served at once; more wait (default 256)
//	-max-request-bytes N       request body cap, 413 beyond (default 8 MiB)
//	-read-header-timeout D     time to read a request's headers (default 10s)
//	-read-timeout D            time to read a whole request (default 30s)
//	-write-timeout D           time to serve a request (default 60s)
//	-idle-timeout D            keep-alive idle time (default 30s)
//
// A zero limit takes the default, a negative one removes the limit (see
// mockregistry.Limits). It logs one line per request to stderr and shuts
// down gracefully on SIGINT or SIGTERM. State lives in memory only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "mockregistry:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. started, when not nil, receives the
// server's URL once it listens.
func run(ctx context.Context, args []string, stderr io.Writer, started func(url string)) error {
	fs := flag.NewFlagSet("mockregistry", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	basic := fs.String("basic-auth", "", "require HTTP basic credentials user:pass")
	bearer := fs.String("bearer", "", "require this bearer token")
	level := fs.String("compatibility", "BACKWARD", "initial global compatibility level")
	var l mockregistry.Limits
	fs.IntVar(&l.MaxConns, "max-conns", mockregistry.DefaultMaxConns, "connections served at once (more wait)")
	fs.Int64Var(&l.MaxRequestBytes, "max-request-bytes", mockregistry.DefaultMaxRequestBytes, "request body cap in bytes")
	fs.DurationVar(&l.ReadHeaderTimeout, "read-header-timeout", mockregistry.DefaultReadHeaderTimeout, "time to read a request's headers")
	fs.DurationVar(&l.ReadTimeout, "read-timeout", mockregistry.DefaultReadTimeout, "time to read a whole request")
	fs.DurationVar(&l.WriteTimeout, "write-timeout", mockregistry.DefaultWriteTimeout, "time to serve a request")
	fs.DurationVar(&l.IdleTimeout, "idle-timeout", mockregistry.DefaultIdleTimeout, "keep-alive idle time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := []mockregistry.Option{
		mockregistry.WithCompatibility(registry.CompatibilityLevel(strings.ToUpper(*level))),
		mockregistry.WithAddr(*addr),
		mockregistry.WithLimits(l),
		mockregistry.WithLogger(logger),
	}
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
	srv, err := mockregistry.NewServer(opts...)
	if err != nil {
		return err
	}
	logger.Info("mockregistry listening", "url", srv.URL())
	if started != nil {
		started(srv.URL())
	}
	<-ctx.Done()
	logger.Info("shutting down")
	srv.Close()
	return nil
}
