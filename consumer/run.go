package consumer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/serde"
)

// Run polls and processes records until ctx is cancelled or a record fails
// under the Stop policy, calling h for every record in offset order per
// partition (several partitions at once with [Concurrency]).
//
// Offsets are committed at least once: a record's offset becomes committable
// only after h has returned nil for it (or it was skipped or dead-lettered
// by the error policy) and for every record before it in its partition. A
// record that was neither processed nor dead-lettered is never committed
// past, so after a crash, a rebalance or a restart, consumption resumes at
// the first record not processed; records may then be seen twice, never
// lost.
//
// When ctx is cancelled Run finishes the records being handled (their
// handler context stays alive for [ShutdownTimeout]), starts no new ones,
// commits, leaves the group (unless [StayInGroup]) and returns nil, or the
// error of that last commit or leave. A handler or deserializer that is
// still running when the shutdown timeout has run out (one that ignores
// its context) is left behind: Run commits what was processed before its
// record, leaves the group and returns an error matching
// [ErrShutdownTimeout] that names the record. When a
// record fails under Stop, Run commits what was processed before it and
// returns its *[RecordError]; a later Run or Poll starts again at that
// record. Run never closes the kgo client.
func (c *Consumer[K, V]) Run(ctx context.Context, h Handler[K, V]) error {
	if h == nil {
		return errors.New("consumer: nil handler")
	}
	if !c.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer c.running.Store(false)

	// The handler's context outlives ctx by the shutdown grace period, so
	// that a shutdown lets in-flight records finish.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	var graceTimer atomic.Pointer[time.Timer]
	stopGrace := context.AfterFunc(ctx, func() {
		graceTimer.Store(time.AfterFunc(c.cfg.shutdownTimeout, hcancel))
	})
	defer func() {
		stopGrace()
		if t := graceTimer.Load(); t != nil {
			t.Stop()
		}
	}()

	// The consumer polls and handles records on a goroutine of its own, so
	// that a handler or deserializer that ignores its context cannot keep
	// Run from returning after the shutdown timeout (see abandon). Run
	// waits for it; nothing is handed between goroutines per batch.
	b := &batch[K, V]{c: c, ctx: ctx, hctx: hctx, h: h, lean: c.lean()}
	done := make(chan error, 1)
	go func() { done <- b.loop() }()
	select {
	case err := <-done:
		return err
	case <-hctx.Done():
		// The shutdown timeout ran out: give the records being handled a
		// last moment, then leave them behind.
		t := time.NewTimer(abandonWait)
		defer t.Stop()
		select {
		case err := <-done:
			return err
		case <-t.C:
		}
		if !b.state.CompareAndSwap(handling, abandoned) {
			// Not handling records but polling or committing, which the
			// cancelled context and finalContext bound.
			return <-done
		}
		stuck := b.abandon()
		return errors.Join(stuck, c.shutdown(ctx))
	}
}

// loop polls and processes batches until ctx is cancelled, a record fails
// under Stop, or Run abandoned the records being handled.
func (b *batch[K, V]) loop() error {
	c, ctx := b.c, b.ctx
	for {
		if ctx.Err() != nil {
			return c.shutdown(ctx)
		}
		fs := c.cl.PollRecords(ctx, c.cfg.maxPoll)
		if fs.IsClientClosed() {
			return ErrClientClosed
		}
		c.fetchErrors(fs)
		c.cfg.hooks.reportLag(fs)
		stopErr, abandoned := b.process(fs)
		if abandoned {
			// Run has returned; the batch is no longer this goroutine's.
			return nil
		}
		if stopErr != nil {
			c.cl.AllowRebalance()
			return stopErr
		}
		if ctx.Err() == nil && c.pending != nil {
			if err := c.commitProcessed(ctx); err != nil && ctx.Err() == nil {
				c.cfg.logger.Warn("srkit/consumer: commit failed; will retry after the next batch", "error", err)
			}
		}
		c.cl.AllowRebalance()
	}
}

// finalContext bounds the commits and the group leave of a shutdown.
func (c *Consumer[K, V]) finalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), max(c.cfg.shutdownTimeout, time.Second))
}

// shutdown commits what was processed, lets any blocked rebalance go and
// leaves the group.
func (c *Consumer[K, V]) shutdown(ctx context.Context) error {
	fctx, cancel := c.finalContext(ctx)
	defer cancel()
	err := c.commitProcessed(fctx)
	c.cl.AllowRebalance()
	if c.group != "" && !c.cfg.stayInGroup {
		if lerr := c.cl.LeaveGroupContext(fctx); lerr != nil {
			err = errors.Join(err, lerr)
		}
	}
	if err != nil {
		c.cfg.logger.Error("srkit/consumer: shutdown", "error", err)
	}
	return err
}

