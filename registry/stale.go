package registry

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Stale on error
//
// A latest version (or latest version by metadata) is cached for the latest
// TTL. When it has expired and the refresh fails with an outage, the client
// serves the expired value instead of the error, for up to the StaleIfError
// bound past the value's first expiry, and caches it again for one more TTL
// so that the outage costs one request per TTL, not one per call.

// latestEntry is the cache entry of a fresh latest answer.
func latestEntry[V any](c *Client, v V) *entry[V] {
	e := &entry[V]{val: v, exp: c.expiry(c.latestTTL)}
	if e.exp != 0 && c.staleIfError > 0 {
		e.stale = e.exp + int64(c.staleIfError)
	}
	return e
}

// staleOnError returns the entry to serve and cache instead of err, or nil
// when err must be returned: only an outage (not a "not found", not the
// caller's ended ctx), only while old, the expired answer, may still be
// served stale.
func staleOnError[V any](c *Client, ctx context.Context, err error, old *entry[V], subject string) *entry[V] {
	if old == nil || old.err != nil || old.stale == 0 || ctx.Err() != nil || !errors.Is(err, ErrUnavailable) {
		return nil
	}
	now := c.now().UnixNano()
	if now >= old.stale {
		return nil
	}
	e := &entry[V]{val: old.val, exp: min(c.expiry(c.latestTTL), old.stale), stale: old.stale, served: true}
	if !old.served && c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "registry: unavailable, serving the last known latest version",
			slog.String("subject", subject),
			slog.Time("until", time.Unix(0, old.stale)),
			slog.String("error", c.red.redact(err).Error()))
	}
	return e
}

// logRecovered logs that the registry answers again for subject, when old
// was served stale.
func logRecovered[V any](c *Client, ctx context.Context, old *entry[V], subject string) {
	if old != nil && old.served && c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelInfo, "registry: available again, latest version refreshed",
			slog.String("subject", subject))
	}
}
