package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	contentType  = "application/vnd.schemaregistry.v1+json"
	acceptHeader = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5"
	maxBody      = 64 << 20
)

// rawBody receives a response body as it is (for the /schema endpoints).
type rawBody struct{ b []byte }

// do sends one call: it encodes in, retries and fails over as configured,
// and decodes a 2xx JSON answer into out. Errors never hold credentials.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	if c.closed.Load() {
		return ErrClosed
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("registry: encoding request: %w", err)
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	if len(c.requestHooks) == 0 {
		_, err := c.send(ctx, method, path, body, out)
		return c.red.redact(err)
	}
	start := time.Now()
	res, err := c.send(ctx, method, path, body, out)
	err = c.red.redact(err)
	c.reportRequest(method, path, start, res, err)
	return err
}

// sendResult is what a call's attempts came to, for hooks.
type sendResult struct {
	attempts int
	status   int // the last attempt's HTTP status; 0: no answer
}

// outcome says what to do after one attempt.
type outcome int

const (
	finished  outcome = iota // success or an answer that retrying cannot change
	retrySame                // 408 or 429: wait, then retry the same URL
	failOver                 // transport error or 5xx: try the next URL
)

// send runs the retry loop. One round tries the URLs in order, starting at
// the one that answered last, moving on after transport errors and 5xx
// answers; a 408 or 429 ends the round at once. Between rounds it waits
// with exponential backoff and full jitter, honouring Retry-After. The
// error it returns says how many attempts the call made.
func (c *Client) send(ctx context.Context, method, path string, body []byte, out any) (res sendResult, _ error) {
	n := len(c.urls)
	start := int(c.preferred.Load()) % n
	attempts := 0
	defer func() { res.attempts = attempts }()
	for retry := 0; ; retry++ {
		var (
			lastErr    error
			retryable  bool
			retryAfter time.Duration
		)
		for j := 0; j < n; j++ {
			idx := (start + j) % n
			attempts++
			oc, ra, st, err := c.attempt(ctx, c.urls[idx], method, path, body, out)
			res.status = st
			if oc == finished {
				if c.preferred.Load() != int32(idx) {
					c.preferred.Store(int32(idx))
				}
				return res, withAttempts(err, attempts)
			}
			if ctx.Err() != nil {
				return res, ctxError(ctx, method, path, withAttempts(err, attempts))
			}
			lastErr = err
			retryable = retryable || isRetryable(err)
			retryAfter = max(retryAfter, ra)
			if oc == retrySame {
				start = idx
				break
			}
			if j+1 < n {
				c.log(ctx, "registry: failing over to next URL", method, c.urls[idx]+path, retry, err, 0)
			}
		}
		if !retryable || retry >= c.maxRetries {
			return res, withAttempts(lastErr, attempts)
		}
		delay := c.backoff(retry)
		if retryAfter > 0 {
			if retryAfter > c.retryMaxWait {
				return res, withAttempts(lastErr, attempts) // the server asks for a longer pause than we may take
			}
			delay = max(delay, retryAfter)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return res, withAttempts(lastErr, attempts) // never wait past the caller's deadline
		}
		c.log(ctx, "registry: retrying request", method, c.urls[start]+path, retry+1, lastErr, delay)
		if err := c.sleep(ctx, delay); err != nil {
			return res, ctxError(ctx, method, path, withAttempts(lastErr, attempts))
		}
	}
}

// withAttempts records on err how many attempts the call made.
func withAttempts(err error, n int) error {
	switch e := err.(type) {
	case *Error:
		e.Attempts = n
	case *transportError:
		e.attempts = n
	case *decodeError:
		e.attempts = n
	}
	return err
}

// attempt sends the request once to base. It returns what to do next, the
// Retry-After wait, the answer's HTTP status (0: none) and the error.
func (c *Client) attempt(ctx context.Context, base, method, path string, body []byte, out any) (outcome, time.Duration, int, error) {
	actx := ctx
	if c.requestTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.requestTimeout)
		defer cancel()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, base+path, rd)
	if err != nil {
		return finished, 0, 0, fmt.Errorf("registry: %s %s: %w", method, path, err)
	}
	for k, v := range c.headers {
		req.Header[k] = v
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("Confluent-Accept-Unknown-Properties", "true")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.auth != nil {
		h, err := c.auth.AuthenticationHeader(actx)
		if err != nil {
			return finished, 0, 0, &authError{err: err}
		}
		req.Header.Set("Authorization", h)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return failOver, 0, 0, &transportError{err: err, method: method, path: path}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return failOver, 0, 0, &transportError{err: fmt.Errorf("reading response of %s %s: %w", method, base+path, err), method: method, path: path}
	}
	st := resp.StatusCode
	if st >= 200 && st <= 299 {
		if err := decodeBody(raw, st, out); err != nil {
			return finished, 0, st, &decodeError{status: st, method: method, path: path, err: err}
		}
		return finished, 0, st, nil
	}
	e := errorFromBody(st, raw, &c.red) // redacted: a proxy may echo the Authorization header
	e.Method, e.Path = method, path
	switch {
	case st == http.StatusUnauthorized && c.auth != nil:
		c.auth.reject()
	case st == http.StatusRequestTimeout || st == http.StatusTooManyRequests:
		return retrySame, parseRetryAfter(resp.Header.Get("Retry-After")), st, e
	case st >= 500:
		return failOver, parseRetryAfter(resp.Header.Get("Retry-After")), st, e
	}
	return finished, 0, st, e
}

// isRetryable reports whether err is worth another round: transport
// errors and 408, 429, 500, 502, 503, 504.
func isRetryable(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var re *Error
	if errors.As(err, &re) {
		switch re.StatusCode {
		case 408, 429, 500, 502, 503, 504:
			return true
		}
	}
	return false
}

// ctxError is the error of a call whose ctx ended: it matches ctx.Err()
// and the last attempt's error.
func ctxError(ctx context.Context, method, path string, last error) error {
	return &abortedError{ctxErr: ctx.Err(), last: last, op: method + " " + path}
}

// abortedError is a call ended by its context.
type abortedError struct {
	ctxErr error
	last   error
	op     string
}

func (e *abortedError) Error() string {
	if e.last == nil || errors.Is(e.last, e.ctxErr) {
		return "registry: " + e.op + ": " + e.ctxErr.Error()
	}
	return "registry: " + e.op + ": " + e.ctxErr.Error() + " (last attempt: " + e.last.Error() + ")"
}

func (e *abortedError) Unwrap() []error {
	if e.last == nil {
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.last}
}

// backoff returns the full-jitter wait before retry number retry+1.
func (c *Client) backoff(retry int) time.Duration {
	ceil := c.retryMaxWait
	if retry < 62 && c.retryWait > 0 {
		if d := c.retryWait << retry; d > 0 && d < ceil {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func (c *Client) log(ctx context.Context, msg, method, target string, attempt int, err error, delay time.Duration) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("url", target),
		slog.Int("attempt", attempt),
	}
	if delay > 0 {
		attrs = append(attrs, slog.Duration("delay", delay))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.red.redact(err).Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}
