package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentMissesMakeOneRequest(t *testing.T) {
	arrived := make(chan struct{}, 64)
	release := make(chan struct{})
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		arrived <- struct{}{}
		<-release
		reply(w, 200, map[string]any{"schema": `"string"`})
	})
	c := mustNew(t, URLs(srv.URL))
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		fails atomic.Int32
	)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := c.SchemaByID(bg, 7)
			if err != nil || s.ID != 7 || s.Schema.Schema != `"string"` {
				fails.Add(1)
			}
		}()
	}
	close(start)
	<-arrived // one request is in flight; let the others pile up behind it
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if fails.Load() != 0 {
		t.Fatalf("%d goroutines got a wrong answer", fails.Load())
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("64 concurrent misses made %d requests, want 1", n)
	}
}

func TestWarmHitDoesNotWaitForMiss(t *testing.T) {
	release := make(chan struct{})
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if strings.HasSuffix(r.URL.Path, "/2") {
			<-release
		}
		reply(w, 200, map[string]any{"schema": `"string"`})
	})
	c := mustNew(t, URLs(srv.URL))
	if _, err := c.SchemaByID(bg, 1); err != nil {
		t.Fatal(err)
	}
	missDone := make(chan error, 1)
	go func() { _, err := c.SchemaByID(bg, 2); missDone <- err }()
	for srv.count() < 2 {
		time.Sleep(time.Millisecond)
	}
	hit := make(chan error, 1)
	go func() { _, err := c.SchemaByID(bg, 1); hit <- err }()
	select {
	case err := <-hit:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("warm lookup waited for a miss in flight")
	}
	close(release)
	if err := <-missDone; err != nil {
		t.Fatal(err)
	}
}

func TestCancelledLeaderDoesNotFailFollowers(t *testing.T) {
	var n atomic.Int32
	arrived := make(chan struct{}, 4)
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if n.Add(1) == 1 {
			arrived <- struct{}{}
			<-r.Context().Done() // the leader's caller gives up
			return
		}
		reply(w, 200, map[string]any{"schema": `"string"`})
	})
	c := mustNew(t, URLs(srv.URL))
	leaderCtx, cancel := context.WithCancel(bg)
	leaderErr := make(chan error, 1)
	go func() { _, err := c.SchemaByID(leaderCtx, 9); leaderErr <- err }()
	<-arrived
	followerErr := make(chan error, 1)
	go func() { _, err := c.SchemaByID(bg, 9); followerErr <- err }()
	time.Sleep(20 * time.Millisecond) // let the follower join the flight
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if err := <-followerErr; err != nil {
		t.Fatalf("follower failed with the leader's cancellation: %v", err)
	}
}

func TestSchemaByIDCachedForGood(t *testing.T) {
	srv := versionServer(t)
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), WithClock(clock.Now))
	for i := 0; i < 3; i++ {
		s, err := c.SchemaByID(bg, 1)
		if err != nil || s.GUID != "g-1" {
			t.Fatalf("%+v %v", s, err)
		}
		clock.Add(24 * time.Hour)
	}
	if _, err := c.SchemaByGUID(bg, "g-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SchemaByGUID(bg, "g-1"); err != nil {
		t.Fatal(err)
	}
	if n := srv.count(); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	// Another format or context is another entry.
	if _, err := c.SchemaByID(bg, 1, OutputFormat("serialized")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SchemaByID(bg, 1, InContext("other")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SchemaByID(bg, 1, SubjectHint(":.other:s")); err != nil {
		t.Fatal(err)
	}
	if n := srv.count(); n != 5 {
		t.Fatalf("requests = %d, want 5 (format, context and subject hint are part of the key: 8.x answers a hint with its subject and version)", n)
	}
}

func TestLatestTTL(t *testing.T) {
	srv := versionServer(t)
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), WithClock(clock.Now), LatestTTL(time.Minute))
	get := func() {
		t.Helper()
		if s, err := c.LatestSchema(bg, "s"); err != nil || s.Version != 2 {
			t.Fatalf("%+v %v", s, err)
		}
	}
	get()
	clock.Add(59 * time.Second)
	get()
	if srv.count() != 1 {
		t.Fatalf("requests = %d within the TTL", srv.count())
	}
	clock.Add(2 * time.Second)
	get()
	if srv.count() != 2 {
		t.Fatalf("requests = %d after the TTL, want 2", srv.count())
	}
	// The latest answer also fills the numbered version.
	if _, err := c.SchemaByVersion(bg, "s", 2); err != nil || srv.count() != 2 {
		t.Fatalf("version 2 not cached from latest: %v, requests %d", err, srv.count())
	}

	md := map[string]string{"owner": "team-a"}
	for i := 0; i < 2; i++ {
		if _, err := c.LatestWithMetadata(bg, "s", md); err != nil {
			t.Fatal(err)
		}
	}
	if srv.count() != 3 {
		t.Fatalf("latest with metadata not cached: requests %d", srv.count())
	}
	if _, err := c.LatestWithMetadata(bg, "s", map[string]string{"owner": "team-b"}); err != nil || srv.count() != 4 {
		t.Fatalf("other metadata must be another entry: %v, requests %d", err, srv.count())
	}
	clock.Add(61 * time.Second)
	if _, err := c.LatestWithMetadata(bg, "s", md); err != nil || srv.count() != 5 {
		t.Fatalf("latest with metadata after TTL: %v, requests %d", err, srv.count())
	}
}

