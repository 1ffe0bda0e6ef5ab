package registry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var schemaOne = map[string]any{"schema": `"string"`}

func TestRetryFailNTimesThenSucceed(t *testing.T) {
	for _, status := range []int{408, 429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var fails atomic.Int32
			fails.Store(2)
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if fails.Add(-1) >= 0 {
					w.WriteHeader(status)
					return
				}
				reply(w, 200, schemaOne)
			})
			c := mustNew(t, URLs(srv.URL), Retries(3, time.Millisecond, 10*time.Millisecond))
			waits := fastRetries(c)
			s, err := c.SchemaByID(bg, 1)
			if err != nil {
				t.Fatalf("SchemaByID: %v", err)
			}
			if s.Schema.Schema != `"string"` || s.ID != 1 {
				t.Fatalf("got %+v", s)
			}
			if got := srv.count(); got != 3 {
				t.Fatalf("requests = %d, want 3", got)
			}
			if len(*waits) != 2 {
				t.Fatalf("waits = %v, want 2", *waits)
			}
			for _, d := range *waits {
				if d < 0 || d > 10*time.Millisecond {
					t.Fatalf("wait %v outside [0, max]", d)
				}
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrStoreError, "kafka store down")
	})
	c := mustNew(t, URLs(srv.URL), Retries(2, time.Millisecond, time.Millisecond))
	fastRetries(c)
	_, err := c.Subjects(bg)
	if !errors.Is(err, ErrStoreError) {
		t.Fatalf("err = %v, want ErrStoreError", err)
	}
	if got := srv.count(); got != 3 {
		t.Fatalf("requests = %d, want 1 + 2 retries", got)
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 405, 409, 415, 422} {
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.WriteHeader(status)
		})
		c := mustNew(t, URLs(srv.URL), Retries(3, time.Millisecond, time.Millisecond))
		fastRetries(c)
		_, err := c.Subjects(bg)
		var re *Error
		if !errors.As(err, &re) || re.StatusCode != status {
			t.Fatalf("%d: err = %v", status, err)
		}
		if got := srv.count(); got != 1 {
			t.Fatalf("%d: requests = %d, want 1", status, got)
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	for _, status := range []int{429, 503} {
		var first atomic.Bool
		first.Store(true)
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			if first.Swap(false) {
				w.Header().Set("Retry-After", "3")
				w.WriteHeader(status)
				return
			}
			reply(w, 200, []string{"a"})
		})
		c := mustNew(t, URLs(srv.URL), Retries(3, time.Millisecond, 10*time.Second))
		waits := fastRetries(c)
		got, err := c.Subjects(bg)
		if err != nil || len(got) != 1 {
			t.Fatalf("%d: Subjects = %v, %v", status, got, err)
		}
		if len(*waits) != 1 || (*waits)[0] < 3*time.Second {
			t.Fatalf("%d: waits = %v, want one wait of at least the Retry-After 3s", status, *waits)
		}
	}
}

func TestRetryAfterLongerThanMaxWaitGivesUp(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Retry-After", "120")
		replyErr(w, 429, "slow down")
	})
	c := mustNew(t, URLs(srv.URL), Retries(3, time.Millisecond, 20*time.Second))
	waits := fastRetries(c)
	_, err := c.Subjects(bg)
	var re *Error
	if !errors.As(err, &re) || re.StatusCode != 429 {
		t.Fatalf("err = %v, want the 429", err)
	}
	if srv.count() != 1 || len(*waits) != 0 {
		t.Fatalf("requests = %d, waits = %v; want 1 request, no wait", srv.count(), *waits)
	}
}

