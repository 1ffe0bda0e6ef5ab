package encryption_test

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// raceFirst runs rival once, just before the first request that match
// selects is passed on, and records that request's answer status: it
// lets another client win a create deterministically.
type raceFirst struct {
	next   http.RoundTripper
	match  func(*http.Request) bool
	rival  func()
	once   sync.Once
	mu     sync.Mutex
	status int
}

func (h *raceFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if !h.match(r) {
		return h.next.RoundTrip(r)
	}
	first := false
	h.once.Do(func() { first = true; h.rival() })
	resp, err := h.next.RoundTrip(r)
	if first && resp != nil {
		h.mu.Lock()
		h.status = resp.StatusCode
		h.mu.Unlock()
	}
	return resp, err
}

func (h *raceFirst) answered() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status
}

// rivalOf is another client process on e's registry that does not go
// through e's transport.
func rivalOf(t *testing.T, e *env) *env {
	t.Helper()
	rc, err := e.mock.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	r := *e
	r.client, r.deks = rc, dekregistry.New(rc)
	r.enc = r.executor()
	return &r
}

// A create that loses to a concurrent creator (409) reads the winner's key
// back and encrypts with it: with AES256_SIV both clients write the very
// same bytes. Covers the KEK create, the first DEK create and the create
// of a rotated DEK version, for field and payload rules.
func TestCreateConflictUsesTheWinner(t *testing.T) {
	ctx := context.Background()
	deks := "/dek-registry/v1/keks/" + testKEK + "/deks"
	for _, kind := range []string{"field", "payload"} {
		for _, c := range []struct {
			name, path string
			rotate     bool
			versions   []int
		}{
			{"KEK", "/dek-registry/v1/keks", false, []int{1}},
			{"DEK", deks, false, []int{1}},
			{"rotated DEK", deks, true, []int{1, 2}},
		} {
			t.Run(kind+"/"+c.name, func(t *testing.T) {
				kv := []string{encryption.ParamDEKAlgorithm, "AES256_SIV", encryption.ParamDEKExpiryDays, "30"}
				rs := domain(encRule(kv...))
				if kind == "payload" {
					rs = encoding(payloadRule(kv...))
				}
				e := newEnv(t, rs, piiTags)
				s := e.serializer()
				if c.rotate {
					e.write(s, alicePII())
					e.clock.add(31 * 24 * time.Hour)
				}
				rival := rivalOf(t, e)
				var theirs []byte
				hook := &raceFirst{
					next: e.tr.next,
					match: func(r *http.Request) bool {
						return r.Method == http.MethodPost && (r.URL.Path == c.path || c.path == deks && strings.HasPrefix(r.URL.Path, deks))
					},
					rival: func() { theirs, _ = rival.write(rival.serializer(), alicePII()) },
				}
				e.tr.next = hook
				mine, hs := e.write(s, alicePII())
				if st := hook.answered(); st != http.StatusConflict {
					t.Fatalf("the create lost to no one: status %d", st)
				}
				if !bytes.Equal(mine, theirs) {
					t.Fatalf("the loser did not use the winner's key:\n %x\n %x", mine, theirs)
				}
				if vs, err := e.deks.DEKVersions(ctx, testKEK, testSubject, dekregistry.Algorithm("AES256_SIV")); err != nil || !slices.Equal(vs, c.versions) {
					t.Fatalf("DEK versions %v, %v", vs, err)
				}
				if got := e.read(e.deserializerWith(e.executor(), strictRead), mine, hs); !reflect.DeepEqual(got, alicePII()) {
					t.Fatalf("read %+v", got)
				}
				// Warm now: the next message is the same again, with no call.
				n := e.tr.n.Load()
				if again, _ := e.write(s, alicePII()); !bytes.Equal(again, mine) || e.tr.n.Load() != n {
					t.Fatalf("the next message: same bytes %v, %d registry calls", bytes.Equal(again, mine), e.tr.n.Load()-n)
				}
			})
		}
	}
}

// A writer whose DEK was soft-deleted cannot create another in its place:
// the registry refuses the create (409, as the real server: a create only
// undeletes an equivalent key) and the DEK does not read back without
// deleted ones, so the write fails with the permanent ErrDEKNotFound, as
// Confluent's executor does, while old records still read. Once the DEK
// is undeleted, writers use it again (the same AES256_SIV bytes).
func TestWriteOverSoftDeletedDEK(t *testing.T) {
	ctx := context.Background()
	siv := dekregistry.Algorithm("AES256_SIV")
	e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, "AES256_SIV")), piiTags)
	first, hs := e.write(e.serializer(), alicePII())
	must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, false, siv))
	b, _, err := e.serializerWith(e.executor()).Serialize(ctx, testTopic, alicePII())
	if !isRuleError(err, encryption.ErrDEKNotFound) || serde.IsTransient(err) || b != nil {
		t.Fatalf("write over a soft-deleted DEK: %d bytes, %v", len(b), err)
	}
	if got := e.read(e.deserializerWith(e.executor(), strictRead), first, hs); !reflect.DeepEqual(got, alicePII()) {
		t.Fatalf("old record: %+v", got)
	}
	must(t, e.deks.UndeleteDEK(ctx, testKEK, testSubject, siv))
	if again, _ := e.write(e.serializerWith(e.executor()), alicePII()); !bytes.Equal(again, first) {
		t.Fatal("after the undelete, the write did not use the DEK again")
	}
}
