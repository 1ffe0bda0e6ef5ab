package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// config is what one quickstart run does.
type config struct {
	Records int
	Topic   string
	Timeout time.Duration
	Env     exampleenv.Config

	// tamper, when set, changes order i after it is built and before it
	// is produced (tests use it to check that verification fails).
	tamper func(i int, o *Order)
}

// partitions is the partition count of the topic the quickstart creates.
const partitions = 3

// run produces cfg.Records orders, consumes them back and verifies them,
// writing its progress and a summary to out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.Records < 1 {
		return errors.New("nothing to do: -n must be at least 1")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	env, err := exampleenv.Start(cfg.Env)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Fprintf(out, "srkit quickstart\n  Kafka:           %s\n  Schema Registry: %s\n", env.KafkaDesc, env.RegistryDesc)
	if err := env.CreateTopic(ctx, cfg.Topic, partitions); err != nil {
		return err
	}
	fmt.Fprintf(out, "  topic:           %s\n\n", cfg.Topic)

	runID := uuid.New()
	start := time.Now()
	var rep report
	ids, err := produce(ctx, env, cfg, runID, out, &rep)
	if err != nil {
		return err
	}
	if err := consume(ctx, env, cfg, runID, start, ids, out, &rep); err != nil {
		return err
	}

	subject := cfg.Topic + "-value"
	latest, err := env.Registry.LatestSchema(ctx, subject)
	if err != nil {
		return fmt.Errorf("reading back the schema: %w", err)
	}
	fmt.Fprintf(out, "\nsummary\n")
	fmt.Fprintf(out, "  records:    %d produced, %d consumed: %d intact, %d corrupt, %d missing, %d duplicates\n",
		cfg.Records, rep.consumed, rep.intact, rep.corrupt, rep.missing, rep.duplicates)
	fmt.Fprintf(out, "  throughput: produce %s, consume %s; %d bytes per Avro value on average\n",
		rate(cfg.Records, rep.produceTime), rate(rep.consumed, rep.consumeTime), rep.bytes/int64(max(rep.consumed, 1)))
	fmt.Fprintf(out, "  schema:     subject %q version %d, schema ID %d (%s record srkit.quickstart.Order)\n",
		subject, latest.Version, latest.ID, latest.Type())
	fmt.Fprintf(out, "  key:        the order ID as plain UTF-8, no schema\n")
	fmt.Fprintf(out, "  consumer:   group %q, lag after its last commit: %s\n", rep.group, rep.lag)
	if rep.missing > 0 || rep.corrupt > 0 {
		return fmt.Errorf("verification failed: %d of %d orders missing, %d corrupt", rep.missing, cfg.Records, rep.corrupt)
	}
	fmt.Fprintf(out, "OK: all %d orders arrived intact\n", cfg.Records)
	if env.Local {
		fmt.Fprintf(out, "\nNext: run it against your own cluster and registry by setting KAFKA_BOOTSTRAP_SERVERS and\n"+
			"SCHEMA_REGISTRY_URL (plus the credentials: go doc ./examples/quickstart), or try the other examples\n"+
			"(examples/httpservice, examples/evolution, one per schema format).\n")
	}
	return nil
}

// report is what one run measured and found.
type report struct {
	produceTime, consumeTime  time.Duration
	consumed, intact, corrupt int
	missing, duplicates       int
	bytes                     int64
	group                     string
	lag                       string
}

