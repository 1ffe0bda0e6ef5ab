package producer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/serde"
)

// Producer writes typed records to Kafka through a franz-go client: it
// serializes the key and value with the given serializers (schema ID in the
// payload, or the schema GUID in a record header, as they are configured)
// and hands the bytes to kgo. It is safe for concurrent use; create one per
// key/value type pair and share it.
//
// Durability, batching and compression are the kgo client's: see the
// package documentation.
type Producer[K, V any] struct {
	cl     *kgo.Client
	ks     Serializer[K]
	vs     Serializer[V]
	hasKey bool
	cfg    config
	closed atomic.Bool
	pool   sync.Pool // *pending[K, V]
	// promise is promise[K, V], made once: a generic function's value
	// binds its type dictionary, which costs an allocation each time.
	promise func(*kgo.Record, error)

	gate gate // the hand-off of async records (see handoff)

	// Set when the serializers are [Bytes] (K or V is then []byte): the
	// value is sent as it is (see rawBytes).
	keyRaw, valRaw bool
	// lean: async records without headers, with a context that cannot
	// end, are leanRecords: the serializers are raw bytes and no produce
	// hook needs to hear of them.
	lean bool
}

// Result describes a record Kafka has acknowledged.
type Result struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	// DeadLetter is set when the record's key or value could not be
	// serialized and the record went to the dead-letter topic instead (see
	// [DeadLetterTopic]); Topic, Partition and Offset then locate the
	// dead-letter record. It is a *SerializeError.
	DeadLetter error
}