func TestLatestTTLZeroDoesNotCache(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL), LatestTTL(0))
	for i := 0; i < 3; i++ {
		if _, err := c.LatestSchema(bg, "s"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.LatestWithMetadata(bg, "s", map[string]string{"a": "b"}); err != nil {
			t.Fatal(err)
		}
	}
	if srv.count() != 6 {
		t.Fatalf("requests = %d, want 6", srv.count())
	}
}

func TestNegativeCaching(t *testing.T) {
	var registered atomic.Bool
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/schemas/ids/"):
			replyErr(w, ErrSchemaNotFound, "Schema 5 not found")
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/versions"):
			registered.Store(true)
			reply(w, 200, map[string]any{"id": 1})
		case registered.Load():
			reply(w, 200, map[string]any{"subject": "s", "version": 1, "id": 1, "schema": `"string"`})
		case r.Method == http.MethodPost:
			replyErr(w, ErrSubjectNotFound, "Subject 's' not found.")
		default:
			replyErr(w, ErrVersionNotFound, "Version 4 not found.")
		}
	})
	clock := newClock()
	c := mustNew(t, URLs(srv.URL), WithClock(clock.Now), NegativeTTL(5*time.Second))
	for i := 0; i < 3; i++ {
		if _, err := c.SchemaByID(bg, 5); !errors.Is(err, ErrSchemaNotFound) {
			t.Fatalf("err = %v", err)
		}
		if _, err := c.SchemaByVersion(bg, "s", 4); !errors.Is(err, ErrVersionNotFound) {
			t.Fatalf("err = %v", err)
		}
		if _, err := c.LookupSchema(bg, "s", Schema{Schema: `"string"`}); !errors.Is(err, ErrSubjectNotFound) {
			t.Fatalf("err = %v", err)
		}
	}
	if srv.count() != 3 {
		t.Fatalf("requests = %d, want 3 (one per key)", srv.count())
	}
	clock.Add(6 * time.Second)
	if _, err := c.SchemaByID(bg, 5); !errors.Is(err, ErrSchemaNotFound) || srv.count() != 4 {
		t.Fatalf("after the negative TTL: %v, requests %d", err, srv.count())
	}
	// Registering through this client drops the subject's negative answers.
	if _, err := c.Register(bg, "s", Schema{Schema: `"string"`}); err != nil {
		t.Fatal(err)
	}
	if s, err := c.LookupSchema(bg, "s", Schema{Schema: `"string"`}); err != nil || s.ID != 1 {
		t.Fatalf("lookup after register: %+v %v", s, err)
	}
	if _, err := c.SchemaByVersion(bg, "s", 4); err != nil {
		t.Fatalf("version after register: %v", err)
	}
}

func TestNegativeTTLZero(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrSchemaNotFound, "Schema not found")
	})
	c := mustNew(t, URLs(srv.URL), NegativeTTL(0))
	for i := 0; i < 3; i++ {
		_, _ = c.SchemaByID(bg, 1)
	}
	if srv.count() != 3 {
		t.Fatalf("requests = %d, want 3", srv.count())
	}
}

func TestOtherErrorsNotCached(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		replyErr(w, ErrForbidden, "no access")
	})
	c := mustNew(t, URLs(srv.URL))
	for i := 0; i < 3; i++ {
		_, _ = c.SchemaByID(bg, 1)
	}
	if srv.count() != 3 {
		t.Fatalf("requests = %d, want 3", srv.count())
	}
}

