package mockregistry

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/registry"
)

func TestBasicAuth(t *testing.T) {
	r := newTest(t, WithBasicAuth("key", "secret"))
	basic := func(u, p string) http.Header {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))}}
	}
	for _, c := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"none", nil, 401},
		{"wrong password", basic("key", "nope"), 401},
		{"wrong user", basic("other", "secret"), 401},
		{"bearer instead", http.Header{"Authorization": {"Bearer secret"}}, 401},
		{"garbage", http.Header{"Authorization": {"Basic !!!"}}, 401},
		{"right", basic("key", "secret"), 200},
	} {
		status, body := call(r.Handler(), "GET", "/subjects", "", c.header)
		if status != c.want {
			t.Errorf("%s: status %d, want %d", c.name, status, c.want)
		}
		if c.want == 401 && body != `{"error_code":401,"message":"Unauthorized"}` {
			t.Errorf("%s: body %s", c.name, body)
		}
	}
}

func TestBearerAuth(t *testing.T) {
	r := newTest(t, WithBearerToken("tok"))
	if st, _ := call(r.Handler(), "GET", "/", "", http.Header{"Authorization": {"Bearer tok"}}); st != 200 {
		t.Fatalf("right token: %d", st)
	}
	if st, _ := call(r.Handler(), "GET", "/", "", http.Header{"Authorization": {"Bearer other"}}); st != 401 {
		t.Fatalf("wrong token: %d", st)
	}
	if st, _ := call(r.Handler(), "GET", "/dek-registry/v1/keks", "", nil); st != 401 {
		t.Fatalf("no token on the DEK registry: %d", st)
	}
}

func TestFaultsNTimes(t *testing.T) {
	r := newTest(t, WithFault(Fault{Method: "GET", Path: "/subjects", Status: 503, Times: 2}))
	for i, want := range []int{503, 503, 200, 200} {
		if st, _ := call(r.Handler(), "GET", "/subjects", "", nil); st != want {
			t.Fatalf("request %d: status %d, want %d", i, st, want)
		}
	}
	// Other methods and paths are not affected.
	r.InjectFault(Fault{Method: "POST", Path: "/subjects/", Status: 500, ErrorCode: 50001, Message: "Store error", Times: 1})
	if st, _ := call(r.Handler(), "GET", "/subjects", "", nil); st != 200 {
		t.Fatalf("GET with a POST fault: %d", st)
	}
	st, b := call(r.Handler(), "POST", "/subjects/s/versions", body(userV1), nil)
	if st != 500 || b != `{"error_code":50001,"message":"Store error"}` {
		t.Fatalf("fault: %d %s", st, b)
	}
	if st, _ := call(r.Handler(), "POST", "/subjects/s/versions", body(userV1), nil); st != 200 {
		t.Fatalf("after the fault: %d", st)
	}
	r.InjectFault(Fault{Status: 502})
	if st, _ := call(r.Handler(), "GET", "/", "", nil); st != 502 {
		t.Fatalf("unlimited fault: %d", st)
	}
	r.ClearFaults()
	if st, _ := call(r.Handler(), "GET", "/", "", nil); st != 200 {
		t.Fatalf("after ClearFaults: %d", st)
	}
}

func TestFaultLatencyHonoursCancellation(t *testing.T) {
	r := newTest(t, WithFault(Fault{Latency: time.Hour}))
	c, err := r.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.Subjects(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func TestFaultSeenByClient(t *testing.T) {
	r := newTest(t, WithFault(Fault{Path: "/subjects", Status: 500, ErrorCode: 50001, Message: "boom"}))
	c, err := r.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Subjects(context.Background())
	var re *registry.Error
	if !errors.As(err, &re) || re.StatusCode != 500 || re.Code != 50001 || !strings.Contains(re.Message, "boom") {
		t.Fatalf("err = %#v", err)
	}
}

func TestOptionErrors(t *testing.T) {
	if _, err := New(WithCompatibility("SOMETIMES")); err == nil {
		t.Fatal("invalid level accepted")
	}
	if _, err := New(WithBearerToken("")); err == nil {
		t.Fatal("empty token accepted")
	}
	if _, err := New(WithFormats(nil)); err == nil {
		t.Fatal("nil format accepted")
	}
	_, err := New(WithFormats(fakeFormat{registry.Avro}), WithSchemas(Seed{Subject: "s", Schema: registry.Schema{Schema: "{bad"}}))
	if err == nil || !strings.Contains(err.Error(), "seed 0") {
		t.Fatalf("bad seed: %v", err)
	}
}

func TestSeeds(t *testing.T) {
	r := newTest(t, WithSchemas(
		Seed{Subject: "a", Schema: registry.Schema{Schema: userV1}},
		Seed{Subject: "a", Schema: registry.Schema{Schema: userV2}},
		Seed{Subject: ":.ctx:b", Schema: registry.Schema{Schema: `"int"`}},
	))
	run(t, r.Handler(), []step{
		{"GET", "/subjects/a/versions", "", 200, `[1,2]`},
		{"GET", "/subjects/:.ctx:b/versions/1", "", 200, verBody(":.ctx:b", 1, 1, `"int"`, false)},
	})
}

func TestGUIDSharedAcrossContexts(t *testing.T) {
	r := newTest(t)
	c, err := r.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := c.Register(ctx, "s", registry.Schema{Schema: userV1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Register(ctx, ":.other:s", registry.Schema{Schema: userV1})
	if err != nil {
		t.Fatal(err)
	}
	if a.GUID == "" || a.GUID != b.GUID {
		t.Fatalf("GUIDs %q and %q", a.GUID, b.GUID)
	}
	ids, err := c.IDsByGUID(ctx, a.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != (registry.ContextID{Context: ".", ID: 1}) || ids[1] != (registry.ContextID{Context: ".other", ID: 1}) {
		t.Fatalf("ids = %+v", ids)
	}
}
