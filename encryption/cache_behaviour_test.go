package encryption_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/registry"
)

// One schema under two subjects: a deserializer's compiled rule meets both
// (one DEK per subject); alternating records decrypt with the right DEK.
func TestOneRuleTwoSubjects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	rs := domain(encRule())
	s1, err := e.client.Register(ctx, "people-value", registry.Schema{Schema: personSchema, SchemaType: registry.JSON, RuleSet: rs, Metadata: piiTags})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := e.client.Register(ctx, "folks-value", registry.Schema{Schema: personSchema, SchemaType: registry.JSON, RuleSet: rs, Metadata: piiTags})
	if err != nil {
		t.Fatal(err)
	}
	if s1.ID != s2.ID {
		t.Skipf("the mock gave the schema two IDs (%d, %d)", s1.ID, s2.ID)
	}
	e.id = s1.ID
	s := e.serializer()
	b1, _, err := s.Serialize(ctx, "people", alicePII())
	if err != nil {
		t.Fatal(err)
	}
	bob := alicePII()
	bob.Name = "Bob"
	b2, _, err := s.Serialize(ctx, "folks", bob)
	if err != nil {
		t.Fatal(err)
	}
	d := e.deserializer()
	for i := 0; i < 4; i++ {
		for topic, want := range map[string]*person{"people": alicePII(), "folks": bob} {
			b := b1
			if topic == "folks" {
				b = b2
			}
			got, err := d.Deserialize(ctx, topic, b, nil)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v, %v", topic, got, err)
			}
		}
	}
}

// With a cache expiry, warm keys are fetched again once it passes; without
// one, never.
func TestCacheExpiry(t *testing.T) {
	e := newEnv(t, domain(encRule()), piiTags, encryption.WithCacheExpiry(time.Minute))
	s := e.serializer()
	e.write(s, alicePII())
	n := e.tr.n.Load()
	e.clock.add(59 * time.Second)
	e.write(s, alicePII())
	if e.tr.n.Load() != n {
		t.Fatal("a registry call before the expiry")
	}
	e.clock.add(2 * time.Second)
	e.write(s, alicePII())
	if e.tr.n.Load() == n {
		t.Fatal("no registry call after the expiry")
	}
	// The config key works the same way.
	e2 := newEnv(t, domain(encRule()), piiTags, encryption.WithConfig(map[string]string{"cache.expiry.secs": "60"}))
	s2 := e2.serializer()
	e2.write(s2, alicePII())
	n = e2.tr.n.Load()
	e2.clock.add(61 * time.Second)
	e2.write(s2, alicePII())
	if e2.tr.n.Load() == n {
		t.Fatal("cache.expiry.secs: no registry call after the expiry")
	}
}

// ClearCaches makes the next message fetch its keys again.
func TestClearCaches(t *testing.T) {
	e := newEnv(t, domain(encRule()), piiTags)
	s := e.serializer()
	e.write(s, alicePII())
	n := e.tr.n.Load()
	e.write(s, alicePII())
	if e.tr.n.Load() != n {
		t.Fatal("a warm message called the registry")
	}
	e.enc.ClearCaches()
	e.write(s, alicePII())
	if e.tr.n.Load() == n {
		t.Fatal("no registry call after ClearCaches")
	}
}

func TestNewChecksOptions(t *testing.T) {
	e := newEnv(t, nil, nil)
	for name, opts := range map[string][]encryption.Option{
		"two KMSes of a type": {encryption.WithKMS(e.kms), encryption.WithKMS(newTestKMS())},
		"bad cache.size":      {encryption.WithConfig(map[string]string{"cache.size": "many"})},
		"zero cache.size":     {encryption.WithConfig(map[string]string{"cache.size": "0"})},
		"bad expiry":          {encryption.WithConfig(map[string]string{"cache.expiry.secs": "1h"})},
		"nil KMS":             {encryption.WithKMS(nil)},
		"zero WithCacheSize":  {encryption.WithCacheSize(0)},
	} {
		if _, err := encryption.New(e.client, opts...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := encryption.New(nil); err == nil {
		t.Error("nil client: no error")
	}
	if _, err := encryption.New(e.client, encryption.WithConfig(map[string]string{"cache.size": "5", "cache.expiry.secs": "-1", "missing.dek.cache.ttl.sec": "10"})); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

// A WRITE-only rule encrypts and leaves the data encrypted on read.
func TestWriteOnlyRule(t *testing.T) {
	r := encRule()
	r.Mode, r.OnFailure = registry.RuleModeWrite, "ERROR"
	e := newEnv(t, domain(r), piiTags)
	b, hs := e.write(e.serializer(), alicePII())
	// Read: the WRITE rule does not run, the record reads as on the wire.
	got := e.read(e.deserializer(), b, hs)
	if got.Name == alicePII().Name || got.City != "Oxford" {
		t.Fatal("a WRITE rule decrypted on read")
	}
}
