package producer

import (
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/serde"
)

// ErrClosed is returned for records given to a producer after Close.
var ErrClosed = errors.New("producer: closed")

// SerializeError reports a key or value that could not be serialized. The
// record never reached Kafka and no other record is affected. Err is the
// serializer's error; errors.Is and errors.As see through SerializeError to
// it (for example registry.ErrIncompatibleSchema).
type SerializeError struct {
	Topic string     // the topic the record was for
	Part  serde.Part // serde.Key or serde.Value
	Err   error
	// DeadLetterErr is set when the record should have gone to the
	// dead-letter topic but could not be encoded for it.
	DeadLetterErr error
}

// Error implements error.
func (e *SerializeError) Error() string {
	s := fmt.Sprintf("producer: serializing %s for topic %q: %v", e.Part, e.Topic, e.Err)
	if e.DeadLetterErr != nil {
		s += fmt.Sprintf(" (and could not dead-letter it: %v)", e.DeadLetterErr)
	}
	return s
}

// Unwrap returns the serializer's error.
func (e *SerializeError) Unwrap() error { return e.Err }
