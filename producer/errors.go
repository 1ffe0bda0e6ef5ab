package producer

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/srkit-go/srkit/registry"
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

// IsDataError reports whether err says something is wrong with the data
// itself (a value that does not fit its schema, a schema the registry
// rejects as incompatible or invalid) rather than with the infrastructure
// (a cancelled context, an unreachable or overloaded registry, missing
// credentials). Only data errors are dead-lettered by default: a registry
// outage must not divert every record to the dead-letter topic.
func IsDataError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, registry.ErrClosed) {
		return false
	}
	var re *registry.Error
	if errors.As(err, &re) {
		switch re.StatusCode {
		case 401, 403, 408, 429:
			return false
		}
		return re.StatusCode >= 400 && re.StatusCode < 500
	}
	var ne net.Error // *net.OpError, *url.Error, DNS errors, timeouts
	return !errors.As(err, &ne)
}