func TestParseRetryAfter(t *testing.T) {
	if d := parseRetryAfter("7"); d != 7*time.Second {
		t.Fatalf("seconds: %v", d)
	}
	if d := parseRetryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d < 50*time.Minute || d > time.Hour {
		t.Fatalf("date: %v", d)
	}
	for _, v := range []string{"", "-1", "soon", "Mon, 01 Jan 2001 00:00:00 GMT"} {
		if d := parseRetryAfter(v); d != 0 {
			t.Fatalf("%q: %v", v, d)
		}
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, 503, "unavailable")
	})
	// Real waits: up to an hour each, so the call can only end early
	// through the cancellation.
	c := mustNew(t, URLs(srv.URL), Retries(3, time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Subjects(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !errors.Is(err, ErrorCode(503)) {
		t.Fatalf("err = %v should also carry the last attempt's 503", err)
	}
	if el := time.Since(start); el > time.Minute {
		t.Fatalf("returned after %v", el)
	}
}

func TestBackoffNeverPastDeadline(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, 503, "unavailable")
	})
	c := mustNew(t, URLs(srv.URL), Retries(3, time.Hour, time.Hour))
	waits := fastRetries(c)
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	for i := 0; i < 5; i++ {
		_, err := c.Subjects(ctx)
		if !errors.Is(err, ErrorCode(503)) {
			t.Fatalf("err = %v, want the 503", err)
		}
	}
	for _, d := range *waits {
		if d > 30*time.Second {
			t.Fatalf("waited %v past the deadline", d)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	c := &Client{retryWait: time.Second, retryMaxWait: 20 * time.Second}
	for retry := 0; retry < 100; retry++ {
		ceil := min(time.Second<<min(retry, 20), 20*time.Second)
		for i := 0; i < 50; i++ {
			if d := c.backoff(retry); d < 0 || d > ceil {
				t.Fatalf("retry %d: %v outside [0, %v]", retry, d, ceil)
			}
		}
	}
}

// deadURL returns a URL nothing listens on.
func deadURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestFailoverOnTransportError(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 200, []string{"s"})
	})
	c := mustNew(t, URLs(deadURL(t)+", "+srv.URL), Retries(0, 0, 0))
	for i := 0; i < 3; i++ {
		if _, err := c.Subjects(bg); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if srv.count() != 3 {
		t.Fatalf("second URL got %d requests, want 3", srv.count())
	}
	if c.preferred.Load() != 1 {
		t.Fatalf("client should stick to the URL that answered")
	}
}

func TestFailoverOn5xx(t *testing.T) {
	bad := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrUnknownLeader, "no leader")
	})
	good := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 200, []string{"s"})
	})
	c := mustNew(t, URLs(bad.URL, good.URL), Retries(0, 0, 0))
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
	if bad.count() != 1 || good.count() != 1 {
		t.Fatalf("requests bad=%d good=%d", bad.count(), good.count())
	}
}

func TestNoFailoverOn4xx(t *testing.T) {
	first := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrSubjectNotFound, "Subject 'x' not found.")
	})
	second := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 200, []int{1})
	})
	c := mustNew(t, URLs(first.URL, second.URL))
	_, err := c.Versions(bg, "x")
	if !errors.Is(err, ErrSubjectNotFound) {
		t.Fatalf("err = %v", err)
	}
	if second.count() != 0 {
		t.Fatal("a 4xx answer must not fail over")
	}
}

func TestAllURLsDownRetriesRounds(t *testing.T) {
	c := mustNew(t, URLs(deadURL(t), deadURL(t)), Retries(2, time.Millisecond, time.Millisecond))
	waits := fastRetries(c)
	_, err := c.Subjects(bg)
	var te *transportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a transport error", err)
	}
	if len(*waits) != 2 {
		t.Fatalf("waits = %v, want one per retry round", *waits)
	}
}

func TestRequestTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if n.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		reply(w, 200, []string{"s"})
	})
	c := mustNew(t, URLs(srv.URL), RequestTimeout(100*time.Millisecond), Retries(1, time.Millisecond, time.Millisecond))
	fastRetries(c)
	if _, err := c.Subjects(bg); err != nil {
		t.Fatalf("Subjects: %v", err)
	}
}

func TestClosedClient(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { reply(w, 200, schemaOne) })
	c := mustNew(t, URLs(srv.URL))
	if _, err := c.SchemaByID(bg, 1); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.SchemaByID(bg, 1); err != nil {
		t.Fatalf("cached answer after Close: %v", err)
	}
	if _, err := c.SchemaByID(bg, 2); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}

func TestBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:8081", "http://", "http://h/?q=1", "http://user:hunter2@[::1"} {
		_, err := New(URLs(u))
		if err == nil {
			t.Fatalf("%q: no error", u)
		}
		if containsAny(err.Error(), "hunter2") {
			t.Fatalf("%q: error leaks the password: %v", u, err)
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}
