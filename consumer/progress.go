package consumer

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// This file records what became of a batch: the offsets processed (marked,
// or queued for commit) and the partitions rewound to their first record
// not processed, after the batch (settle) or when Run leaves it behind
// (abandon).

// abandon gives up on a batch whose records are still being handled after
// the shutdown timeout: it commits what each partition had processed,
// rewinds the partitions to their first record not processed (for a later
// Run or Poll with the same client), and returns the error that names the
// records left behind. The goroutine still handling them keeps the batch
// and its scratch value, so the consumer takes a new scratch value; it
// touches neither the client nor the consumer again (see process).
func (b *batch[K, V]) abandon() error {
	c := b.c
	c.scratch = new(Record[K, V])
	var stuck []error
	rewind := map[string]map[int32]kgo.EpochOffset{}
	for i := range b.tasks {
		t := &b.tasks[i]
		n := int(t.settled.Load())
		if n > 0 {
			r := t.records[n-1]
			switch {
			case c.marks:
				c.cl.MarkCommitRecords(r)
			case c.pending != nil:
				addOffset(c.pending, t.topic, t.partition, kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset + 1})
			}
		}
		if n < len(t.records) {
			r := t.records[n]
			rewind[t.topic] = setOffset(rewind[t.topic], t.partition, kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset})
			stuck = append(stuck, fmt.Errorf("%w: topic %q partition %d offset %d still being handled after %v",
				ErrShutdownTimeout, t.topic, t.partition, r.Offset, c.cfg.shutdownTimeout))
		}
	}
	// Commit before rewinding, as kgo takes a rewind as committed (see
	// settle); the shutdown commits again and leaves the group.
	fctx, cancel := c.finalContext(b.ctx)
	if err := c.commitProcessed(fctx); err != nil {
		c.cfg.logger.Error("srkit/consumer: commit before leaving records behind", "error", err)
	}
	cancel()
	c.cl.SetOffsets(rewind)
	err := errors.Join(stuck...)
	c.cfg.logger.Error("srkit/consumer: shutdown timeout ran out; leaving the records being handled behind", "error", err)
	return err
}

// settle records the progress of every partition task.
func (b *batch[K, V]) settle() *RecordError {
	c := b.c
	var stopErr *RecordError
	var rewind map[string]map[int32]kgo.EpochOffset
	b.marks = b.marks[:0]
	for i := range b.tasks {
		t := &b.tasks[i]
		n := int(t.settled.Load())
		if n > 0 {
			done := t.records[n-1] // processed, and every record before it
			switch {
			case c.marks:
				b.marks = append(b.marks, done)
			case c.pending != nil:
				addOffset(c.pending, t.topic, t.partition, kgo.EpochOffset{Epoch: done.LeaderEpoch, Offset: done.Offset + 1})
			}
		}
		if n < len(t.records) {
			undone := t.records[n] // the first record not processed
			if rewind == nil {
				rewind = map[string]map[int32]kgo.EpochOffset{}
			}
			rewind[t.topic] = setOffset(rewind[t.topic], t.partition, kgo.EpochOffset{Epoch: undone.LeaderEpoch, Offset: undone.Offset})
		}
		if t.err != nil && stopErr == nil {
			stopErr = t.err
		}
		*t = partitionTask{}
	}
	if len(b.marks) > 0 {
		c.cl.MarkCommitRecords(b.marks...)
		clear(b.marks)
	}
	if rewind != nil {
		// The batch ends early (a failed record, a shutdown): commit what
		// was processed now, as kgo takes a rewind as committed, then
		// fetch again from the first unprocessed record, so that nothing
		// after it is processed (and committed) before it.
		fctx, cancel := c.finalContext(b.ctx)
		if err := c.commitProcessed(fctx); err != nil {
			c.cfg.logger.Error("srkit/consumer: commit before stopping", "error", err)
		}
		cancel()
		c.cl.SetOffsets(rewind)
	}
	return stopErr
}

func setOffset(m map[int32]kgo.EpochOffset, partition int32, o kgo.EpochOffset) map[int32]kgo.EpochOffset {
	if m == nil {
		m = map[int32]kgo.EpochOffset{}
	}
	m[partition] = o
	return m
}
