package kmstest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Holder returns a func that holds a request to a fake service until the
// request's context ends, or until t ends (a server's cleanup waits for
// its handlers): the heart of an [Env.Hang] for a fake with a fault hook.
func Holder(t testing.TB) func(*http.Request) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return func(r *http.Request) {
		// The server notices that the client went away only once the
		// request's body is read; the body is kept for the handler.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

// HoldRequests wraps the handler of srv, a fake service that has not
// served yet, and returns the [Env.Hang] of it: once called, the requests
// that match (all of them when match is nil) are held with [Holder].
func HoldRequests(t testing.TB, srv *httptest.Server, match func(*http.Request) bool) func() {
	var held atomic.Bool
	hold := Holder(t)
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if held.Load() && (match == nil || match(r)) {
			hold(r)
		}
		inner.ServeHTTP(w, r)
	})
	return func() { held.Store(true) }
}
