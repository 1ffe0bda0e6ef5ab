package consumer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Record is a consumed record with its key and value deserialized.
type Record[K, V any] struct {
	Key       K
	Value     V
	Headers   []kgo.RecordHeader // the record's headers, schema-ID headers included
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	// Raw is the record as kgo fetched it (key and value bytes, leader
	// epoch, attributes); use it with the kgo client's own commit calls.
	Raw *kgo.Record
}

// Handler processes one record. Returning nil marks the record processed:
// its offset becomes committable once every earlier record of its partition
// is processed too. Returning an error applies the error policy
// ([OnError]). The context is cancelled only when a shutdown's grace period
// ([ShutdownTimeout]) runs out, so that the in-flight record can finish.
type Handler[K, V any] func(ctx context.Context, r Record[K, V]) error

// Consumer reads typed records from Kafka through a franz-go client and
// processes them with at-least-once semantics. Create it with [New].
type Consumer[K, V any] struct {
	cl      *kgo.Client
	key     part[K]
	value   part[V]
	scratch *Record[K, V] // decoded into by Poll and a sequential Run (never at once)
	cfg     config
	group   string
	marks   bool // the client uses kgo.AutoCommitMarks
	dlq     *kgo.Client
	running atomic.Bool

	// pending holds, in manual-commit mode, the offsets processed but not
	// yet committed. Only Run and Poll touch it, never at once.
	pending map[string]map[int32]kgo.EpochOffset
}

