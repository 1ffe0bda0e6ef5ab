package consumer

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/deadletter"
	"github.com/srkit-go/srkit/serde"
)

// Header names srkit adds to dead-lettered records, the same in the
// consumer and in the producer (package producer exports the same names).
// Values are UTF-8 text; numbers are decimal.
const (
	// HeaderError holds the error message.
	HeaderError = deadletter.HeaderError
	// HeaderStage holds the [Stage]: "deserialize" or "handler" ("serialize"
	// for records the producer dead-letters).
	HeaderStage = deadletter.HeaderStage
	// HeaderPart says which part failed to deserialize: "key" or "value".
	HeaderPart = deadletter.HeaderPart
	// HeaderTopic, HeaderPartition and HeaderOffset locate the original
	// record.
	HeaderTopic     = deadletter.HeaderTopic
	HeaderPartition = deadletter.HeaderPartition
	HeaderOffset    = deadletter.HeaderOffset
	// HeaderGroup names the consumer group that gave up on the record.
	HeaderGroup = deadletter.HeaderGroup
)

// maxBackoff caps retry waits.
const maxBackoff = 30 * time.Second

// decode deserializes r's key and value with ctx into rec, the Record the
// calling goroutine holds (see Consumer.scratch): a Record on the stack
// would escape to the heap through DeserializeInto. Failures caused by the
// infrastructure are retried (see serde.IsTransient) until retryCtx is
// done or the attempts run out.
func (c *Consumer[K, V]) decode(ctx, retryCtx context.Context, r *kgo.Record, rec *Record[K, V]) *RecordError {
	rec.Headers, rec.Topic, rec.Partition = r.Headers, r.Topic, r.Partition
	rec.Offset, rec.Timestamp, rec.Raw = r.Offset, r.Timestamp, r
	if err := c.key.decode(ctx, r, r.Key, &rec.Key); err != nil {
		if err = retryTransient(ctx, retryCtx, c, r, serde.Key, &c.key, &rec.Key, err); err != nil {
			return &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Stage: StageDeserialize, Part: serde.Key, Err: err}
		}
	}
	if err := c.value.decode(ctx, r, r.Value, &rec.Value); err != nil {
		if err = retryTransient(ctx, retryCtx, c, r, serde.Value, &c.value, &rec.Value, err); err != nil {
			return &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Stage: StageDeserialize, Part: serde.Value, Err: err}
		}
	}
	return nil
}

// lean reports whether records need nothing but their fields copied and a
// handler call: the key and value deserializers are [Bytes] (or the key
// has none) and no record hook is installed.
func (c *Consumer[K, V]) lean() bool {
	hs := &c.cfg.hooks
	return (c.key.bytes || c.key.d == nil) && c.value.bytes && len(hs.start) == 0 && len(hs.record) == 0
}

// retryTransient retries (with ctx) a deserialization of r's part that
// failed with err, as long as the failure is the infrastructure's
// (serde.IsTransient): with exponential backoff, until it succeeds, fails
// for another reason, the attempts run out or retryCtx is done. It
// returns the last error, nil once a retry succeeded.
func retryTransient[K, V, T any](ctx, retryCtx context.Context, c *Consumer[K, V], r *kgo.Record, which serde.Part,
	p *part[T], dst *T, err error) error {
	payload := r.Value
	if which == serde.Key {
		payload = r.Key
	}
	backoff := c.cfg.transientWait
	for attempt := 1; attempt < c.cfg.transientTries && serde.IsTransient(err) && retryCtx.Err() == nil; attempt++ {
		c.cfg.logger.Warn("srkit/consumer: deserialization failed for a reason outside the record; retrying",
			"topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "part", which.String(),
			"attempt", attempt, "backoff", backoff, "error", err)
		if !sleep(retryCtx, backoff) {
			break
		}
		backoff = min(2*backoff, maxBackoff)
		if err = p.decode(ctx, r, payload, dst); err == nil {
			return nil
		}
	}
	return err
}

