package consumer

import (
	"errors"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Action is what the consumer does with a record it could not process (see
// [OnError]).
type Action int

// Actions for failed records.
const (
	// Stop: Run returns a *RecordError naming the record; nothing at or
	// after it in its partition is committed, and the next Run or Poll
	// starts again at that record. The default.
	Stop Action = iota
	// Skip: log the failure and go on; the record counts as processed.
	Skip
	// DeadLetter: write the record's original key, value and headers, plus
	// error headers, to the dead-letter topic, then go on. If the
	// dead-letter write fails, the consumer stops as with Stop.
	DeadLetter
)

// String returns "stop", "skip" or "dead-letter".
func (a Action) String() string {
	switch a {
	case Stop:
		return "stop"
	case Skip:
		return "skip"
	case DeadLetter:
		return "dead-letter"
	}
	return "unknown"
}

// Option configures a [Consumer].
type Option func(*config) error

type config struct {
	logger          *slog.Logger
	policy          func(*RecordError) Action
	fixedPolicy     bool
	fixedAction     Action
	dlqTopic        func(topic string) string
	dlqClient       *kgo.Client
	concurrency     int
	maxPoll         int
	handlerRetries  int
	retryBackoff    time.Duration
	transientTries  int
	transientWait   time.Duration
	shutdownTimeout time.Duration
	stayInGroup     bool
	hookList        []Hook
	hooks           hookSet
}

func newConfig(opts []Option) (config, error) {
	c := config{
		logger:          slog.Default(),
		fixedPolicy:     true,
		fixedAction:     Stop,
		concurrency:     1,
		maxPoll:         1000,
		retryBackoff:    100 * time.Millisecond,
		transientTries:  8,
		transientWait:   250 * time.Millisecond,
		shutdownTimeout: 30 * time.Second,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	if c.fixedPolicy {
		a := c.fixedAction
		c.policy = func(*RecordError) Action { return a }
		if a == DeadLetter && c.dlqTopic == nil {
			return c, errors.New("consumer: OnError(DeadLetter) needs DeadLetterTopic or DeadLetterTopicFunc")
		}
	}
	hs, err := sortHooks(c.hookList)
	if err != nil {
		return c, err
	}
	c.hooks, c.hookList = hs, nil
	return c, nil
}

// WithLogger sets the logger for skipped and dead-lettered records, fetch
// errors and commits (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("consumer: nil logger")
		}
		c.logger = l
		return nil
	}
}

// OnError sets what happens to a record that cannot be deserialized or that
// the handler rejects: [Stop] (the default), [Skip] or [DeadLetter].
//
// Whatever the action, a deserialization failure caused by the
// infrastructure (registry unreachable, refusing the credentials or
// answering with something that is not its own JSON: [serde.IsTransient])
// is never skipped or dead-lettered: the consumer retries it, then stops.
func OnError(a Action) Option {
	return func(c *config) error {
		if a < Stop || a > DeadLetter {
			return errors.New("consumer: unknown action")
		}
		c.fixedPolicy, c.fixedAction = true, a
		return nil
	}
}

// OnErrorFunc chooses the action per failure, for example dead-letter
// records of unknown schemas and stop on anything else:
//
//	consumer.OnErrorFunc(func(e *consumer.RecordError) consumer.Action {
//		if errors.Is(e, serde.ErrUnknownSchema) {
//			return consumer.DeadLetter
//		}
//		return consumer.Stop
//	})
//
// DeadLetter without a dead-letter topic configured counts as Stop.
func OnErrorFunc(f func(*RecordError) Action) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("consumer: nil error policy")
		}
		c.fixedPolicy, c.policy = false, f
		return nil
	}
}

// DeadLetterTopic sets the topic dead-lettered records go to.
func DeadLetterTopic(topic string) Option {
	return func(c *config) error {
		if topic == "" {
			return errors.New("consumer: empty dead-letter topic")
		}
		c.dlqTopic = func(string) string { return topic }
		return nil
	}
}

// DeadLetterTopicFunc chooses the dead-letter topic per source topic, for
// example func(t string) string { return t + ".dlq" }.
func DeadLetterTopicFunc(f func(topic string) string) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("consumer: nil dead-letter topic function")
		}
		c.dlqTopic = f
		return nil
	}
}

