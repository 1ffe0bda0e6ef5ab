// Command httpservice is a small order service built the way the FastAPI
// guides for Kafka and Schema Registry describe, done the Go way:
//
//   - POST /orders validates a JSON order and produces a typed OrderPlaced
//     event (Avro, through the Schema Registry) without blocking the
//     handler: 202 as soon as the event is buffered (?wait=true waits for
//     Kafka's acknowledgement instead and answers 201 with the offset);
//   - a background consumer in the same process processes the events, with
//     at-least-once commits; GET /orders/{id} shows what it has processed;
//   - GET /healthz reports whether the brokers and the registry answer,
//     whether the background consumer is running (it stops on a record it
//     cannot process), and its lag: 503 when one of them is not well;
//   - GET /metrics serves Prometheus metrics (srkit's registry and serde
//     metrics through plugin/srkitprom, Go runtime and process metrics);
//     with OTEL_EXPORTER_OTLP_ENDPOINT set, metrics (plugin/srkitotel) and
//     traces also go out over OTLP/HTTP, and a trace follows each order
//     from the HTTP request through Kafka (kotel's traceparent header) to
//     the consumer;
//   - SIGINT or SIGTERM shuts down gracefully: the HTTP server stops taking
//     requests and finishes the ones in flight, accepted events are
//     delivered, the consumer finishes its in-flight records, commits and
//     leaves its group.
//
// Run it with no servers (in-process Kafka and mock registry), or against a
// real cluster with the environment variables the quickstart reads:
//
//	cd examples/httpservice && go run . -addr localhost:8080   # its own module (it imports the plugins)
//	curl -s localhost:8080/metrics | grep ^srkit_
//	curl -s localhost:8080/orders -d '{"customer":"ada","currency":"EUR","items":[{"sku":"BOOK-1","quantity":2,"price_cents":1250}]}'
//	curl -s localhost:8080/orders/<id>
//	curl -s localhost:8080/healthz
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/registry"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	topic := flag.String("topic", "shop-orders", "topic for OrderPlaced events")
	group := flag.String("group", "shop-order-processor", "consumer group of the background processor")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpservice:", err)
		os.Exit(1)
	}
	if err := run(ctx, exampleenv.FromEnv(), appConfig{Topic: *topic, Group: *group}, ln, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "httpservice:", err)
		os.Exit(1)
	}
}

// run serves on ln until ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, envCfg exampleenv.Config, cfg appConfig, ln net.Listener, logOut io.Writer) error {
	log := slog.New(slog.NewTextHandler(logOut, nil))
	tel, err := newTelemetry(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tel.shutdown(context.Background()) }()
	envCfg.RegistryOptions = append(envCfg.RegistryOptions, registry.WithHooks(hooksAs[registry.Hook](tel.hooks)...))
	env, err := exampleenv.Start(envCfg)
	if err != nil {
		return err
	}
	defer env.Close()
	if err := env.CreateTopic(ctx, cfg.Topic, 3); err != nil {
		return err
	}
	cfg.Hooks = append(cfg.Hooks, tel.hooks...)
	a, err := newApp(cfg, append(env.KafkaOpts(), tel.kotel...), env.Registry, log)
	if err != nil {
		return err
	}
	a.start()
	srv := &http.Server{Handler: tel.handler(a.handler()), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "kafka", env.KafkaDesc, "schema_registry", env.RegistryDesc)

	select {
	case <-ctx.Done():
	case err := <-served:
		_ = a.shutdown(context.Background())
		return err
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	herr := srv.Shutdown(sctx) // no new requests; the ones in flight finish
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		herr = errors.Join(herr, err)
	}
	aerr := a.shutdown(sctx) // deliver accepted events, stop the consumer
	log.Info("stopped")
	return errors.Join(herr, aerr)
}
