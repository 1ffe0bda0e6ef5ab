package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// appConfig configures the service.
type appConfig struct {
	Topic string // where OrderPlaced events go
	Group string // the background processor's consumer group
	// Hooks observe the serializer, deserializer, producer and consumer
	// (see observe.go).
	Hooks []hook
}

// app is the service: an HTTP API that produces OrderPlaced events, and a
// background consumer that processes them.
type app struct {
	cfg    appConfig
	log    *slog.Logger
	reg    *registry.Client
	pcl    *kgo.Client // producing client
	ccl    *kgo.Client // consuming client
	orders *producer.Producer[string, *OrderPlaced]
	proc   *consumer.Consumer[string, OrderPlaced]

	accepted, delivered, failed atomic.Int64

	mu        sync.RWMutex
	processed map[string]processedOrder

	stopConsumer context.CancelFunc
	consumerDone chan error
	// consumerStopped holds the error the background consumer stopped
	// with before shutdown (a record it could not process), for /healthz.
	consumerStopped atomic.Pointer[error]
}

// processedOrder is what the background consumer records per order.
type processedOrder struct {
	Event       OrderPlaced `json:"event"`
	Partition   int32       `json:"partition"`
	Offset      int64       `json:"offset"`
	ProcessedAt time.Time   `json:"processed_at"`
}

// newApp builds the service's Kafka clients, producer and consumer.
// kafkaOpts reach the cluster (seed brokers, SASL, TLS).
func newApp(cfg appConfig, kafkaOpts []kgo.Opt, reg *registry.Client, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, reg: reg, processed: map[string]processedOrder{}}
	var err error
	// The producer: durable settings (acks=all and idempotence are kgo's
	// defaults, stated here), zstd, a short linger, and a delivery bound so
	// that an event that cannot be delivered is reported, not retried
	// forever.
	a.pcl, err = kgo.NewClient(slices.Concat(kafkaOpts, []kgo.Opt{
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.ZstdCompression(), kgo.SnappyCompression()),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.RecordDeliveryTimeout(30 * time.Second),
	})...)
	if err != nil {
		return nil, err
	}
	ser, err := avro.NewSerializer[*OrderPlaced](reg, serde.Value, avro.WithSchema(orderPlacedSchema), serde.WithHooks(hooksAs[serde.Hook](cfg.Hooks)...))
	if err != nil {
		a.close()
		return nil, err
	}
	if a.orders, err = producer.New(a.pcl, producer.String(), ser, producer.WithLogger(log),
		producer.WithHooks(hooksAs[producer.Hook](cfg.Hooks)...)); err != nil {
		a.close()
		return nil, err
	}

	// The background consumer: a group member that commits only what it
	// has processed (consumer.NewClient adds consumer.GroupOptions()).
	a.ccl, err = consumer.NewClient(slices.Concat(kafkaOpts, []kgo.Opt{
		kgo.ConsumerGroup(cfg.Group),
		kgo.ConsumeTopics(cfg.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(250 * time.Millisecond),
		consumer.AutoCommitHooks(hooksAs[consumer.HookCommit](cfg.Hooks)...), // kgo's commits of the marks
	})...)
	if err != nil {
		a.close()
		return nil, err
	}
	deser, err := avro.NewDeserializer[OrderPlaced](reg, serde.Value, serde.WithHooks(hooksAs[serde.Hook](cfg.Hooks)...))
	if err != nil {
		a.close()
		return nil, err
	}
	if a.proc, err = consumer.New(a.ccl, consumer.String(), deser, consumer.WithLogger(log), consumer.Concurrency(4),
		consumer.WithHooks(hooksAs[consumer.Hook](cfg.Hooks)...)); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// start runs the background consumer until shutdown. If it stops before
// (a record it cannot process, under the default Stop policy), the error is
// logged and /healthz reports it: nothing is processed until the cause is
// fixed and the service restarted, and nothing after that record is
// committed.
func (a *app) start() {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopConsumer = cancel
	a.consumerDone = make(chan error, 1)
	go func() {
		err := a.proc.Run(ctx, a.process)
		if err != nil && ctx.Err() == nil {
			a.log.Error("background consumer stopped", "error", err)
			a.consumerStopped.Store(&err)
		}
		a.consumerDone <- err
	}()
}

// process is the consumer's handler: here it records the order as
// processed; a real service would bill, ship, notify... idempotently, as a
// record can be processed twice after a crash.
func (a *app) process(_ context.Context, r consumer.Record[string, OrderPlaced]) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.processed[r.Key] = processedOrder{Event: r.Value, Partition: r.Partition, Offset: r.Offset, ProcessedAt: time.Now().UTC()}
	return nil
}

// handler returns the HTTP API.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", a.placeOrder)
	mux.HandleFunc("GET /orders/{id}", a.getOrder)
	mux.HandleFunc("GET /healthz", a.health)
	return mux
}