func TestRegisterAndLookupCached(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL))
	s := Schema{Schema: `"string"`, References: []Reference{{Name: "r", Subject: "r", Version: 1}}}
	for i := 0; i < 3; i++ {
		got, err := c.Register(bg, "s", s)
		if err != nil || got.ID != 3 || got.Subject != "s" || got.Schema.Schema != `"string"` || len(got.References) != 1 {
			t.Fatalf("Register = %+v, %v", got, err)
		}
		if _, err := c.LookupSchema(bg, "s", s); err != nil {
			t.Fatal(err)
		}
	}
	if srv.count() != 2 {
		t.Fatalf("requests = %d, want 2", srv.count())
	}
	// Normalize, other references and other subjects are other keys.
	_, _ = c.Register(bg, "s", s, Normalize())
	_, _ = c.Register(bg, "s", Schema{Schema: `"string"`})
	_, _ = c.Register(bg, "t", s)
	if srv.count() != 5 {
		t.Fatalf("requests = %d, want 5", srv.count())
	}
}

func TestDeletesInvalidate(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL), DefaultContext("ctx"))
	warm := func() {
		t.Helper()
		for _, f := range []func() error{
			func() error { _, err := c.SchemaByVersion(bg, "s", 2); return err },
			func() error { _, err := c.LatestSchema(bg, "s"); return err },
			func() error { _, err := c.Register(bg, "s", Schema{Schema: `"x"`}); return err },
			func() error { _, err := c.LookupSchema(bg, "s", Schema{Schema: `"x"`}); return err },
		} {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		}
	}
	warm()
	warm() // the first registration dropped the latest answer
	before := srv.count()
	warm()
	if srv.count() != before {
		t.Fatal("warm calls made requests")
	}
	// The qualified spelling of the same subject invalidates too.
	if _, err := c.DeleteVersion(bg, ":.ctx:s", 2, false); err != nil {
		t.Fatal(err)
	}
	before = srv.count()
	warm()
	if got := srv.count() - before; got != 4 {
		t.Fatalf("after DeleteVersion %d requests, want 4", got)
	}
	warm()
	if _, err := c.DeleteSubject(bg, "s", true); err != nil {
		t.Fatal(err)
	}
	before = srv.count()
	warm()
	if got := srv.count() - before; got != 4 {
		t.Fatalf("after DeleteSubject %d requests, want 4", got)
	}
	warm()
	// Other contexts are untouched.
	if _, err := c.SchemaByVersion(bg, "s", 2, InContext("")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSubject(bg, "s", false); err != nil {
		t.Fatal(err)
	}
	before = srv.count()
	if _, err := c.SchemaByVersion(bg, "s", 2, InContext("")); err != nil || srv.count() != before {
		t.Fatalf("a delete in .ctx dropped the default context's entry (%v)", err)
	}
}

func TestConfigChangeInvalidatesRegistrations(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL))
	reg := func(subject string) {
		t.Helper()
		if _, err := c.Register(bg, subject, Schema{Schema: `"x"`}); err != nil {
			t.Fatal(err)
		}
	}
	reg("a")
	reg("b")
	base := srv.count()
	if _, err := c.SetConfig(bg, "a", Config{CompatibilityLevel: None}); err != nil {
		t.Fatal(err)
	}
	reg("a")
	reg("b")
	if got := srv.count() - base; got != 2 {
		t.Fatalf("after subject config change: %d requests, want 2 (config + a)", got)
	}
	if _, err := c.DeleteConfig(bg, ""); err != nil {
		t.Fatal(err)
	}
	base = srv.count()
	reg("a")
	reg("b")
	if got := srv.count() - base; got != 2 {
		t.Fatalf("after global config change: %d requests, want 2", got)
	}
}

func TestClearCaches(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL))
	_, _ = c.SchemaByID(bg, 1)
	_, _ = c.SchemaByVersion(bg, "s", 2)
	c.ClearSubject("s")
	_, _ = c.SchemaByID(bg, 1)
	_, _ = c.SchemaByVersion(bg, "s", 2)
	if srv.count() != 3 {
		t.Fatalf("requests = %d, want 3 (ClearSubject keeps IDs)", srv.count())
	}
	c.ClearCaches()
	_, _ = c.SchemaByID(bg, 1)
	if srv.count() != 4 {
		t.Fatalf("requests = %d, want 4", srv.count())
	}
}

