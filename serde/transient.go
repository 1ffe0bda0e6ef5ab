package serde

import (
	"context"
	"errors"
	"net"

	"github.com/srkit-go/srkit/registry"
)

// ErrUnavailable: a service a serializer or deserializer depends on (the
// Schema Registry, the DEK Registry, a KMS) could not answer. The message
// itself may be fine: callers retry it, and never skip, dead-letter or
// commit past it because of this error. Rule executors and KMS drivers wrap
// it into their outage errors.
var ErrUnavailable = errors.New("serde: a service the serde depends on is unavailable")

// IsTransient reports whether err comes from the infrastructure rather than
// from the message: a registry or KMS outage (anything that matches
// [registry.ErrUnavailable]: transport errors, timeouts, 5xx, 401/403, 408,
// 429, an answer that is not the registry's own), a closed client or an
// ended context. Only errors for which it returns false may make a record
// "bad" (skipped, dead-lettered). Producers and consumers use it to decide.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, registry.ErrUnavailable) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, registry.ErrClosed) {
		return true
	}
	var ne net.Error // network errors of other services (KMS drivers, DEK registry clients)
	return errors.As(err, &ne)
}