// New returns a producer of records with keys of type K and values of type
// V, sent through cl. keySerializer may be nil: records then have no key
// (a null key), whatever K is. The producer does not own cl: closing the
// producer leaves the client open.
func New[K, V any](cl *kgo.Client, keySerializer Serializer[K], valueSerializer Serializer[V], opts ...Option) (*Producer[K, V], error) {
	if cl == nil {
		return nil, errors.New("producer: nil *kgo.Client")
	}
	if valueSerializer == nil {
		return nil, errors.New("producer: nil value serializer")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	p := &Producer[K, V]{cl: cl, ks: keySerializer, vs: valueSerializer, hasKey: keySerializer != nil, cfg: cfg,
		promise: promise[K, V]}
	p.gate.init(cl)
	_, p.keyRaw = any(keySerializer).(bytesSerializer)
	_, p.valRaw = any(valueSerializer).(bytesSerializer)
	p.lean = p.valRaw && (p.keyRaw || !p.hasKey) && len(cfg.hooks.produce) == 0
	p.pool.New = func() any {
		return &pending[K, V]{p: p, x: new(extra)}
	}
	return p, nil
}

// Client returns the kgo client the producer writes through.
func (p *Producer[K, V]) Client() *kgo.Client { return p.cl }

// Produce serializes key and value for topic, sends the record with headers
// (plus any schema-ID header the serializers add) and waits until Kafka has
// acknowledged it (as the client's acks setting asks) or it has failed. A
// serialization failure returns a *SerializeError and sends nothing, unless
// a dead-letter topic takes the record (see [DeadLetterTopic]). ctx bounds
// the whole call: schema registration, waiting for buffer space, delivery.
// As with kgo's own Produce, a ctx that ends while kgo can still withdraw
// the record fails it, together with the records queued behind it in its
// partition; to wait for the acknowledgement without that (a request
// handler whose client may go away), use [Producer.Send] and [Future.Wait].
func (p *Producer[K, V]) Produce(ctx context.Context, topic string, key K, value V, headers ...Header) (Result, error) {
	start := p.cfg.hooks.started()
	pd, err := p.prepare(ctx, topic, key, value, headers)
	if err != nil {
		p.cfg.hooks.reportProduce(start, notSent(topic, err))
		return Result{}, err
	}
	x := pd.x
	x.start = start
	if x.done == nil {
		x.done = make(chan struct{}, 1)
	}
	p.cl.Produce(ctx, &pd.rec, p.promise)
	<-x.done
	res, err := x.res, x.err
	p.release(pd)
	return res, err
}

// ProduceAsync serializes key and value for topic and hands the record to
// the client without waiting for Kafka: it returns as soon as the record is
// buffered. It returns an error only when the record cannot be serialized
// (and is not dead-lettered) or the producer is closed; then callback is not
// called. Otherwise callback is called exactly once, when Kafka has
// acknowledged the record or it has failed, on franz-go's promise goroutine:
// it must be quick and must not block (start a goroutine for slow work, and
// never call Produce or Flush from it). callback may be nil.
//
// ctx bounds serialization and, when the client's buffer is full
// (kgo.MaxBufferedRecords / MaxBufferedBytes), waiting for space: if it
// ends first (or has ended when ProduceAsync is called), the record is not
// sent and callback reports ctx's error, on a goroutine of its own. It
// does not bound delivery once the record is buffered, so a request handler
// may pass its request's context and return at once. Delivery is bounded by
// the client's kgo.RecordDeliveryTimeout and kgo.RecordRetries. Values in
// ctx (trace spans) travel with the record: kgo.Record.Context is
// context.WithoutCancel(ctx), a context that never ends.
//
// The producer waits for buffer space itself, so that ctx ends the wait at
// any moment without touching records kgo has buffered. When another user
// of the same client takes the space it saw, kgo waits instead, and ctx
// ends that wait within 100ms.
func (p *Producer[K, V]) ProduceAsync(ctx context.Context, topic string, key K, value V, callback func(Result, error), headers ...Header) error {
	if p.lean && len(headers) == 0 && ctx.Done() == nil {
		if p.closed.Load() {
			return ErrClosed
		}
		lr := &leanRecord{gate: &p.gate, callback: callback}
		if p.keyRaw {
			lr.rec.Key = rawBytes(&key)
		}
		lr.rec.Value, lr.rec.Topic = rawBytes(&value), topic
		p.cl.Produce(ctx, &lr.rec, leanPromise)
		return nil
	}
	start := p.cfg.hooks.started()
	pd, err := p.prepare(ctx, topic, key, value, headers)
	if err != nil {
		p.cfg.hooks.reportProduce(start, notSent(topic, err))
		return err
	}
	pd.x.start = start
	pd.callback = callback
	pd.async = true
	p.hand(ctx, pd)
	return nil
}

// Send is [Producer.ProduceAsync] reporting through a [Future] instead of a
// callback: the Go counterpart of an awaitable produce.
func (p *Producer[K, V]) Send(ctx context.Context, topic string, key K, value V, headers ...Header) (*Future, error) {
	f := &Future{done: make(chan struct{})}
	if err := p.ProduceAsync(ctx, topic, key, value, f.resolve, headers...); err != nil {
		return nil, err
	}
	return f, nil
}

// Flush waits until every record buffered in the client (this producer's and
// any other's) has been acknowledged or has failed, or ctx is done. Records
// produced while Flush runs are waited for too.
func (p *Producer[K, V]) Flush(ctx context.Context) error { return p.cl.Flush(ctx) }

// Close makes the producer refuse new records ([ErrClosed]) and waits until
// the records already handed over are delivered or failed, or ctx is done.
// A call racing with Close may still get its record through. Close does not
// close the kgo client, which the caller owns; stop producing goroutines
// before closing it.
func (p *Producer[K, V]) Close(ctx context.Context) error {
	p.closed.Store(true)
	return p.cl.Flush(ctx)
}

// prepare takes a pending record (with its extra) from the pool and fills it: serialized key
// and value, headers, topic.
func (p *Producer[K, V]) prepare(ctx context.Context, topic string, key K, value V, headers []Header) (*pending[K, V], error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	pd := p.get()
	x := pd.x
	hs := append(x.hdrs[:0], headers...)
	switch {
	case p.keyRaw:
		pd.rec.Key = rawBytes(&key)
	case p.hasKey:
		kb, kh, err := p.ks.AppendSerialize(ctx, x.kbuf[:0], topic, key)
		if err != nil {
			x.hdrs = hs
			return p.failed(pd, topic, serde.Key, err, key, value, headers)
		}
		if kb != nil {
			x.kbuf = kb
		}
		pd.rec.Key = kb
		hs = append(hs, serde.HeadersAs[kgo.RecordHeader](kh)...)
	}
	if p.valRaw {
		pd.rec.Value = rawBytes(&value)
	} else {
		vb, vh, err := p.vs.AppendSerialize(ctx, x.vbuf[:0], topic, value)
		if err != nil {
			x.hdrs = hs
			return p.failed(pd, topic, serde.Value, err, key, value, headers)
		}
		if vb != nil {
			x.vbuf = vb
		}
		pd.rec.Value = vb
		hs = append(hs, serde.HeadersAs[kgo.RecordHeader](vh)...)
	}
	x.hdrs = hs
	if len(hs) > 0 {
		pd.rec.Headers = hs
	}
	pd.rec.Topic = topic
	return pd, nil
}

// failed handles a key or value that did not serialize: dead-letter it when
// configured and the error is one to dead-letter, else report it.
func (p *Producer[K, V]) failed(pd *pending[K, V], topic string, part serde.Part, err error, key K, value V, headers []Header) (*pending[K, V], error) {
	serr := &SerializeError{Topic: topic, Part: part, Err: err}
	if dl, dlTopic := p.ruleDeadLetter(topic, err); dl != nil {
		if derr := p.deadLetterRule(pd, topic, dlTopic, dl, serr, key, value, headers); derr != nil {
			serr.DeadLetterErr = derr
			p.cfg.hooks.reportDeadLetter(DeadLetterEvent{SourceTopic: topic, Topic: dlTopic, Cause: serr, Err: derr})
			p.release(pd)
			return nil, serr
		}
		return pd, nil
	}
	if p.cfg.dlqTopic == nil || !p.cfg.dlqWhen(err) {
		p.release(pd)
		return nil, serr
	}
	if derr := p.deadLetter(pd, topic, part, serr, key, value, headers); derr != nil {
		serr.DeadLetterErr = derr
		p.cfg.hooks.reportDeadLetter(DeadLetterEvent{SourceTopic: topic, Topic: p.cfg.dlqTopic(topic), Cause: serr, Err: derr})
		p.release(pd)
		return nil, serr
	}
	return pd, nil
}
