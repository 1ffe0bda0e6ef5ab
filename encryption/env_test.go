package encryption_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

const (
	testSecret  = "test-local-kms-secret-do-not-leak"
	testKEK     = "test-kek"
	testKeyID   = "test-key"
	testSubject = "people-value"
	testTopic   = "people"
)

// piiTags tags name, email, photo and nick PII; city stays untagged.
var piiTags = &registry.Metadata{Tags: map[string][]string{
	"person.name": {"PII"}, "person.email": {"PII"}, "person.photo": {"PII"}, "person.nick": {"PII"},
}}

// countingTransport counts the DEK Registry requests it passes on.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
	mu   sync.Mutex
	log  []string
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/dek-registry/") {
		c.n.Add(1)
		c.mu.Lock()
		c.log = append(c.log, r.Method+" "+r.URL.RequestURI())
		c.mu.Unlock()
	}
	return c.next.RoundTrip(r)
}

// testKMS wraps a local KMS, counts calls, and fails on demand.
type testKMS struct {
	typ    string
	inner  *localkms.KMS
	wraps  atomic.Int64
	unwrap atomic.Int64
	mu     sync.Mutex
	down   bool            // every call is an outage
	refuse map[string]bool // key IDs whose calls are refused
	seen   []string        // "wrap:id" / "unwrap:id", in order
}

func newTestKMS() *testKMS {
	return &testKMS{typ: "local-kms", inner: localkms.New(testSecret), refuse: map[string]bool{}}
}

func (k *testKMS) Type() string { return k.typ }

func (k *testKMS) check(op, id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seen = append(k.seen, op+":"+id)
	if k.down {
		return fmt.Errorf("test KMS: connection refused: %w", serde.ErrUnavailable)
	}
	if k.refuse[id] {
		return fmt.Errorf("test KMS: key %q refused", id)
	}
	return nil
}

func (k *testKMS) Wrap(ctx context.Context, id string, dek []byte) ([]byte, error) {
	k.wraps.Add(1)
	if err := k.check("wrap", id); err != nil {
		return nil, err
	}
	return k.inner.Wrap(ctx, id, dek)
}

func (k *testKMS) Unwrap(ctx context.Context, id string, w []byte) ([]byte, error) {
	k.unwrap.Add(1)
	if err := k.check("unwrap", id); err != nil {
		return nil, err
	}
	return k.inner.Unwrap(ctx, id, w)
}

func (k *testKMS) set(f func(k *testKMS)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f(k)
}

func (k *testKMS) calls() int64 { return k.wraps.Load() + k.unwrap.Load() }

// clock is a settable clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// env is a mock registry with one registered schema, an executor with a
// test KMS, and counters.
type env struct {
	t      *testing.T
	mock   *mockregistry.Registry
	client *registry.Client
	tr     *countingTransport
	kms    *testKMS
	clock  *clock
	logs   *bytes.Buffer
	enc    *encryption.Executor
	deks   *dekregistry.Client
	id     int
}

