package producer

import (
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
	hookList  []Hook
	hooks     hookSet
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
	hs, err := sortHooks(c.hookList)
	if err != nil {
		return c, err
	}
	c.hooks, c.hookList = hs, nil
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

// WithHooks installs hooks; each must implement at least one Hook*
// interface of this package ([HookProduce], [HookDeadLetter]), else [New]
// fails. Several calls add up. Without hooks the per-record path is
// unchanged; with hooks an event is a struct passed by value (no
// allocation).
func WithHooks(hooks ...Hook) Option {
	return func(c *config) error {
		c.hookList = append(c.hookList, hooks...)
		return nil
	}
}

// isDataError is the default dead-letter predicate: the error is about the
// record, not an outage.
func isDataError(err error) bool { return err != nil && !serde.IsTransient(err) }