// placeOrder validates the request and produces an OrderPlaced event
// without waiting for Kafka: the answer is 202 as soon as the event is
// buffered. ?wait=true waits for the acknowledgement and answers 201 with
// the event's partition and offset.
func (a *app) placeOrder(w http.ResponseWriter, r *http.Request) {
	var req placeOrderRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON: " + err.Error()})
		return
	}
	if err := req.validate(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	id := uuid.NewString()
	ev := req.event(id, time.Now())

	// The request's context bounds serialization (and waiting for room in
	// a full client buffer) only: the event is delivered after this
	// handler has returned, even if the client has gone away.
	var acked chan deliveryResult
	if r.URL.Query().Get("wait") == "true" {
		acked = make(chan deliveryResult, 1)
	}
	err := a.orders.ProduceAsync(r.Context(), a.cfg.Topic, id, ev, func(res producer.Result, err error) {
		if err != nil {
			a.failed.Add(1)
			a.log.Error("order event not delivered", "order_id", id, "error", err)
		} else {
			a.delivered.Add(1)
		}
		if acked != nil {
			acked <- deliveryResult{res, err}
		}
	})
	if err != nil {
		a.produceFailed(w, id, err)
		return
	}
	a.accepted.Add(1)
	if acked == nil {
		writeJSON(w, http.StatusAccepted, map[string]string{"id": id, "status": "accepted"})
		return
	}
	// ?wait=true: wait for Kafka's acknowledgement, but do not let this
	// request's end withdraw the event (as a cancelled Produce context
	// would, with the events queued behind it).
	select {
	case d := <-acked:
		if d.err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"id": id, "error": d.err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"id": id, "partition": d.res.Partition, "offset": d.res.Offset})
	case <-r.Context().Done():
		// The client has gone; the event is still on its way.
	}
}

// deliveryResult is the outcome of producing one event.
type deliveryResult struct {
	res producer.Result
	err error
}

// produceFailed answers for an event that could not be produced: the data's
// fault (it does not fit the schema) is a 422, anything else a 503.
func (a *app) produceFailed(w http.ResponseWriter, id string, err error) {
	a.log.Error("order event not produced", "order_id", id, "error", err)
	status := http.StatusServiceUnavailable
	var se *producer.SerializeError
	if errors.As(err, &se) && !serde.IsTransient(se.Err) {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, map[string]string{"id": id, "error": err.Error()})
}

// getOrder reports whether the background consumer has processed an order.
func (a *app) getOrder(w http.ResponseWriter, r *http.Request) {
	a.mu.RLock()
	p, ok := a.processed[r.PathValue("id")]
	a.mu.RUnlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not processed (yet)"})
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// health reports whether the brokers and the registry answer, whether the
// background consumer is running, and its lag: 200 when all three hold,
// 503 otherwise.
func (a *app) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status := http.StatusOK
	body := map[string]any{
		"events": map[string]int64{"accepted": a.accepted.Load(), "delivered": a.delivered.Load(), "failed": a.failed.Load()},
	}
	var wg sync.WaitGroup
	var kafkaErr, registryErr error
	wg.Add(2)
	go func() { defer wg.Done(); kafkaErr = a.pcl.Ping(ctx) }()
	go func() { defer wg.Done(); registryErr = a.reg.Ping(ctx) }()
	wg.Wait()
	for name, err := range map[string]error{"kafka": kafkaErr, "schema_registry": registryErr} {
		if err != nil {
			body[name] = "unreachable: " + err.Error()
			status = http.StatusServiceUnavailable
		} else {
			body[name] = "ok"
		}
	}
	if perr := a.consumerStopped.Load(); perr != nil {
		body["consumer"] = "stopped: " + (*perr).Error()
		status = http.StatusServiceUnavailable
	} else {
		body["consumer"] = "running"
	}
	if kafkaErr == nil {
		if lag, err := a.proc.Lag(ctx); err == nil {
			body["consumer_lag"] = lag.Total()
		} else {
			body["consumer_lag"] = fmt.Sprintf("unknown: %v", err)
		}
	}
	writeJSON(w, status, body)
}

// shutdown delivers the events already accepted, stops the background
// consumer (it finishes its in-flight records, commits and leaves the
// group) and closes the clients. Stop the HTTP server first.
func (a *app) shutdown(ctx context.Context) error {
	var errs []error
	if err := a.orders.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flushing events: %w", err))
	}
	if a.stopConsumer != nil {
		a.stopConsumer()
		select {
		case err := <-a.consumerDone:
			if err != nil {
				errs = append(errs, fmt.Errorf("consumer: %w", err))
			}
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("consumer: %w", ctx.Err()))
		}
	}
	a.close()
	return errors.Join(errs...)
}

func (a *app) close() {
	if a.pcl != nil {
		a.pcl.Close()
	}
	if a.ccl != nil {
		a.ccl.Close()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