func newEnv(t *testing.T, rs *registry.RuleSet, md *registry.Metadata, opts ...encryption.Option) *env {
	t.Helper()
	e := &env{t: t, kms: newTestKMS(), clock: newClock(), logs: &bytes.Buffer{}}
	mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None), mockregistry.WithClock(e.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	e.mock = mock
	e.tr = &countingTransport{next: mock.Transport()}
	e.client, err = registry.New(registry.URLs("http://mock.invalid"), registry.HTTPClient(&http.Client{Transport: e.tr}),
		registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	e.deks = dekregistry.New(e.client)
	e.enc = e.executor(opts...)
	if rs != nil || md != nil {
		e.register(rs, md)
	}
	return e
}

// executor returns another executor on the same registry (another client
// process), with the env's KMS, clock and log.
func (e *env) executor(opts ...encryption.Option) *encryption.Executor {
	e.t.Helper()
	all := append([]encryption.Option{encryption.WithKMS(e.kms), encryption.WithClock(e.clock.now),
		encryption.WithLogger(slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	x, err := encryption.New(e.client, all...)
	if err != nil {
		e.t.Fatal(err)
	}
	return x
}

func (e *env) register(rs *registry.RuleSet, md *registry.Metadata) int {
	e.t.Helper()
	s, err := e.client.Register(context.Background(), testSubject, registry.Schema{Schema: personSchema, SchemaType: registry.JSON, RuleSet: rs, Metadata: md})
	if err != nil {
		e.t.Fatal(err)
	}
	e.id = s.ID
	return s.ID
}

func (e *env) serializerWith(x *encryption.Executor, opts ...serde.SerializerOption) *serde.Serializer[*person] {
	e.t.Helper()
	opts = append([]serde.SerializerOption{serde.UseSchemaID(e.id), serde.WithRuleExecutors(x.Executors()...)}, opts...)
	cfg, err := serde.NewSerializerConfig(registry.JSON, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	s, err := serde.NewSerializer[*person](e.client, serde.Value, personCodec{}, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) deserializerWith(x *encryption.Executor, opts ...serde.DeserializerOption) *serde.Deserializer[*person] {
	e.t.Helper()
	opts = append([]serde.DeserializerOption{serde.WithRuleExecutors(x.Executors()...)}, opts...)
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := serde.NewDeserializer[*person](e.client, serde.Value, personCodec{}, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) serializer(opts ...serde.SerializerOption) *serde.Serializer[*person] {
	return e.serializerWith(e.enc, opts...)
}

func (e *env) deserializer(opts ...serde.DeserializerOption) *serde.Deserializer[*person] {
	return e.deserializerWith(e.enc, opts...)
}

func (e *env) write(s *serde.Serializer[*person], p *person) ([]byte, []serde.Header) {
	e.t.Helper()
	b, hs, err := s.Serialize(context.Background(), testTopic, p)
	if err != nil {
		e.t.Fatalf("serialize: %v", err)
	}
	return b, hs
}

func (e *env) read(d *serde.Deserializer[*person], b []byte, hs []serde.Header) *person {
	e.t.Helper()
	p, err := d.Deserialize(context.Background(), testTopic, b, hs)
	if err != nil {
		e.t.Fatalf("deserialize: %v", err)
	}
	return p
}

// encRule is an ENCRYPT rule on PII fields (WRITEREAD, onFailure
// ERROR,NONE as Confluent's examples) with the test KEK; kv are extra
// params (an empty value deletes one).
func encRule(kv ...string) registry.Rule {
	return testRule(encryption.TypeEncrypt, []string{"PII"}, kv...)
}

// payloadRule is the same as an ENCRYPT_PAYLOAD rule.
func payloadRule(kv ...string) registry.Rule {
	return testRule(encryption.TypeEncryptPayload, nil, kv...)
}

func testRule(typ string, tags []string, kv ...string) registry.Rule {
	p := map[string]string{
		encryption.ParamKEKName: testKEK, encryption.ParamKMSType: "local-kms", encryption.ParamKMSKeyID: testKeyID,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(p, kv[i])
		} else {
			p[kv[i]] = kv[i+1]
		}
	}
	return registry.Rule{Name: "enc", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: typ, Tags: tags, Params: p, OnFailure: "ERROR,NONE"}
}

func domain(rs ...registry.Rule) *registry.RuleSet   { return &registry.RuleSet{DomainRules: rs} }
func encoding(rs ...registry.Rule) *registry.RuleSet { return &registry.RuleSet{EncodingRules: rs} }

func ptr[T any](v T) *T { return &v }

func alice() *person {
	return &person{ID: 7, Name: "Alice Liddell", Email: "alice@example.org", Photo: []byte("\x89PNG-photo-bytes"), Nick: ptr("ali"), City: "Oxford"}
}

// mustNotContain fails when b holds one of the plaintexts.
func mustNotContain(t *testing.T, what string, b []byte, plain ...string) {
	t.Helper()
	for _, p := range plain {
		if bytes.Contains(b, []byte(p)) {
			t.Fatalf("%s contains the plaintext %q", what, p)
		}
	}
}

// isRuleError reports whether err is a serde *RuleError whose cause
// matches target.
func isRuleError(err, target error) bool {
	var re *serde.RuleError
	return errors.As(err, &re) && errors.Is(err, target)
}