// produce sends the orders and waits for Kafka's acknowledgements. It
// returns the index of each order by ID.
func produce(ctx context.Context, env *exampleenv.Env, cfg config, runID uuid.UUID, out io.Writer, rep *report) (map[string]int, error) {
	// Durable defaults, stated: acks from all in-sync replicas, idempotent
	// writes (kgo's default), zstd batches, a short linger for throughput,
	// and a bound on how long a record may take to be delivered.
	cl, err := env.NewClient(
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.ZstdCompression(), kgo.SnappyCompression()),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.RecordDeliveryTimeout(time.Minute),
	)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ser, err := avro.NewSerializer[*Order](env.Registry, serde.Value, avro.WithSchema(orderSchema))
	if err != nil {
		return nil, err
	}
	p, err := producer.New(cl, producer.String(), ser)
	if err != nil {
		return nil, err
	}

	fmt.Fprintf(out, "producing %d orders (Avro values; the schema is registered on first use)\n", cfg.Records)
	ids := make(map[string]int, cfg.Records)
	var acked, failed atomic.Int64
	var firstErr atomic.Pointer[error]
	progress := newProgress(out, "acknowledged", cfg.Records)
	t0 := time.Now()
	for i := range cfg.Records {
		o := makeOrder(runID, i)
		ids[o.ID] = i
		if cfg.tamper != nil {
			cfg.tamper(i, o)
		}
		err := p.ProduceAsync(ctx, cfg.Topic, o.ID, o, func(_ producer.Result, err error) {
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, &err)
			}
			progress.set(int(acked.Add(1)))
		})
		if err != nil {
			return nil, fmt.Errorf("order %d: %w", i, err)
		}
	}
	if err := p.Close(ctx); err != nil { // waits for every acknowledgement
		return nil, err
	}
	progress.stop()
	if n := failed.Load(); n > 0 {
		return nil, fmt.Errorf("%d orders were not delivered; first error: %w", n, *firstErr.Load())
	}
	rep.produceTime = time.Since(t0)
	fmt.Fprintf(out, "produced %d orders in %v\n\n", cfg.Records, rep.produceTime.Round(time.Millisecond))
	return ids, nil
}

// consume reads the run's orders back in a new consumer group, starting at
// the run's start time (so that earlier runs' records on a shared topic are
// not read), and checks each against what was produced.
func consume(ctx context.Context, env *exampleenv.Env, cfg config, runID uuid.UUID, start time.Time, ids map[string]int, out io.Writer, rep *report) error {
	rep.group = exampleenv.UniqueGroup("srkit-quickstart")
	cl, err := env.NewClient(exampleenv.ConsumerOpts(rep.group, cfg.Topic, start)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	deser, err := avro.NewDeserializer[Order](env.Registry, serde.Value)
	if err != nil {
		return err
	}
	c, err := consumer.New(cl, consumer.String(), deser, consumer.Concurrency(partitions))
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "consuming in group %s\n", rep.group)
	var mu sync.Mutex
	seen := make([]int, cfg.Records)
	distinct := 0
	progress := newProgress(out, "verified", cfg.Records)
	runCtx, stop := context.WithTimeout(ctx, cfg.Timeout)
	defer stop()
	t0 := time.Now()
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, Order]) error {
		i, ours := ids[r.Key]
		if !ours {
			return nil // an earlier run's order on a shared topic
		}
		want := makeOrder(runID, i)
		mu.Lock()
		defer mu.Unlock()
		rep.consumed++
		rep.bytes += int64(len(r.Raw.Value))
		seen[i]++
		if seen[i] > 1 {
			rep.duplicates++
			return nil
		}
		distinct++
		if r.Value.ID == r.Key && equalOrders(&r.Value, want) {
			rep.intact++
		} else {
			rep.corrupt++
		}
		progress.set(distinct)
		if distinct == cfg.Records {
			stop()
		}
		return nil
	})
	progress.stop()
	rep.consumeTime = time.Since(t0)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rep.missing = cfg.Records - distinct
	fmt.Fprintf(out, "consumed %d orders in %v\n", rep.consumed, rep.consumeTime.Round(time.Millisecond))
	if lag, err := c.Lag(ctx); err == nil {
		rep.lag = strconv.FormatInt(lag.Total(), 10)
	} else {
		rep.lag = "unknown (" + err.Error() + ")"
	}
	return nil
}
