package kmstest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// HoldRequests wraps the handler of srv, a fake service that has not
// served yet, and returns the [Env.Hang] of it: once called, the requests
// that match (all of them when match is nil) are held until their
// context ends, or until t ends (the server's cleanup waits for its
// handlers).
func HoldRequests(t testing.TB, srv *httptest.Server, match func(*http.Request) bool) func() {
	var held atomic.Bool
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if held.Load() && (match == nil || match(r)) {
			// The server notices that the client went away only once
			// the request's body is read.
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
		inner.ServeHTTP(w, r)
	})
	return func() { held.Store(true) }
}
