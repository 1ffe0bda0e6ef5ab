package serde_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// TestUseLatestFollowsNewVersions checks that a serializer writing with the
// latest version picks up a newly registered version once the client's
// latest TTL has passed, and that a deserializer reading into the latest
// version does the same.
func TestUseLatestFollowsNewVersions(t *testing.T) {
	ctx := context.Background()
	mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	client, err := mock.Client(registry.LatestTTL(time.Minute), registry.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	v1, err := client.Register(ctx, "orders-value", registry.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatal(err)
	}
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.UseLatest(), serde.AutoRegister(false)))
	first, _, err := ser.Serialize(ctx, "orders", "a")
	if err != nil {
		t.Fatal(err)
	}
	if id := idOf(t, first); id != v1.ID {
		t.Fatalf("wrote with id %d, want %d", id, v1.ID)
	}
	// Another service registers v2 (registering through this client would
	// invalidate its cached latest version at once).
	other, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	v2, err := other.Register(ctx, "orders-value", registry.Schema{Schema: `"bytes"`})
	if err != nil {
		t.Fatal(err)
	}
	if v2.ID == v1.ID {
		t.Fatal("mock gave the second version the first one's ID")
	}
	// Within the TTL the cached latest version is used.
	p, _, err := ser.Serialize(ctx, "orders", "b")
	if err != nil || idOf(t, p) != v1.ID {
		t.Fatalf("within TTL: id %d err %v, want %d", idOf(t, p), err, v1.ID)
	}
	now = now.Add(2 * time.Minute)
	p, _, err = ser.Serialize(ctx, "orders", "c")
	if err != nil || idOf(t, p) != v2.ID {
		t.Fatalf("after TTL: id %d err %v, want %d", idOf(t, p), err, v2.ID)
	}

	// The deserializer reads v1 data into the latest (v2) reader schema.
	codec := &readerRecorder{}
	de, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg(serde.UseLatest()))
	got, err := de.Deserialize(ctx, "orders", first, nil)
	if err != nil || got != "a" {
		t.Fatalf("Deserialize = %q %v", got, err)
	}
	if codec.writerID != v1.ID || codec.readerID != v2.ID {
		t.Fatalf("decoder built for writer %d reader %d, want %d and %d", codec.writerID, codec.readerID, v1.ID, v2.ID)
	}
}

func TestAssociatedNameStrategyFallsBack(t *testing.T) {
	ctx := context.Background()
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	strategy := serde.AssociatedNameStrategy(client, "", nil)
	got, err := strategy(ctx, "payments", serde.Key, "")
	if err != nil || got != "payments-key" {
		t.Fatalf("strategy = %q %v, want the topic-name fallback", got, err)
	}
	strategy = serde.AssociatedNameStrategy(client, "lkc-123", serde.RecordNameStrategy)
	got, err = strategy(ctx, "payments", serde.Value, "io.example.Payment")
	if err != nil || got != "io.example.Payment" {
		t.Fatalf("strategy = %q %v, want the record-name fallback", got, err)
	}
}

func idOf(t *testing.T, payload []byte) int {
	t.Helper()
	ref, _, err := serde.ParseSchemaRef(payload, serde.NoIndexes)
	if err != nil {
		t.Fatal(err)
	}
	return ref.ID
}

// readerRecorder records the writer and reader schemas it builds a decoder
// for.
type readerRecorder struct {
	rawCodec
	writerID, readerID int
}

func (r *readerRecorder) Decoder(_ context.Context, w *serde.ResolvedSchema, _ []int, rd *serde.ResolvedSchema) (serde.Decoder[string], error) {
	r.writerID = w.ID
	if rd != nil {
		r.readerID = rd.ID
	}
	return rawDecoder{}, nil
}

// TestAssociatedNameStrategyOutage: an older registry's JSON 404 for the
// associations endpoint falls back; a proxy's HTML 404 or a 503 is an
// outage, not "no association".
func TestAssociatedNameStrategyOutage(t *testing.T) {
	answers := map[string]struct {
		status   int
		ctype    string
		body     string
		fallback bool
	}{
		"old server": {404, "application/json", `{"error_code":404,"message":"HTTP 404 Not Found"}`, true},
		"none":       {404, "application/vnd.schemaregistry.v1+json", `{"error_code":40410,"message":"Association not found"}`, true},
		"proxy page": {404, "text/html", `<html>Not Found</html>`, false},
		"down":       {503, "text/plain", `unavailable`, false},
	}
	for name, a := range answers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", a.ctype)
				w.WriteHeader(a.status)
				_, _ = w.Write([]byte(a.body))
			}))
			defer srv.Close()
			client, err := registry.New(registry.URLs(srv.URL), registry.Retries(0, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			got, err := serde.AssociatedNameStrategy(client, "", nil)(context.Background(), "payments", serde.Value, "")
			if a.fallback && (err != nil || got != "payments-value") {
				t.Errorf("got %q, %v; want the fallback", got, err)
			}
			if !a.fallback && (err == nil || !serde.IsTransient(err)) {
				t.Errorf("got %q, %v; want a transient error", got, err)
			}
		})
	}
}

// With the default clock a use-latest serializer looks at the latest
// version again once the TTL has passed (read by the monotonic clock); with
// a negative TTL it keeps the version it first saw; with a TTL of zero it
// looks at every message.
func TestUseLatestRealClock(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		ttl     time.Duration
		wait    time.Duration
		follows bool
	}{
		{"ttl", 50 * time.Millisecond, 100 * time.Millisecond, true},
		{"zero ttl", 0, 0, true},
		{"negative ttl", -1, 100 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None))
			if err != nil {
				t.Fatal(err)
			}
			client, err := mock.Client(registry.LatestTTL(tc.ttl))
			if err != nil {
				t.Fatal(err)
			}
			other, err := mock.Client()
			if err != nil {
				t.Fatal(err)
			}
			v1, err := other.Register(ctx, "orders-value", registry.Schema{Schema: `"string"`})
			if err != nil {
				t.Fatal(err)
			}
			ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.UseLatest(), serde.AutoRegister(false)))
			start := time.Now() // the serializer's look at the latest version is later
			if p, _, err := ser.Serialize(ctx, "orders", "a"); err != nil || idOf(t, p) != v1.ID {
				t.Fatalf("first: %v, want id %d", err, v1.ID)
			}
			v2, err := other.Register(ctx, "orders-value", registry.Schema{Schema: `"bytes"`})
			if err != nil {
				t.Fatal(err)
			}
			if tc.ttl > 0 {
				p, _, err := ser.Serialize(ctx, "orders", "b")
				// Only a call known to be within the TTL must keep v1 (a
				// loaded machine may take longer).
				if within := time.Since(start) < tc.ttl; err != nil || (within && idOf(t, p) != v1.ID) {
					t.Fatalf("within the TTL: %v, id %d, want id %d", err, idOf(t, p), v1.ID)
				}
			}
			time.Sleep(tc.wait)
			want := v1.ID
			if tc.follows {
				want = v2.ID
			}
			if p, _, err := ser.Serialize(ctx, "orders", "c"); err != nil || idOf(t, p) != want {
				t.Fatalf("later: id %d err %v, want id %d", idOf(t, p), err, want)
			}
		})
	}
}