// New returns a consumer of records with keys of type K and values of type
// V, fetched by cl. keyDeserializer may be nil: Record.Key is then always
// the zero K (write K explicitly: consumer.New[[]byte](cl, nil, deser)).
//
// cl must already be configured to consume (kgo.ConsumeTopics, and
// kgo.ConsumerGroup for a group). A group consumer must not let kgo commit
// on its own: create the client with kgo.AutoCommitMarks() (recommended:
// the consumer marks processed records and kgo commits the marks
// periodically, before a rebalance and when leaving the group) or with
// kgo.DisableAutoCommit() (the consumer commits after every batch). kgo's
// default autocommit commits what was polled, processed or not, and is
// refused. [NewClient] makes a client with the recommended options
// ([GroupOptions]).
//
// The consumer does not own cl: it never closes it.
func New[K, V any](cl *kgo.Client, keyDeserializer Deserializer[K], valueDeserializer Deserializer[V], opts ...Option) (*Consumer[K, V], error) {
	if cl == nil {
		return nil, errors.New("consumer: nil *kgo.Client")
	}
	if valueDeserializer == nil {
		return nil, errors.New("consumer: nil value deserializer")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	c := &Consumer[K, V]{cl: cl, key: newPart(keyDeserializer), value: newPart(valueDeserializer), cfg: cfg, dlq: cfg.dlqClient,
		scratch: new(Record[K, V])}
	if c.dlq == nil {
		c.dlq = cl
	}
	c.group, _ = cl.OptValue(kgo.ConsumerGroup).(string)
	if c.group != "" {
		c.marks, _ = cl.OptValue(kgo.AutoCommitMarks).(bool)
		disabled, _ := cl.OptValue(kgo.DisableAutoCommit).(bool)
		if !c.marks && !disabled {
			return nil, errors.New("consumer: the client autocommits polled offsets, which can commit records before they are processed; " +
				"create it with kgo.AutoCommitMarks() or kgo.DisableAutoCommit() (see consumer.GroupOptions)")
		}
		if greedy, _ := cl.OptValue(kgo.GreedyAutoCommit).(bool); greedy {
			return nil, errors.New("consumer: kgo.GreedyAutoCommit commits records before they are processed")
		}
		if !c.marks {
			c.pending = make(map[string]map[int32]kgo.EpochOffset)
		}
	}
	return c, nil
}

// GroupOptions returns the kgo options a group consumer's client should
// have: kgo.AutoCommitMarks (commit only what the consumer marked processed)
// and kgo.BlockRebalanceOnPoll (no rebalance while a batch is being
// processed, so that a partition's new owner starts exactly where this
// member stopped). [NewClient] adds them; to build the client yourself, add
// them to its other options:
//
//	opts := append([]kgo.Opt{
//		kgo.SeedBrokers(brokers...),
//		kgo.ConsumerGroup("billing"),
//		kgo.ConsumeTopics("orders"),
//	}, consumer.GroupOptions()...)
//	cl, err := kgo.NewClient(opts...)
func GroupOptions() []kgo.Opt {
	return []kgo.Opt{kgo.AutoCommitMarks(), kgo.BlockRebalanceOnPoll()}
}

// NewClient returns a kgo client for a group consumer: kgo.NewClient with
// opts and [GroupOptions]. opts name the group (kgo.ConsumerGroup), the
// topics and anything else the client needs; opts itself is not modified.
//
//	cl, err := consumer.NewClient(
//		kgo.SeedBrokers(brokers...),
//		kgo.ConsumerGroup("billing"),
//		kgo.ConsumeTopics("orders"),
//	)
//
// kgo's own errors are returned, among them its refusal of the group
// options without kgo.ConsumerGroup or with kgo.DisableAutoCommit: a
// consumer without a group, or one committing after every batch, is given
// a client made with kgo.NewClient. The caller owns the client and closes
// it after the consumer is done.
func NewClient(opts ...kgo.Opt) (*kgo.Client, error) {
	cl, err := kgo.NewClient(slices.Concat(opts, GroupOptions())...)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	return cl, nil
}

// Client returns the kgo client the consumer reads through.
func (c *Consumer[K, V]) Client() *kgo.Client { return c.cl }

// Poll fetches the next batch of records (waiting until there is one or ctx
// is done) and deserializes them. Records that fail to deserialize follow
// the error policy: skipped or dead-lettered ones are left out of the
// result. With Stop, Poll returns the records before the failing one,
// together with its *RecordError, and rewinds so that the next Poll starts
// at the failing record.
//
// Poll does not commit: the caller commits processed records with
// [Consumer.Commit] (or the kgo client's MarkCommitRecords /
// CommitRecords with Record.Raw) and, if the client blocks rebalances on
// poll, calls [Consumer.AllowRebalance] when done with the batch. After a
// rewind (a *RecordError), kgo counts the rewound partition's position as
// committed and ignores marks below it: commit the records returned with
// the error through Commit, or they are delivered again after a restart.
func (c *Consumer[K, V]) Poll(ctx context.Context) ([]Record[K, V], error) {
	if !c.running.CompareAndSwap(false, true) {
		return nil, ErrRunning
	}
	defer c.running.Store(false)
	fs := c.cl.PollRecords(ctx, c.cfg.maxPoll)
	if fs.IsClientClosed() {
		return nil, ErrClientClosed
	}
	c.fetchErrors(fs)
	c.cfg.hooks.reportLag(fs)
	var out []Record[K, V]
	var stopErr *RecordError
	stopped := false
	rewind := map[string]map[int32]kgo.EpochOffset{}
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		for _, r := range p.Records {
			if stopped || ctx.Err() != nil {
				addOffset(rewind, r.Topic, r.Partition, kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset})
				return
			}
			hs := &c.cfg.hooks
			var start time.Time
			if len(hs.record) > 0 {
				start = time.Now()
			}
			rctx := ctx
			if len(hs.start) > 0 || r.Context != nil {
				rctx = hs.recordStart(ctx, r)
			}
			rerr := c.decode(rctx, ctx, r, c.scratch)
			if rerr == nil {
				out = append(out, *c.scratch)
				continue
			}
			outcome := c.fail(rctx, r, rerr)
			if len(hs.record) > 0 {
				hs.reportRecord(rctx, r, outcome, rerr, start)
			}
			switch outcome {
			case Skipped, DeadLettered:
				continue
			case Failed:
				stopErr = rerr
			}
			// Failed, or Interrupted by ctx: this record and the rest are
			// fetched again by the next Poll.
			stopped = true
			addOffset(rewind, r.Topic, r.Partition, kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset})
			return
		}
	})
	*c.scratch = Record[K, V]{}
	if len(rewind) > 0 {
		c.cl.SetOffsets(rewind)
	}
	if stopErr != nil {
		return out, stopErr
	}
	if len(out) == 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Commit synchronously commits the offsets after the given records (per
// partition, the highest), for callers of [Consumer.Poll]. It is an error
// without a consumer group.
func (c *Consumer[K, V]) Commit(ctx context.Context, records ...Record[K, V]) error {
	if c.group == "" {
		return ErrNoGroup
	}
	offsets := map[string]map[int32]kgo.EpochOffset{}
	for _, r := range records {
		if r.Raw == nil {
			continue
		}
		addOffset(offsets, r.Topic, r.Partition, kgo.EpochOffset{Epoch: r.Raw.LeaderEpoch, Offset: r.Offset + 1})
	}
	return c.commitOffsets(ctx, offsets)
}

// AllowRebalance lets a rebalance the client blocked while records were
// being processed go ahead (kgo.BlockRebalanceOnPoll). Run calls it after
// every batch; callers of Poll call it when done with a batch.
func (c *Consumer[K, V]) AllowRebalance() { c.cl.AllowRebalance() }

// addOffset records o for topic/partition in m, keeping the highest.
func addOffset(m map[string]map[int32]kgo.EpochOffset, topic string, partition int32, o kgo.EpochOffset) {
	ps := m[topic]
	if ps == nil {
		ps = map[int32]kgo.EpochOffset{}
		m[topic] = ps
	}
	if cur, ok := ps[partition]; ok && o.Less(cur) {
		return
	}
	ps[partition] = o
}

// commitOffsets commits offsets synchronously, reporting every partition
// error.
func (c *Consumer[K, V]) commitOffsets(ctx context.Context, offsets map[string]map[int32]kgo.EpochOffset) error {
	if len(offsets) == 0 {
		return nil
	}
	var rerr error
	c.cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			rerr = err
			return
		}
		rerr = commitResponseError(resp)
	})
	if len(c.cfg.hooks.commit) > 0 {
		n := 0
		for _, ps := range offsets {
			n += len(ps)
		}
		c.cfg.hooks.reportCommit(n, rerr)
	}
	return rerr
}

// commitResponseError returns the first partition error of a commit
// response, nil when there is none.
func commitResponseError(resp *kmsg.OffsetCommitResponse) error {
	if resp == nil {
		return nil
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Errorf("consumer: committing %s/%d: %w", t.Topic, p.Partition, err)
			}
		}
	}
	return nil
}