// commitProcessed synchronously commits every processed offset: the marks
// (kgo.AutoCommitMarks), or the offsets pending in manual mode.
func (c *Consumer[K, V]) commitProcessed(ctx context.Context) error {
	switch {
	case c.group == "":
		return nil
	case c.marks:
		if len(c.cfg.hooks.commit) == 0 {
			return c.cl.CommitMarkedOffsets(ctx)
		}
		n := 0
		for _, ps := range c.cl.MarkedOffsets() {
			n += len(ps)
		}
		err := c.cl.CommitMarkedOffsets(ctx)
		c.cfg.hooks.reportCommit(n, err)
		return err
	default:
		if err := c.commitOffsets(ctx, c.pending); err != nil {
			return err
		}
		clear(c.pending)
		return nil
	}
}

// fetchErrors logs and reports the errors of a poll. kgo retries most
// fetch errors itself; a cancelled context or a closed client is not an
// error here.
func (c *Consumer[K, V]) fetchErrors(fs kgo.Fetches) {
	fs.EachError(func(topic string, partition int32, err error) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrClientClosed) {
			return
		}
		c.cfg.logger.Warn("srkit/consumer: fetch error", "topic", topic, "partition", partition, "error", err)
		for _, h := range c.cfg.hooks.fetchError {
			h.OnFetchError(FetchErrorEvent{Topic: topic, Partition: partition, Err: err})
		}
	})
}

// batch processes the records of one poll.
type batch[K, V any] struct {
	c    *Consumer[K, V]
	ctx  context.Context // Run's: cancelled means start no new record
	hctx context.Context // the handlers'
	h    Handler[K, V]

	// lean: the consumer is lean (see Consumer.lean); records without a
	// kgo context take the shortest path.
	lean  bool
	tasks []partitionTask
	stop  atomic.Bool
	marks []*kgo.Record
	// state is idle, handling (the handlers run: Run may abandon them) or
	// abandoned (Run left them behind and returned).
	state atomic.Int32
}

// batch states (batch.state).
const (
	idle int32 = iota
	handling
	abandoned
)

// abandonWait is how long, once the shutdown timeout has cancelled the
// handlers' context, the consumer still waits for the records being
// handled before leaving them behind (see Run).
const abandonWait = 100 * time.Millisecond

// partitionTask is one partition's records in a poll and what became of
// them.
type partitionTask struct {
	topic     string
	partition int32
	records   []*kgo.Record
	err       *RecordError // why the consumer stops, if it does
	// settled is how many records are processed (all of them, or those
	// before the first record not processed); atomic for a shutdown that
	// cannot wait for the handlers.
	settled atomic.Int32
}

// process handles every record of fs, then marks (or queues for commit) what
// was processed and rewinds the partitions to their first unprocessed
// record. It returns the failure that stops the consumer, if any, or
// whether Run abandoned the records while they were being handled (then
// the batch is Run's: nothing of it is settled here).
func (b *batch[K, V]) process(fs kgo.Fetches) (stopErr *RecordError, abandonedByRun bool) {
	b.tasks = b.tasks[:0]
	b.stop.Store(false)
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) > 0 {
			b.tasks = append(b.tasks, partitionTask{topic: p.Topic, partition: p.Partition, records: p.Records})
		}
	})
	if len(b.tasks) == 0 {
		return nil, false
	}
	// Read the scratch Record before the state says handling: from then on
	// Run may abandon the batch and give the consumer a new one.
	sc := b.c.scratch
	b.state.Store(handling)
	b.handleAll(sc)
	if !b.state.CompareAndSwap(handling, idle) {
		return nil, true
	}
	return b.settle(), false
}

// handleAll handles the records of every task, decoding into sc when
// handling them one partition at a time.
func (b *batch[K, V]) handleAll(sc *Record[K, V]) {
	if n := min(b.c.cfg.concurrency, len(b.tasks)); n <= 1 {
		for i := range b.tasks {
			b.partition(&b.tasks[i], sc)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sc := new(Record[K, V])
				for i := int(next.Add(1) - 1); i < len(b.tasks); i = int(next.Add(1) - 1) {
					b.partition(&b.tasks[i], sc)
				}
			}()
		}
		wg.Wait()
	}
	// Hold on to nothing of the batch.
	*sc = Record[K, V]{}
}