// DeadLetterClient writes dead letters through cl instead of the consuming
// client (another cluster, other credentials, other producer settings).
func DeadLetterClient(cl *kgo.Client) Option {
	return func(c *config) error {
		if cl == nil {
			return errors.New("consumer: nil dead-letter client")
		}
		c.dlqClient = cl
		return nil
	}
}

// Concurrency lets Run handle up to n partitions at once (default 1). Records
// of one partition are always handled one after the other, in offset order;
// records of different partitions may be handled at the same time, so the
// handler must then be safe for concurrent use.
func Concurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("consumer: concurrency below 1")
		}
		c.concurrency = n
		return nil
	}
}

// MaxPollRecords bounds how many records one poll returns (default 1000).
// With kgo.BlockRebalanceOnPoll a rebalance waits for a poll's records to
// be handled: keep batches small enough to be handled within the group's
// rebalance timeout.
func MaxPollRecords(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("consumer: MaxPollRecords below 1")
		}
		c.maxPoll = n
		return nil
	}
}

// HandlerRetries makes Run call the handler up to n more times for a record
// it rejected, waiting backoff, then twice as long each time (at most 30s),
// before the error policy applies (default no retries).
func HandlerRetries(n int, backoff time.Duration) Option {
	return func(c *config) error {
		if n < 0 || backoff < 0 {
			return errors.New("consumer: negative retries or backoff")
		}
		c.handlerRetries, c.retryBackoff = n, backoff
		return nil
	}
}

// TransientRetries sets how often a deserialization that failed for reasons
// outside the record (registry unreachable, overloaded, refusing the
// credentials) is retried before the consumer stops: up to attempts tries in
// all, waiting backoff, then twice as long each time, at most 30s (default 8
// tries from 250ms, about half a minute). Such failures are never skipped or
// dead-lettered. The registry client's own retries come first.
func TransientRetries(attempts int, backoff time.Duration) Option {
	return func(c *config) error {
		if attempts < 1 || backoff < 0 {
			return errors.New("consumer: TransientRetries needs at least 1 attempt and a backoff of 0 or more")
		}
		c.transientTries, c.transientWait = attempts, backoff
		return nil
	}
}

// ShutdownTimeout bounds graceful shutdown (default 30s): once Run's context
// is cancelled, the in-flight handler calls get this long to finish before
// their context is cancelled too, and the final commit and group leave get
// as long again. A handler or deserializer still running 100ms after its
// context was cancelled is left behind (see [Consumer.Run]).
func ShutdownTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("consumer: negative shutdown timeout")
		}
		c.shutdownTimeout = d
		return nil
	}
}

// StayInGroup makes Run keep the group membership when its context is
// cancelled (it commits but does not leave), for callers that will Run again
// with the same client.
func StayInGroup() Option {
	return func(c *config) error {
		c.stayInGroup = true
		return nil
	}
}

// WithHooks installs hooks; each must implement at least one Hook*
// interface of this package ([HookRecordStart], [HookRecord],
// [HookCommit], [HookFetchError], [HookLag]), else [New] fails. Several
// calls add up. Without hooks the per-record path is unchanged; with hooks
// an event is a struct passed by value (no allocation).
func WithHooks(hooks ...Hook) Option {
	return func(c *config) error {
		c.hookList = append(c.hookList, hooks...)
		return nil
	}
}

// Outcome is what became of a record ([RecordEvent]).
type Outcome int

// Record outcomes.
const (
	Handled      Outcome = iota // the handler accepted it
	Skipped                     // it failed and was skipped
	DeadLettered                // it failed and went to the dead-letter topic
	Failed                      // it failed and the consumer stops
	Interrupted                 // shutdown interrupted it; it will be consumed again
)

// String returns the outcome's name, a stable metric label value:
// "handled", "skipped", "dead_lettered", "failed" or "interrupted".
func (o Outcome) String() string {
	switch o {
	case Handled:
		return "handled"
	case Skipped:
		return "skipped"
	case DeadLettered:
		return "dead_lettered"
	case Failed:
		return "failed"
	case Interrupted:
		return "interrupted"
	}
	return "unknown"
}
