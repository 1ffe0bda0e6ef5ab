// Command quickstart is srkit's first run: it produces typed orders to Kafka
// through a Schema Registry, consumes them back and checks that every one
// arrived intact.
//
//	go run ./examples/quickstart            # in-process Kafka and registry
//	go run ./examples/quickstart -n 100000  # more records
//
// With no environment it starts an in-process Kafka (franz-go's kfake) and
// srkit's mock Schema Registry, so it needs no servers. To run it against a
// real cluster and registry (Confluent Cloud: SASL/PLAIN over TLS, basic auth
// to the registry), set
//
//	KAFKA_BOOTSTRAP_SERVERS=pkc-....confluent.cloud:9092
//	KAFKA_SASL_USERNAME=<API key>  KAFKA_SASL_PASSWORD=<API secret>
//	SCHEMA_REGISTRY_URL=https://psrc-....confluent.cloud
//	SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=<SR key>:<SR secret>
//
// It exits with status 1 if any record is missing or differs from what was
// produced.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
)

func main() {
	cfg := config{Env: exampleenv.FromEnv()}
	flag.IntVar(&cfg.Records, "n", 10000, "number of orders to produce and consume")
	flag.StringVar(&cfg.Topic, "topic", "srkit-quickstart-orders", "topic to use (created if missing)")
	flag.DurationVar(&cfg.Timeout, "timeout", 2*time.Minute, "give up consuming after this long")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		stop()
		os.Exit(1)
	}
}