// partition handles one partition's records in order until they are done,
// the consumer stops or shuts down, decoding into the calling goroutine's
// sc.
func (b *batch[K, V]) partition(t *partitionTask, sc *Record[K, V]) {
	c := b.c
	// lean is the Record of the lean path, on the stack: every field is
	// set for each record (the key stays zero without a key deserializer).
	var lean Record[K, V]
	for i, r := range t.records {
		// ctx.Err is an atomic load for the standard contexts, a good
		// deal cheaper per record than a select on Done.
		if b.stop.Load() || b.ctx.Err() != nil {
			return
		}
		var outcome Outcome
		var rerr *RecordError
		if b.lean && r.Context == nil {
			// record, without what a lean consumer does not need. The
			// Record is on the stack, not in sc: writing pointers to the
			// heap costs a write barrier each while the garbage
			// collector runs.
			if c.key.bytes {
				lean.Key = any(r.Key).(K)
			}
			lean.Value, lean.Headers, lean.Topic, lean.Partition = any(r.Value).(V), r.Headers, r.Topic, r.Partition
			lean.Offset, lean.Timestamp, lean.Raw = r.Offset, r.Timestamp, r
			if err := b.h(b.hctx, lean); err != nil {
				*sc = lean
				outcome, rerr = b.finish(b.hctx, r, sc, nil, err, time.Time{})
			}
		} else {
			outcome, rerr = b.record(r, sc)
		}
		switch outcome {
		case Handled, Skipped, DeadLettered:
			t.settled.Store(int32(i + 1))
		case Interrupted:
			return
		default:
			t.err = rerr
			b.stop.Store(true)
			return
		}
	}
}

// record deserializes r into rec and handles it, applying the error policy.
func (b *batch[K, V]) record(r *kgo.Record, rec *Record[K, V]) (Outcome, *RecordError) {
	hs := &b.c.cfg.hooks
	var start time.Time
	if len(hs.record) > 0 {
		start = time.Now()
	}
	ctx := b.hctx
	if len(hs.start) > 0 || r.Context != nil {
		ctx = hs.recordStart(ctx, r)
	}
	rerr := b.c.decode(ctx, b.ctx, r, rec)
	var err error
	if rerr == nil {
		err = b.h(ctx, *rec)
	}
	if rerr == nil && err == nil && len(hs.record) == 0 {
		return Handled, nil
	}
	return b.finish(ctx, r, rec, rerr, err, start)
}

// finish completes a record that failed to deserialize (rerr), whose
// handler failed (err), or whose outcome the record hooks are told about
// (started at start): it retries the handler as configured, applies the
// error policy and reports the outcome.
func (b *batch[K, V]) finish(ctx context.Context, r *kgo.Record, rec *Record[K, V], rerr *RecordError, err error, start time.Time) (Outcome, *RecordError) {
	c := b.c
	outcome := Handled
	if err != nil {
		interrupted, err := b.retry(ctx, rec, err)
		if err != nil {
			rerr = &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Stage: StageHandler, Err: err}
		}
		if interrupted {
			outcome = Interrupted
		}
	}
	switch {
	case rerr == nil || outcome == Interrupted:
	case rerr.Stage == StageDeserialize && serde.IsTransient(rerr.Err) && b.ctx.Err() != nil:
		// A shutdown cut the retries short: the record is left for the
		// next consumer.
		outcome = Interrupted
	default:
		outcome = c.fail(ctx, r, rerr)
	}
	if hs := &c.cfg.hooks; len(hs.record) > 0 {
		hs.reportRecord(ctx, r, outcome, rerr, start)
	}
	return outcome, rerr
}

// retry calls the handler again for a record it failed with err, as
// configured. It reports interrupted when a shutdown cut the retries
// short: the record is then left for the next consumer rather than given
// up on.
func (b *batch[K, V]) retry(ctx context.Context, rec *Record[K, V], err error) (interrupted bool, _ error) {
	backoff := b.c.cfg.retryBackoff
	for attempt := 1; err != nil && attempt <= b.c.cfg.handlerRetries; attempt++ {
		if ctx.Err() != nil || b.ctx.Err() != nil {
			return true, err
		}
		b.c.cfg.logger.Warn("srkit/consumer: handler failed; retrying", "topic", rec.Topic, "partition", rec.Partition,
			"offset", rec.Offset, "attempt", attempt, "backoff", backoff, "error", err)
		if !sleep(b.ctx, backoff) {
			return true, err
		}
		backoff = min(2*backoff, maxBackoff)
		err = b.h(ctx, *rec)
	}
	return false, err
}
