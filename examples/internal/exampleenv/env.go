// Package exampleenv gives srkit's examples a Kafka cluster and a Schema
// Registry: real ones when the environment names them, in-process ones
// (franz-go's kfake and srkit's mock registry) otherwise, so that every
// example runs on a fresh machine with no servers.
//
// Environment variables (the names Confluent's examples use):
//
//	KAFKA_BOOTSTRAP_SERVERS               host:port[,host:port...]
//	KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
//	                                      SASL/PLAIN over TLS (Confluent Cloud API key and secret)
//	SCHEMA_REGISTRY_URL                   https://psrc-....confluent.cloud
//	SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO  key:secret
//
// Kafka and the registry are chosen separately: KAFKA_BOOTSTRAP_SERVERS
// alone pairs a real cluster with the in-process registry, and the other
// way round. Credentials without their server, or half of a pair, are
// refused by [Start].
package exampleenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

// Config says where Kafka and the registry are. The zero Config means
// in-process ones.
type Config struct {
	Bootstrap    []string // empty: start an in-process kfake cluster
	SASLUser     string   // with SASLPassword: SASL/PLAIN over TLS
	SASLPassword string
	RegistryURL  string // empty: start the in-process mock registry
	RegistryAuth string // "user:password" for HTTP basic auth

	// RootCAs verifies the brokers' TLS certificates; nil means the
	// system's roots (Confluent Cloud's certificates chain to them).
	RootCAs *x509.CertPool

	// RegistryOptions are added to the registry client's options (hooks,
	// for example); not read from the environment.
	RegistryOptions []registry.Option
}

// Validate reports settings that cannot work together: credentials with no
// server to send them to, or half of a pair.
func (c Config) Validate() error {
	var errs []error
	if (c.SASLUser == "") != (c.SASLPassword == "") {
		errs = append(errs, errors.New("set both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, or neither"))
	}
	if c.SASLUser != "" && len(c.Bootstrap) == 0 {
		errs = append(errs, errors.New("KAFKA_SASL_USERNAME is set but KAFKA_BOOTSTRAP_SERVERS is not"))
	}
	if c.RegistryAuth != "" {
		if c.RegistryURL == "" {
			errs = append(errs, errors.New("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO is set but SCHEMA_REGISTRY_URL is not"))
		}
		if user, _, ok := strings.Cut(c.RegistryAuth, ":"); !ok || user == "" {
			errs = append(errs, errors.New("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be <key>:<secret>"))
		}
	}
	return errors.Join(errs...)
}

// FromEnv reads the Config from the environment variables listed in the
// package documentation.
func FromEnv() Config {
	var c Config
	if s := strings.TrimSpace(os.Getenv("KAFKA_BOOTSTRAP_SERVERS")); s != "" {
		for _, b := range strings.Split(s, ",") {
			if b = strings.TrimSpace(b); b != "" {
				c.Bootstrap = append(c.Bootstrap, b)
			}
		}
	}
	c.SASLUser = os.Getenv("KAFKA_SASL_USERNAME")
	c.SASLPassword = os.Getenv("KAFKA_SASL_PASSWORD")
	c.RegistryURL = strings.TrimSpace(os.Getenv("SCHEMA_REGISTRY_URL"))
	c.RegistryAuth = os.Getenv("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
	return c
}

// Env is a connected Kafka cluster and Schema Registry.
type Env struct {
	// Registry is a client of the registry; Env closes it.
	Registry *registry.Client
	// KafkaDesc and RegistryDesc describe what the example talks to, for
	// its output (no credentials).
	KafkaDesc, RegistryDesc string
	// Local is true when both run in process.
	Local bool

	kafkaOpts []kgo.Opt
	cluster   *kfake.Cluster
	mock      *mockregistry.Server
}

// Start connects to, or starts, Kafka and the registry.
func Start(cfg Config) (*Env, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Env{}
	if len(cfg.Bootstrap) == 0 {
		c, err := kfake.NewCluster(kfake.NumBrokers(1))
		if err != nil {
			return nil, fmt.Errorf("starting in-process Kafka: %w", err)
		}
		e.cluster = c
		e.kafkaOpts = []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}
		e.KafkaDesc = "in-process Kafka (kfake) at " + strings.Join(c.ListenAddrs(), ",")
	} else {
		e.kafkaOpts = []kgo.Opt{kgo.SeedBrokers(cfg.Bootstrap...)}
		e.KafkaDesc = "Kafka at " + strings.Join(cfg.Bootstrap, ",")
		if cfg.SASLUser != "" {
			e.kafkaOpts = append(e.kafkaOpts,
				kgo.SASL(plain.Auth{User: cfg.SASLUser, Pass: cfg.SASLPassword}.AsMechanism()),
				// kgo sets each broker's ServerName from its address.
				kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}))
			e.KafkaDesc += " (SASL/PLAIN over TLS)"
		}
	}
	var ropts []registry.Option
	if cfg.RegistryURL == "" {
		srv, err := mockregistry.NewServer()
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("starting the mock registry: %w", err)
		}
		e.mock = srv
		ropts = append(ropts, registry.URLs(srv.URL()))
		e.RegistryDesc = "in-process mock Schema Registry at " + srv.URL()
	} else {
		ropts = append(ropts, registry.URLs(cfg.RegistryURL))
		e.RegistryDesc = "Schema Registry at " + cfg.RegistryURL
		if cfg.RegistryAuth != "" {
			user, pass, _ := strings.Cut(cfg.RegistryAuth, ":")
			ropts = append(ropts, registry.BasicAuth(user, pass))
			e.RegistryDesc += " (basic auth)"
		}
	}
	rc, err := registry.New(append(ropts, cfg.RegistryOptions...)...)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.Registry = rc
	e.Local = e.cluster != nil && e.mock != nil
	return e, nil
}

// KafkaOpts returns the options that reach the cluster (seed brokers,
// SASL and TLS), to put before an example's own kgo options.
func (e *Env) KafkaOpts() []kgo.Opt { return append([]kgo.Opt(nil), e.kafkaOpts...) }

// NewClient returns a kgo client for the cluster with opts added.
func (e *Env) NewClient(opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append(e.KafkaOpts(), opts...)...)
}

// CreateTopic creates topic with the given number of partitions and the
// cluster's default replication factor; a topic that exists already is
// fine.
func (e *Env) CreateTopic(ctx context.Context, topic string, partitions int32) error {
	cl, err := e.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, -1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating topic %s: %w", topic, err)
	}
	return nil
}

// Close stops what Start started.
func (e *Env) Close() {
	if e.Registry != nil {
		e.Registry.Close()
	}
	if e.mock != nil {
		e.mock.Close()
	}
	if e.cluster != nil {
		e.cluster.Close()
	}
}

// ConsumerOpts returns the kgo options of a consumer in group reading
// topic from the records produced since the given time (so that an example
// run against a shared cluster reads its own records, not earlier runs'),
// with the options package consumer recommends.
func ConsumerOpts(group, topic string, since time.Time) []kgo.Opt {
	return append([]kgo.Opt{
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AfterMilli(since.Add(-time.Second).UnixMilli())),
		kgo.FetchMaxWait(250 * time.Millisecond),
	}, consumer.GroupOptions()...)
}

// Main runs an example's run function as its main: with the Config the
// environment gives, printing to standard output, cancelled by SIGINT or
// SIGTERM. A failure is printed after the example's name and exits with
// status 1.
func Main(name string, run func(context.Context, Config, io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, FromEnv(), os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// UniqueGroup returns a consumer group name that no earlier run used.
func UniqueGroup(prefix string) string {
	return prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}
