package producer

import (
	"context"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"
)

// maxKeptBuffer is the largest key or value buffer a pooled record keeps
// for reuse; larger ones are left to the garbage collector so that one huge
// record does not pin its memory for good.
const maxKeptBuffer = 64 << 10

// pending is one record on its way to Kafka. kgo owns rec (and the buffers
// its Key and Value point into) from Produce until it calls the promise.
//
// A pending record is kept small (kgo.Record and four words): kgo's
// promise goroutine runs finish for every record one after the other, and
// up to the client's buffer limit of them are in flight, so a larger
// record costs throughput in cache misses. What only some records need is
// in extra: the buffers a serializer appends to, headers, the wait of a
// synchronous Produce, the hand-off of a cancellable context, dead-letter
// and hook state. A pending record goes back to the producer's pool when
// kgo is done with it, buffers included, so that steady-state producing
// through a serializer allocates nothing of its own. An async record of
// raw bytes without headers, with a context that cannot end, is a
// leanRecord instead.
type pending[K, V any] struct {
	// rec must stay the first field: promise finds the pending record
	// from the *kgo.Record kgo hands back (see promise).
	rec      kgo.Record
	p        *Producer[K, V]
	callback func(Result, error)
	x        *extra
	// holders counts who still holds an async record whose caller's
	// context is watched (kgo, hand, the watcher; see hand): the last one
	// recycles it. Without a watcher kgo alone holds it, and finish
	// recycles it without atomics.
	holders atomic.Int32
	watched bool
	async   bool
}

// extra is the part of a pending record only some records need.
type extra struct {
	kbuf []byte
	vbuf []byte
	hdrs []kgo.RecordHeader

	done    chan struct{} // Produce waits here (capacity 1; made on first use)
	handoff handoff       // how an async record with a cancellable context is handed to kgo (see hand)

	res   Result
	err   error
	start time.Time // when the call began, with produce hooks (see hookSet.started)

	// Set for dead-lettered records.
	source   string // the topic the record was meant for
	dlqCause error  // the *SerializeError
}

// promise is the kgo promise of every record the producer sends. kgo calls
// it with the very *kgo.Record it was given, which is the first field of a
// pending record: the pointer converts back to the pending record, so that
// no per-record closure is needed.
func promise[K, V any](r *kgo.Record, err error) {
	(*pending[K, V])(unsafe.Pointer(r)).finish(r, err)
}

// leanRecord is an async record of raw bytes without headers, with a
// context that cannot end, of a producer without produce hooks: all it
// needs besides kgo's record is the callback. It is allocated (as kgo's
// own Produce allocates a kgo.Record), not pooled: recycling costs more
// than the allocation it saves, as the pool would hand objects between
// kgo's promise goroutine and the producing one. Nothing in it depends on
// the producer's types, so that its promise is a plain function.
type leanRecord struct {
	// rec must stay the first field (see leanPromise).
	rec      kgo.Record
	gate     *gate
	callback func(Result, error)
}

// leanPromise is the kgo promise of a leanRecord, found from the
// *kgo.Record kgo hands back as promise finds a pending record.
func leanPromise(r *kgo.Record, err error) {
	lr := (*leanRecord)(unsafe.Pointer(r))
	lr.gate.freed()
	if lr.callback != nil {
		lr.callback(Result{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp}, err)
	}
}

// finish completes the pending record once kgo is done with it.
func (pd *pending[K, V]) finish(r *kgo.Record, err error) {
	p := pd.p
	p.gate.freed()
	x := pd.x
	if pd.async {
		err = x.handoff.cause(err)
	}
	dlqCause := x.dlqCause
	if dlqCause != nil {
		p.reportDeadLetter(x.source, r.Topic, dlqCause, err)
	}
	if hs := &p.cfg.hooks; len(hs.produce) > 0 {
		ev := ProduceEvent{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Err: err, DeadLettered: dlqCause != nil}
		if err != nil {
			ev.Partition, ev.Offset = -1, -1
		}
		hs.reportProduce(x.start, ev)
	}
	res := Result{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp, DeadLetter: dlqCause}
	if !pd.async {
		x.res, x.err = res, err
		x.done <- struct{}{}
		return
	}
	cb := pd.callback
	if pd.watched {
		p.drop(pd)
	} else {
		p.release(pd)
	}
	if cb != nil {
		cb(res, err)
	}
}

// drop gives up one hold on an async record, recycling it after the last.
func (p *Producer[K, V]) drop(pd *pending[K, V]) {
	if pd.holders.Add(-1) == 0 {
		p.release(pd)
	}
}

// get returns a pending record from the pool, with its extra.
func (p *Producer[K, V]) get() *pending[K, V] {
	return p.pool.Get().(*pending[K, V])
}

// release returns pd to the pool, cleared.
func (p *Producer[K, V]) release(pd *pending[K, V]) {
	x := pd.x
	if cap(x.kbuf) > maxKeptBuffer {
		x.kbuf = nil
	}
	if cap(x.vbuf) > maxKeptBuffer {
		x.vbuf = nil
	}
	clear(x.hdrs) // drop references to header values
	if cap(x.hdrs) > 64 {
		x.hdrs = nil
	}
	x.hdrs = x.hdrs[:0]
	x.handoff.reset()
	x.res, x.err, x.start = Result{}, nil, time.Time{}
	x.source, x.dlqCause = "", nil
	pd.rec = kgo.Record{}
	pd.async, pd.watched, pd.callback = false, false, nil
	p.pool.Put(pd)
}

func (p *Producer[K, V]) reportDeadLetter(topic, dlqTopic string, cause, produceErr error) {
	if produceErr != nil {
		p.cfg.logger.Error("srkit/producer: could not write record to the dead-letter topic",
			"topic", topic, "dlq_topic", dlqTopic, "cause", cause, "error", produceErr)
	} else {
		p.cfg.logger.Warn("srkit/producer: record could not be serialized; sent to the dead-letter topic",
			"topic", topic, "dlq_topic", dlqTopic, "cause", cause)
	}
	p.cfg.hooks.reportDeadLetter(DeadLetterEvent{SourceTopic: topic, Topic: dlqTopic, Cause: cause, Err: produceErr})
}

// Future is the result of [Producer.Send]: it resolves once Kafka has
// acknowledged the record or it has failed.
type Future struct {
	done chan struct{}
	res  Result
	err  error
}

func (f *Future) resolve(res Result, err error) {
	f.res, f.err = res, err
	close(f.done)
}

// Done returns a channel closed when the future has resolved.
func (f *Future) Done() <-chan struct{} { return f.done }

// Wait waits until the future resolves or ctx is done, and returns the
// result. A ctx error does not cancel the record, which stays on its way.
func (f *Future) Wait(ctx context.Context) (Result, error) {
	select {
	case <-f.done:
		return f.res, f.err
	default:
	}
	select {
	case <-f.done:
		return f.res, f.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}