func TestCacheBounded(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL), CacheCapacity(100))
	for id := 1; id <= 1000; id++ {
		if _, err := c.SchemaByID(bg, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.byID.len(); n > 110 || n < 50 { // the shards round the capacity up a little
		t.Fatalf("cache holds %d entries with capacity 100", n)
	}
}

func TestWarmLookupsDoNotAllocate(t *testing.T) {
	srv := versionServer(t)
	c := mustNew(t, URLs(srv.URL))
	hint := SubjectHint("s")
	format := OutputFormat("serialized")
	md := map[string]string{"owner": "a", "app": "b"}
	sch := Schema{Schema: `"string"`}
	calls := map[string]func(){
		"SchemaByID":         func() { _, _ = c.SchemaByID(bg, 1) },
		"SchemaByID+params":  func() { _, _ = c.SchemaByID(bg, 1, hint, format) },
		"SchemaByGUID":       func() { _, _ = c.SchemaByGUID(bg, "g-1") },
		"SchemaByVersion":    func() { _, _ = c.SchemaByVersion(bg, "s", 2) },
		"LatestSchema":       func() { _, _ = c.LatestSchema(bg, "s") },
		"LatestWithMetadata": func() { _, _ = c.LatestWithMetadata(bg, "s", md) },
		"Register":           func() { _, _ = c.Register(bg, "s", sch) },
		"LookupSchema":       func() { _, _ = c.LookupSchema(bg, "s", sch) },
	}
	for name, f := range calls {
		f() // warm up
		before := srv.count()
		if a := testing.AllocsPerRun(200, f); a != 0 {
			t.Errorf("%s: %v allocs per warm call, want 0", name, a)
		}
		if srv.count() != before {
			t.Errorf("%s: warm call made a request", name)
		}
	}
}

// heldGet is a versionServer whose first GET waits until released.
type heldGet struct {
	srv     *fakeServer
	arrived chan struct{} // receives when the first GET is held
	release func()        // lets it go; safe to call twice
	gets    atomic.Int32
}

func newHeldGet(t *testing.T) *heldGet {
	h := &heldGet{arrived: make(chan struct{}, 1)}
	unblock := make(chan struct{})
	var once sync.Once
	h.release = func() { once.Do(func() { close(unblock) }) }
	h.srv = newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		if r.Method == http.MethodGet && h.gets.Add(1) == 1 {
			h.arrived <- struct{}{}
			<-unblock
		}
		versionHandler(w, r, b)
	})
	t.Cleanup(h.release) // runs before the server's Close
	return h
}

func TestAnswerFetchedBeforeDeleteIsNotCached(t *testing.T) {
	h := newHeldGet(t)
	c := mustNew(t, URLs(h.srv.URL))
	done := make(chan error, 1)
	go func() { _, err := c.SchemaByVersion(bg, "s", 2); done <- err }()
	<-h.arrived
	if _, err := c.DeleteVersion(bg, "s", 2, false); err != nil {
		t.Fatal(err)
	}
	h.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := c.SchemaByVersion(bg, "s", 2); err != nil {
		t.Fatal(err)
	}
	if n := h.gets.Load(); n != 2 {
		t.Fatalf("GETs = %d: the answer fetched before the delete was cached", n)
	}
}

// A call made after a delete through the client must not share a request
// that started before the delete: its answer could predate the delete.
func TestCallAfterDeleteDoesNotJoinEarlierRequest(t *testing.T) {
	h := newHeldGet(t)
	c := mustNew(t, URLs(h.srv.URL))
	done := make(chan error, 1)
	go func() { _, err := c.LatestSchema(bg, "s"); done <- err }()
	<-h.arrived
	if _, err := c.DeleteSubject(bg, "s", false); err != nil {
		t.Fatal(err)
	}
	// Joining the first request would wait for release: the guard
	// deadline turns that into a failure instead of a hang.
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	if _, err := c.LatestSchema(ctx, "s"); err != nil {
		t.Fatalf("LatestSchema after the delete: %v (it joined the request made before the delete)", err)
	}
	h.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := h.gets.Load(); n != 2 {
		t.Fatalf("GETs = %d, want 2", n)
	}
}

// Registering through the client drops a cached "not found" for the ID
// and GUID it got, so that a reader sharing the client finds the schema.
func TestRegisterDropsMissingID(t *testing.T) {
	var registered atomic.Bool
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case r.Method == http.MethodPost:
			registered.Store(true)
			reply(w, 200, map[string]any{"id": 5, "guid": "g-5", "version": 1, "schema": `"int"`})
		case !registered.Load():
			replyErr(w, ErrSchemaNotFound, "Schema 5 not found")
		default:
			reply(w, 200, map[string]any{"id": 5, "guid": "g-5", "schema": `"int"`})
		}
	})
	c := mustNew(t, URLs(srv.URL), NegativeTTL(time.Hour))
	if _, err := c.SchemaByID(bg, 5); !errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf("before register: %v", err)
	}
	if _, err := c.SchemaByGUID(bg, "g-5"); !errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf("before register: %v", err)
	}
	if _, err := c.Register(bg, "s", Schema{Schema: `"int"`}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.SchemaByID(bg, 5); err != nil || got.Schema.Schema != `"int"` {
		t.Fatalf("after register: %+v, %v", got, err)
	}
	if got, err := c.SchemaByGUID(bg, "g-5"); err != nil || got.ID != 5 {
		t.Fatalf("after register: %+v, %v", got, err)
	}
}
