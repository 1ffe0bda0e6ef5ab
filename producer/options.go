package producer

import (
	"context"
	"errors"
	"log/slog"

	"github.com/srkit-go/srkit/serde"
)

// Option configures a [Producer].
type Option func(*config) error

type config struct {
	logger    *slog.Logger
	dlqTopic  func(topic string) string
	dlqEncode func(v any) ([]byte, error)
	dlqWhen   func(err error) bool
	hooks     Hooks
}

func newConfig(opts []Option) (config, error) {
	c := config{
		logger:    slog.Default(),
		dlqEncode: EncodeForDeadLetter,
		dlqWhen:   isDataError,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// WithLogger sets the logger for dead-lettered records and other events
// worth a line (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("producer: nil logger")
		}
		c.logger = l
		return nil
	}
}

// DeadLetterTopic makes records whose key or value fails to serialize go to
// topic instead of failing: the producer writes the original key and value,
// encoded by the dead-letter encoder (see [EncodeForDeadLetter]), with the
// caller's headers plus [HeaderError], [HeaderStage] ("serialize"),
// [HeaderPart] and [HeaderTopic]. Produce then reports success with
// Result.DeadLetter set to the serialization error. Only errors about the
// data are dead-lettered: an outage (a registry that is unreachable,
// refuses the credentials or answers with something that is not its own
// JSON, a cancelled context: see [serde.IsTransient]) is returned to the
// caller, as the record itself may be fine. [DeadLetterWhen] changes the
// choice.
func DeadLetterTopic(topic string) Option {
	return func(c *config) error {
		if topic == "" {
			return errors.New("producer: empty dead-letter topic")
		}
		c.dlqTopic = func(string) string { return topic }
		return nil
	}
}

// DeadLetterTopicFunc is [DeadLetterTopic] with the dead-letter topic chosen
// per source topic, for example func(t string) string { return t + ".dlq" }.
func DeadLetterTopicFunc(f func(topic string) string) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("producer: nil dead-letter topic function")
		}
		c.dlqTopic = f
		return nil
	}
}

// DeadLetterEncoder sets how an unserializable key or value is written to
// the dead-letter topic (default [EncodeForDeadLetter]).
func DeadLetterEncoder(f func(v any) ([]byte, error)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("producer: nil dead-letter encoder")
		}
		c.dlqEncode = f
		return nil
	}
}

// DeadLetterWhen sets which serialization errors are dead-lettered when a
// dead-letter topic is configured (default: those for which
// [serde.IsTransient] is false).
func DeadLetterWhen(f func(err error) bool) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("producer: nil dead-letter predicate")
		}
		c.dlqWhen = f
		return nil
	}
}

// WithHooks installs observation hooks, for metrics or tracing without a
// dependency on any telemetry library. Kafka-level metrics and tracing
// (batches, requests, per-record produce spans) come from franz-go's own
// hooks (kgo.WithHooks, e.g. plugin/kotel and plugin/kprom) on the client.
func WithHooks(h Hooks) Option {
	return func(c *config) error {
		c.hooks = h
		return nil
	}
}

// Hooks observe a producer. Every field is optional. Hooks run on the
// goroutine that reports the event (the caller's for serialization, franz-go's
// promise goroutine for delivery); they must be quick and must not block.
type Hooks struct {
	// OnSerializeError is called for every key or value that fails to
	// serialize, whether or not it is then dead-lettered.
	OnSerializeError func(ctx context.Context, topic string, part serde.Part, err error)
	// OnDeadLetter is called when a record that failed to serialize has
	// been written to dead-letter topic dlqTopic (produceErr nil) or could
	// not be (produceErr set). cause is the serialization error.
	OnDeadLetter func(topic, dlqTopic string, cause, produceErr error)
}

// isDataError is the default dead-letter predicate: the error is about the
// record, not an outage.
func isDataError(err error) bool { return err != nil && !serde.IsTransient(err) }
