package consumer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/srkit-go/srkit/internal/hookset"
)

// Hook is any value that implements one or more of the Hook* interfaces of
// this package ([HookRecordStart], [HookRecord], [HookCommit],
// [HookFetchError], [HookLag]); [WithHooks] installs them. Hooks run
// synchronously on the goroutine that reports the event (the one handling
// the record, several at once with [Concurrency]: they must be safe for
// concurrent use), must be quick, must not block and must not retain the
// event past the call. Adapters (plugin/srkitprom, plugin/srkitotel)
// implement every Hook* interface of srkit's packages in one value.
//
// Deserialization events come from the deserializers' own hooks
// (serde.WithHooks); Kafka-level metrics and spans from franz-go's hooks on
// the client (kgo.WithHooks with plugin/kprom or plugin/kotel).
type Hook any

// HookRecordStart is called before a record is deserialized and handled.
// The context it returns (nil keeps ctx) is the one the deserializers, the
// handler and [HookRecord] get: a tracer starts the record's span here.
// ctx already carries the values of the record's kgo context
// (kgo.Record.Context, where plugin/kotel keeps its consume span), with
// the consumer's cancellation.
type HookRecordStart interface {
	OnRecordStart(ctx context.Context, r *kgo.Record) context.Context
}

// HookRecord is called once per record, when its outcome is known. [Run]
// reports every record it takes; [Consumer.Poll] reports the records the
// error policy took (skipped, dead-lettered, failed), as its caller handles
// the rest. ctx is the record's (see [HookRecordStart]).
type HookRecord interface {
	OnRecord(ctx context.Context, ev RecordEvent)
}

// HookCommit is called after each offset commit the consumer makes itself
// (after a batch without kgo.AutoCommitMarks, when it stops or shuts down)
// and, through [AutoCommitHooks], after kgo's periodic commits of the
// marked offsets.
type HookCommit interface {
	OnCommit(CommitEvent)
}

// HookFetchError is called for every error the client reports while
// fetching (they are also logged; kgo retries most of them itself). An
// ended context and a closed client are not reported.
type HookFetchError interface {
	OnFetchError(FetchErrorEvent)
}

// HookLag is called once per partition of every poll that returned records
// for it, with how far the consumer's fetching trails the partition's end.
// It costs no request: the figure comes with the fetch. For the group's
// committed lag, ask [Consumer.Lag].
type HookLag interface {
	OnLag(LagEvent)
}

// RecordEvent describes what became of one record.
type RecordEvent struct {
	Topic     string
	Partition int32
	Offset    int64
	Outcome   Outcome
	// Duration is the time from the record's start to its outcome:
	// deserialization, the handler with its retries, the error policy.
	Duration time.Duration
	// Err is the *RecordError that caused the outcome; nil for Handled.
	Err error
}

// CommitEvent describes one offset commit.
type CommitEvent struct {
	// Partitions is how many partitions' offsets the commit carried.
	Partitions int
	// Err is the commit's error (a request error or the first partition's
	// error); nil on success.
	Err error
}

// FetchErrorEvent describes one fetch error.
type FetchErrorEvent struct {
	Topic     string
	Partition int32
	Err       error
}

// LagEvent describes how far the fetching of one partition trails its end.
type LagEvent struct {
	Topic     string
	Partition int32
	// Lag is the partition's high watermark minus the offset after the
	// last record fetched: the records produced but not yet fetched.
	Lag int64
}

// hookSet is the installed hooks, sorted by interface.
type hookSet struct {
	start      []HookRecordStart
	record     []HookRecord
	commit     []HookCommit
	fetchError []HookFetchError
	lag        []HookLag
}

// sortHooks sorts hooks by the interfaces they implement; a value that
// implements none is an error, as it would be silently ignored.
func sortHooks(hooks []Hook) (hookSet, error) {
	var hs hookSet
	for _, h := range hooks {
		matched := []bool{
			hookset.Add(&hs.start, h), hookset.Add(&hs.record, h), hookset.Add(&hs.commit, h),
			hookset.Add(&hs.fetchError, h), hookset.Add(&hs.lag, h),
		}
		if !slices.Contains(matched, true) {
			return hookSet{}, fmt.Errorf("consumer: WithHooks: %T implements no consumer Hook interface "+
				"(HookRecordStart, HookRecord, HookCommit, HookFetchError, HookLag)", h)
		}
	}
	return hs, nil
}

// recordStart returns the context a record is processed in: ctx with the
// values of the record's kgo context, as the start hooks made it. Joining
// the two costs one small allocation per record that has a kgo context
// (one a kgo hook such as kotel's set); records without one cost nothing.
func (hs *hookSet) recordStart(ctx context.Context, r *kgo.Record) context.Context {
	if r.Context != nil {
		ctx = valuesOf{ctx, r.Context}
	}
	for _, h := range hs.start {
		if hc := h.OnRecordStart(ctx, r); hc != nil {
			ctx = hc
		}
	}
	return ctx
}

// reportRecord tells the record hooks about a record's outcome.
func (hs *hookSet) reportRecord(ctx context.Context, r *kgo.Record, outcome Outcome, rerr *RecordError, start time.Time) {
	ev := RecordEvent{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Outcome: outcome, Duration: time.Since(start)}
	if rerr != nil {
		ev.Err = rerr
	}
	for _, h := range hs.record {
		h.OnRecord(ctx, ev)
	}
}

// reportCommit tells the commit hooks about a commit.
func (hs *hookSet) reportCommit(partitions int, err error) {
	for _, h := range hs.commit {
		h.OnCommit(CommitEvent{Partitions: partitions, Err: err})
	}
}

// reportLag tells the lag hooks how far each partition of fs trails.
func (hs *hookSet) reportLag(fs kgo.Fetches) {
	if len(hs.lag) == 0 {
		return
	}
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		ev := LagEvent{Topic: p.Topic, Partition: p.Partition, Lag: max(0, p.HighWatermark-p.Records[len(p.Records)-1].Offset-1)}
		for _, h := range hs.lag {
			h.OnLag(ev)
		}
	})
}

// valuesOf is a context with the cancellation of its Context and the
// values of values first, then of its Context.
type valuesOf struct {
	context.Context
	values context.Context
}

// Value implements context.Context.
func (c valuesOf) Value(key any) any {
	if v := c.values.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// AutoCommitHooks returns a kgo option (kgo.AutoCommitCallback) that
// reports the client's periodic commits of marked offsets
// (kgo.AutoCommitMarks, see [GroupOptions]) to hooks, as [HookCommit]
// reports the commits the consumer makes itself:
//
//	cl, err := consumer.NewClient(kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
//		consumer.AutoCommitHooks(metrics))
//
// It replaces any other kgo.AutoCommitCallback of the client.
func AutoCommitHooks(hooks ...HookCommit) kgo.Opt {
	return kgo.AutoCommitCallback(func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		n := 0
		if resp != nil {
			for _, t := range resp.Topics {
				n += len(t.Partitions)
			}
		}
		if err == nil {
			err = commitResponseError(resp)
		}
		for _, h := range hooks {
			h.OnCommit(CommitEvent{Partitions: n, Err: err})
		}
	})
}
