package producer

import (
	"fmt"
	"time"

	"github.com/srkit-go/srkit/internal/hookset"
)

// Hook is any value that implements one or more of the Hook* interfaces of
// this package ([HookProduce], [HookDeadLetter]); [WithHooks] installs
// them. Hooks run synchronously on the goroutine that reports the event
// (the caller's for a record that is not sent, franz-go's promise
// goroutine for one Kafka acknowledged or failed), must be quick, must not
// block and must not retain the event past the call. Adapters
// (plugin/srkitprom, plugin/srkitotel) implement every Hook* interface of
// srkit's packages in one value.
//
// Serialization events (per key and value, with the error's kind) come
// from the serializers' own hooks (serde.WithHooks); Kafka-level metrics and
// per-record produce spans from franz-go's hooks on the client
// (kgo.WithHooks with plugin/kprom or plugin/kotel).
type Hook any

// HookProduce is called once per record a Produce, ProduceAsync or Send
// call took: when Kafka has acknowledged it, when it has failed, or when it
// was not sent at all (it did not serialize and was not dead-lettered, the
// producer was closed, ctx ended before the record was buffered).
type HookProduce interface {
	OnProduce(ProduceEvent)
}

// HookDeadLetter is called for every record the producer sends to a
// dead-letter topic instead of its own (a key or value that did not
// serialize, or a rule whose action is DLQ), once the dead letter is
// written or has failed.
type HookDeadLetter interface {
	OnDeadLetter(DeadLetterEvent)
}

// ProduceEvent describes the outcome of one produced record.
type ProduceEvent struct {
	// Topic is the topic the record was written to: the dead-letter topic
	// for a dead-lettered record.
	Topic string
	// Partition and Offset locate the acknowledged record; -1 when it
	// was not written.
	Partition int32
	Offset    int64
	// Duration is the time from the call to the outcome: serialization,
	// waiting for buffer space, batching and the broker's acknowledgement.
	Duration time.Duration
	// Err is the record's error: a *SerializeError when it did not
	// serialize, [ErrClosed], ctx's error, or kgo's delivery error; nil
	// when Kafka acknowledged it.
	Err error
	// DeadLettered is set when the record went to the dead-letter topic
	// (see [DeadLetterEvent]).
	DeadLettered bool
}

// DeadLetterEvent describes one record the producer dead-lettered.
type DeadLetterEvent struct {
	// SourceTopic is the topic the record was meant for; Topic the
	// dead-letter topic.
	SourceTopic string
	Topic       string
	// Cause is the *SerializeError that sent the record to the dead-letter
	// topic (its Err is a *serde.RuleError for a rule's DLQ action).
	Cause error
	// Err is why the dead letter could not be written; nil when Kafka
	// acknowledged it.
	Err error
}

// hookSet is the installed hooks, sorted by interface.
type hookSet struct {
	produce    []HookProduce
	deadLetter []HookDeadLetter
}

// sortHooks sorts hooks by the interfaces they implement; a value that
// implements none is an error, as it would be silently ignored.
func sortHooks(hooks []Hook) (hookSet, error) {
	var hs hookSet
	for _, h := range hooks {
		p := hookset.Add(&hs.produce, h)
		d := hookset.Add(&hs.deadLetter, h)
		if !p && !d {
			return hookSet{}, fmt.Errorf("producer: WithHooks: %T implements no producer Hook interface (HookProduce, HookDeadLetter)", h)
		}
	}
	return hs, nil
}

// started returns the start time of a produce call: now when produce
// hooks are installed (they report durations), else the zero time, which
// costs nothing.
func (hs *hookSet) started() time.Time {
	if len(hs.produce) == 0 {
		return time.Time{}
	}
	return time.Now()
}

// reportProduce tells the produce hooks about a record's outcome.
func (hs *hookSet) reportProduce(start time.Time, ev ProduceEvent) {
	if len(hs.produce) == 0 {
		return
	}
	ev.Duration = time.Since(start)
	for _, h := range hs.produce {
		h.OnProduce(ev)
	}
}

// notSent is the ProduceEvent of a record that was not written.
func notSent(topic string, err error) ProduceEvent {
	return ProduceEvent{Topic: topic, Partition: -1, Offset: -1, Err: err}
}

// reportDeadLetter tells the dead-letter hooks about a dead letter.
func (hs *hookSet) reportDeadLetter(ev DeadLetterEvent) {
	for _, h := range hs.deadLetter {
		h.OnDeadLetter(ev)
	}
}
