package consumer

import (
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/internal/deadletter"
	"github.com/srkit-go/srkit/serde"
)

// Errors of the consumer itself.
var (
	// ErrRunning: Run or Poll was called while Run is running.
	ErrRunning = errors.New("consumer: Run is already running")
	// ErrNoGroup: the operation needs a consumer group (kgo.ConsumerGroup).
	ErrNoGroup = errors.New("consumer: the client consumes without a group")
	// ErrClientClosed: the kgo client was closed under the consumer.
	ErrClientClosed = errors.New("consumer: kgo client closed")
	// ErrShutdownTimeout: Run's context was cancelled and a handler or
	// deserializer was still running when [ShutdownTimeout] ran out; Run
	// returned without it (see [Consumer.Run]).
	ErrShutdownTimeout = errors.New("consumer: shutdown timeout ran out")

	errNoDeadLetterTopic = errors.New("consumer: no dead-letter topic configured")
)

// Stage says where a record failed.
type Stage string

// Stages, also the values of the [HeaderStage] header of dead letters.
const (
	// StageDeserialize: the key or value could not be deserialized (unknown
	// schema, corrupt bytes, a schema of another format).
	StageDeserialize Stage = deadletter.StageDeserialize
	// StageHandler: the handler returned an error.
	StageHandler Stage = deadletter.StageHandler
)

// RecordError reports a record the consumer could not process, naming it
// precisely. It wraps the cause: errors.Is(err, serde.ErrUnknownSchema)
// and errors.As into the handler's own error types both work.
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	Stage     Stage
	// Part is serde.Key or serde.Value for StageDeserialize.
	Part serde.Part
	// Err is the deserializer's or the handler's error.
	Err error
	// DeadLetterErr is set when the record should have gone to the
	// dead-letter topic but could not be written there.
	DeadLetterErr error
}

// Error implements error.
func (e *RecordError) Error() string {
	what := "handler"
	if e.Stage == StageDeserialize {
		what = "deserializing " + e.Part.String()
	}
	s := fmt.Sprintf("consumer: topic %q partition %d offset %d: %s: %v", e.Topic, e.Partition, e.Offset, what, e.Err)
	if e.DeadLetterErr != nil {
		s += fmt.Sprintf(" (and could not dead-letter it: %v)", e.DeadLetterErr)
	}
	return s
}

// Unwrap returns the cause and, if set, the dead-letter error.
func (e *RecordError) Unwrap() []error {
	if e.DeadLetterErr != nil {
		return []error{e.Err, e.DeadLetterErr}
	}
	return []error{e.Err}
}
