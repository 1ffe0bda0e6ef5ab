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
// its Key and Value point into) from Produce until it calls the promise;
// after that the producer recycles the whole pending record, buffers
// included, so that steady-state producing allocates nothing of its own.
type pending[K, V any] struct {
	// rec must stay the first field: promise finds the pending record
	// from the *kgo.Record kgo hands back (see promise).
	rec  kgo.Record
	p    *Producer[K, V]
	kbuf []byte
	vbuf []byte
	hdrs []kgo.RecordHeader

	done     chan struct{} // Produce waits here (capacity 1; made on first use)
	async    bool
	callback func(Result, error)
	handoff  handoff      // how an async record is handed to kgo (see hand)
	holders  atomic.Int32 // async: who still holds pd (kgo, hand, the watcher); the last recycles it

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

// finish completes the pending record once kgo is done with it.
func (pd *pending[K, V]) finish(r *kgo.Record, err error) {
	pd.p.gate.freed()
	pd.res = Result{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp, DeadLetter: pd.dlqCause}
	if pd.async {
		err = pd.handoff.cause(err)
	}
	pd.err = err
	if pd.dlqCause != nil {
		pd.p.reportDeadLetter(pd.source, r.Topic, pd.dlqCause, err)
	}
	if hs := &pd.p.cfg.hooks; len(hs.produce) > 0 {
		ev := ProduceEvent{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Err: err, DeadLettered: pd.dlqCause != nil}
		if err != nil {
			ev.Partition, ev.Offset = -1, -1
		}
		hs.reportProduce(pd.start, ev)
	}
	if !pd.async {
		pd.done <- struct{}{}
		return
	}
	cb, res := pd.callback, pd.res
	pd.p.drop(pd)
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

// release returns pd to the pool, cleared.
func (p *Producer[K, V]) release(pd *pending[K, V]) {
	if cap(pd.kbuf) > maxKeptBuffer {
		pd.kbuf = nil
	}
	if cap(pd.vbuf) > maxKeptBuffer {
		pd.vbuf = nil
	}
	clear(pd.hdrs) // drop references to header values
	if cap(pd.hdrs) > 64 {
		pd.hdrs = nil
	}
	pd.hdrs = pd.hdrs[:0]
	pd.rec = kgo.Record{}
	pd.async, pd.callback = false, nil
	pd.handoff.reset()
	pd.res, pd.err, pd.start = Result{}, nil, time.Time{}
	pd.source, pd.dlqCause = "", nil
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
