package encryption_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/serde"
)

// nameVersion returns the DEK version prefixed to the name's ciphertext.
func nameVersion(t *testing.T, b []byte) int {
	t.Helper()
	var wire struct{ Name string }
	if err := json.Unmarshal(b[5:], &wire); err != nil {
		t.Fatal(err)
	}
	ct, err := base64.StdEncoding.DecodeString(wire.Name)
	if err != nil || len(ct) < 5 || ct[0] != 0 {
		t.Fatalf("name %q has no version prefix", wire.Name)
	}
	return int(binary.BigEndian.Uint32(ct[1:5]))
}

func TestDEKRotation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags)
	s := e.serializer()
	versions := func() []int {
		vs, err := e.deks.DEKVersions(ctx, testKEK, testSubject, dekregistry.Algorithm("AES256_GCM"))
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	day0, _ := e.write(s, alicePII())
	if v := nameVersion(t, day0); v != 1 {
		t.Fatalf("day 0: version %d", v)
	}
	e.clock.add(29 * 24 * time.Hour)
	day29, _ := e.write(s, alicePII())
	if v := nameVersion(t, day29); v != 1 || !slices.Equal(versions(), []int{1}) {
		t.Fatalf("day 29: version %d, registry %v", v, versions())
	}
	e.clock.add(24 * time.Hour)
	day30, _ := e.write(s, alicePII())
	if v := nameVersion(t, day30); v != 2 || !slices.Equal(versions(), []int{1, 2}) {
		t.Fatalf("day 30: version %d, registry %v", v, versions())
	}
	// Another writer sees version 2 as the latest and fresh: no version 3.
	other, _ := e.write(e.serializerWith(e.executor()), alicePII())
	if v := nameVersion(t, other); v != 2 || !slices.Equal(versions(), []int{1, 2}) {
		t.Fatalf("second writer: version %d, registry %v", v, versions())
	}
	// Old and new records read, with a cold executor too.
	for _, d := range []*serde.Deserializer[*person]{e.deserializer(), e.deserializerWith(e.executor())} {
		for _, b := range [][]byte{day0, day29, day30, other} {
			if got := e.read(d, b, nil); !reflect.DeepEqual(got, alicePII()) {
				t.Fatalf("read %+v", got)
			}
		}
	}
}

func TestPayloadRotation(t *testing.T) {
	e := newEnv(t, encoding(payloadRule(encryption.ParamDEKExpiryDays, "1", encryption.ParamDEKAlgorithm, "AES256_SIV")), nil)
	s := e.serializer()
	b1, _ := e.write(s, alicePII())
	e.clock.add(36 * time.Hour)
	b2, _ := e.write(s, alicePII())
	if !slices.Equal(b1[5:10], []byte{0, 0, 0, 0, 1}) || !slices.Equal(b2[5:10], []byte{0, 0, 0, 0, 2}) {
		t.Fatalf("prefixes %x and %x", b1[5:10], b2[5:10])
	}
	d := e.deserializerWith(e.executor())
	for _, b := range [][]byte{b1, b2} {
		if got := e.read(d, b, nil); !reflect.DeepEqual(got, alicePII()) {
			t.Fatalf("read %+v", got)
		}
	}
}

// When the next version cannot be created, writers keep the expired DEK
// (as Confluent's do), and retry only after a pause, not per message.
func TestRotationFailureKeepsExpiredDEK(t *testing.T) {
	e := newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags)
	s := e.serializer()
	e.write(s, alicePII())
	e.clock.add(31 * 24 * time.Hour)
	e.mock.InjectFault(mockregistry.Fault{Method: "POST", Path: "/dek-registry/v1/keks/" + testKEK + "/deks", Status: 503})
	before := e.tr.n.Load()
	for i := 0; i < 20; i++ {
		b, _ := e.write(s, alicePII())
		if v := nameVersion(t, b); v != 1 {
			t.Fatalf("version %d while the registry refuses new DEKs", v)
		}
	}
	if n := e.tr.n.Load() - before; n > 2 {
		t.Fatalf("%d registry calls for 20 messages: the failed rotation is retried per message", n)
	}
	if !strings.Contains(e.logs.String(), "cannot create the next DEK version") {
		t.Fatalf("no warning logged: %s", e.logs)
	}
	e.mock.ClearFaults()
	e.clock.add(time.Minute)
	b, _ := e.write(s, alicePII())
	if v := nameVersion(t, b); v != 2 {
		t.Fatalf("after the registry recovered: version %d", v)
	}
}

// When the KMS is down as the DEK expires, the next version cannot be
// wrapped: the write fails as transient (as Confluent's executor fails it),
// with nothing written; once the KMS is back, version 2 is created.
func TestRotationWithTheKMSDown(t *testing.T) {
	e := newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags)
	s := e.serializer()
	e.write(s, alicePII())
	e.clock.add(30 * 24 * time.Hour)
	e.kms.set(func(k *testKMS) { k.down = true })
	b, _, err := s.Serialize(context.Background(), testTopic, alicePII())
	if !serde.IsTransient(err) || !errors.Is(err, encryption.ErrKMS) || b != nil {
		t.Fatalf("rotation with the KMS down: %d bytes, %v", len(b), err)
	}
	e.kms.set(func(k *testKMS) { k.down = false })
	if b, _ := e.write(s, alicePII()); nameVersion(t, b) != 2 {
		t.Fatalf("after the KMS recovered: version %d", nameVersion(t, b))
	}
}