// sleep waits d or until ctx is done, reporting whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// fail applies the error policy to a record that could not be processed and
// returns its outcome: Skipped or DeadLettered (the record counts as
// processed), Failed (the consumer stops) or Interrupted (ctx ended first).
func (c *Consumer[K, V]) fail(ctx context.Context, r *kgo.Record, rerr *RecordError) Outcome {
	if ctx.Err() != nil {
		return Interrupted
	}
	if rerr.Stage == StageDeserialize && serde.IsTransient(rerr.Err) {
		return Failed
	}
	if dl, dlq := c.ruleDeadLetter(r.Topic, rerr); dl != nil {
		return c.sendDeadLetter(ctx, dlq, r, rerr, dl)
	}
	switch c.cfg.policy(rerr) {
	case Skip:
		c.cfg.logger.Warn("srkit/consumer: skipping record", "topic", r.Topic, "partition", r.Partition,
			"offset", r.Offset, "stage", string(rerr.Stage), "error", rerr.Err)
		return Skipped
	case DeadLetter:
		if c.cfg.dlqTopic == nil {
			rerr.DeadLetterErr = errNoDeadLetterTopic
			return Failed
		}
		return c.sendDeadLetter(ctx, c.cfg.dlqTopic(r.Topic), r, rerr, nil)
	}
	return Failed
}

// ruleDeadLetter returns the dead-letter request of a rule whose DLQ action
// failed r's deserialization (Confluent's DlqAction), and the topic to
// write it to: the rule's dlq.topic, else the consumer's dead-letter topic.
// It returns nil when there is no such request or no topic anywhere (the
// error policy then applies).
func (c *Consumer[K, V]) ruleDeadLetter(topic string, rerr *RecordError) (*serde.DeadLetter, string) {
	var re *serde.RuleError
	if rerr.Stage != StageDeserialize || !errors.As(rerr.Err, &re) || re.DeadLetter == nil {
		return nil, ""
	}
	dlq := re.DeadLetter.Topic
	if dlq == "" && c.cfg.dlqTopic != nil {
		dlq = c.cfg.dlqTopic(topic)
	}
	if dlq == "" {
		return nil, ""
	}
	return re.DeadLetter, dlq
}

// sendDeadLetter writes r to the dead-letter topic dlq and returns the
// outcome: DeadLettered once the write is acknowledged, else Failed (or
// Interrupted when ctx ended).
func (c *Consumer[K, V]) sendDeadLetter(ctx context.Context, dlq string, r *kgo.Record, rerr *RecordError, rule *serde.DeadLetter) Outcome {
	if err := c.deadLetter(ctx, dlq, r, rerr, rule); err != nil {
		if ctx.Err() != nil {
			return Interrupted
		}
		rerr.DeadLetterErr = err
		c.cfg.logger.Error("srkit/consumer: could not write record to the dead-letter topic", "topic", r.Topic,
			"partition", r.Partition, "offset", r.Offset, "dlq_topic", dlq, "cause", rerr.Err, "error", err)
		return Failed
	}
	c.cfg.logger.Warn("srkit/consumer: record sent to the dead-letter topic", "topic", r.Topic,
		"partition", r.Partition, "offset", r.Offset, "stage", string(rerr.Stage), "dlq_topic", dlq, "error", rerr.Err)
	return DeadLettered
}

// deadLetter writes r's original bytes and headers, plus the error headers
// (or, for a DLQ rule, the rule's headers first), to topic and waits for
// the acknowledgement.
func (c *Consumer[K, V]) deadLetter(ctx context.Context, topic string, r *kgo.Record, rerr *RecordError, rule *serde.DeadLetter) error {
	if rule != nil {
		// Confluent's DlqAction: the rule's __rule.* headers, then the
		// record's own, with its original key and value.
		hs := make([]kgo.RecordHeader, 0, len(rule.Headers)+len(r.Headers))
		hs = append(hs, serde.HeadersAs[kgo.RecordHeader](rule.Headers)...)
		hs = append(hs, r.Headers...)
		return c.dlq.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: r.Key, Value: r.Value, Headers: hs}).FirstErr()
	}
	hs := make([]kgo.RecordHeader, 0, len(r.Headers)+7)
	hs = append(hs, r.Headers...)
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderError, Value: []byte(rerr.Err.Error())},
		kgo.RecordHeader{Key: HeaderStage, Value: []byte(rerr.Stage)},
	)
	if rerr.Stage == StageDeserialize {
		hs = append(hs, kgo.RecordHeader{Key: HeaderPart, Value: []byte(rerr.Part.String())})
	}
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderTopic, Value: []byte(r.Topic)},
		kgo.RecordHeader{Key: HeaderPartition, Value: strconv.AppendInt(nil, int64(r.Partition), 10)},
		kgo.RecordHeader{Key: HeaderOffset, Value: strconv.AppendInt(nil, r.Offset, 10)},
	)
	if c.group != "" {
		hs = append(hs, kgo.RecordHeader{Key: HeaderGroup, Value: []byte(c.group)})
	}
	dr := &kgo.Record{Topic: topic, Key: r.Key, Value: r.Value, Headers: hs}
	return c.dlq.ProduceSync(ctx, dr).FirstErr()
}
