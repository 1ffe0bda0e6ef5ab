package encryption_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Concurrent first writes, in one executor and across several (several
// client processes), create one KEK and one DEK, and everything written
// reads back.
func TestConcurrentFirstWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule()), piiTags)
	executors := []*encryption.Executor{e.enc, e.executor(), e.executor(), e.executor()}
	var mu sync.Mutex
	var written [][]byte
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 32; i++ {
		s := e.serializerWith(executors[i%len(executors)])
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			b, _, err := s.Serialize(ctx, testTopic, alicePII())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			written = append(written, b)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if vs, err := e.deks.DEKVersions(ctx, testKEK, testSubject); err != nil || !slices.Equal(vs, []int{1}) {
		t.Fatalf("DEK versions %v, %v", vs, err)
	}
	if ks, err := e.deks.KEKs(ctx); err != nil || !slices.Equal(ks, []string{testKEK}) {
		t.Fatalf("KEKs %v, %v", ks, err)
	}
	creates := 0
	e.tr.mu.Lock()
	for _, l := range e.tr.log {
		if strings.HasPrefix(l, "POST /dek-registry/v1/keks/"+testKEK+"/deks") {
			creates++
		}
	}
	e.tr.mu.Unlock()
	if creates > len(executors) {
		t.Fatalf("%d DEK creations for %d executors: concurrent writers of one executor did not share one", creates, len(executors))
	}
	d := e.deserializerWith(e.executor())
	for _, b := range written {
		if got := e.read(d, b, nil); !reflect.DeepEqual(got, alicePII()) {
			t.Fatalf("read %+v", got)
		}
	}
}

// The KMS or the DEK Registry is down: the message fails with a transient
// error (retried, never "bad"), on write and on read, whatever onFailure
// says; nothing is written or read in the clear.
func TestOutagesAreTransient(t *testing.T) {
	ctx := context.Background()
	for name, outage := range map[string]func(e *env){
		"KMS down":         func(e *env) { e.kms.set(func(k *testKMS) { k.down = true }) },
		"DEK Registry 503": func(e *env) { e.mock.InjectFault(mockregistry.Fault{Path: "/dek-registry/", Status: 503}) },
		"DEK Registry 500": func(e *env) {
			e.mock.InjectFault(mockregistry.Fault{Path: "/dek-registry/", Status: 500, ErrorCode: 50070})
		},
		"DEK Registry 401": func(e *env) { e.mock.InjectFault(mockregistry.Fault{Path: "/dek-registry/", Status: 401}) },
		"DEK Registry HTML": func(e *env) {
			e.mock.InjectFault(mockregistry.Fault{Path: "/dek-registry/", Status: 404, ErrorCode: 404})
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, rs := range []*registry.RuleSet{domain(encRule()), encoding(payloadRule())} {
				// Write: fails.
				e := newEnv(t, rs, piiTags)
				outage(e)
				b, hs, err := e.serializer().Serialize(ctx, testTopic, alicePII())
				if !serde.IsTransient(err) || b != nil || hs != nil {
					t.Fatalf("write: %v (with %d bytes out)", err, len(b))
				}
				outageTyped(t, name, "write", err)
				// Read with a cold executor: fails too, although onFailure
				// on read is NONE.
				e2 := newEnv(t, rs, piiTags)
				b, hs = e2.write(e2.serializer(), alicePII())
				outage(e2)
				got, err := e2.deserializerWith(e2.executor()).Deserialize(ctx, testTopic, b, hs)
				outageTyped(t, name, "read", err)
				if !serde.IsTransient(err) || got != nil {
					t.Fatalf("read: %v", err)
				}
			}
		})
	}
}

// outageTyped checks that an outage's error is typed: a *serde.RuleError
// wrapping an *encryption.Error, and ErrKMS with serde.ErrUnavailable for
// the KMS, registry.ErrUnavailable for the DEK Registry.
func outageTyped(t *testing.T, name, op string, err error) {
	t.Helper()
	var ee *encryption.Error
	var re *serde.RuleError
	ok := errors.As(err, &ee) && errors.As(err, &re)
	if strings.HasPrefix(name, "KMS") {
		ok = ok && errors.Is(err, encryption.ErrKMS) && errors.Is(err, serde.ErrUnavailable)
	} else {
		ok = ok && errors.Is(err, registry.ErrUnavailable)
	}
	if !ok {
		t.Fatalf("%s: the error is not typed: %v", op, err)
	}
}

// A DEK or KEK that was permanently deleted: a permanent error; with
// onFailure NONE on read (the default of Confluent's examples) the record
// reads as it is on the wire.
func TestDeletedKeysOnRead(t *testing.T) {
	ctx := context.Background()
	for name, del := range map[string]func(e *env){
		"DEK": func(e *env) {
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, false))
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, true))
		},
		"KEK": func(e *env) {
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, false))
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, true))
			must(t, e.deks.DeleteKEK(ctx, testKEK, false))
			must(t, e.deks.DeleteKEK(ctx, testKEK, true))
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, domain(encRule()), piiTags)
			b, hs := e.write(e.serializer(), alicePII())
			del(e)
			want := encryption.ErrDEKNotFound
			if name == "KEK" {
				want = encryption.ErrKEKNotFound
			}
			_, err := e.deserializerWith(e.executor(), strictRead).Deserialize(ctx, testTopic, b, hs)
			if !isRuleError(err, want) || serde.IsTransient(err) {
				t.Fatalf("strict read: %v", err)
			}
			got, err := e.deserializerWith(e.executor()).Deserialize(ctx, testTopic, b, hs)
			if err != nil || got.Name == alicePII().Name || got.City != "Oxford" {
				t.Fatalf("NONE read: %+v, %v", got, err)
			}
			if _, err := base64.StdEncoding.DecodeString(got.Name); err != nil {
				t.Fatalf("the name is not as on the wire: %q", got.Name)
			}
		})
	}
}

// Soft-deleted keys still decrypt.
func TestSoftDeletedKeysStillRead(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule()), piiTags)
	b, hs := e.write(e.serializer(), alicePII())
	must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, false))
	must(t, e.deks.DeleteKEK(ctx, testKEK, false))
	if got := e.read(e.deserializerWith(e.executor(), strictRead), b, hs); !reflect.DeepEqual(got, alicePII()) {
		t.Fatalf("read %+v", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rewriteName rewrites the JSON body's name with f.
func rewriteName(t *testing.T, b []byte, f func(string) string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b[5:], &m); err != nil {
		t.Fatal(err)
	}
	m["name"] = f(m["name"].(string))
	nb, _ := json.Marshal(m)
	return append(bytes.Clone(b[:5]), nb...)
}

func rewriteCiphertext(f func([]byte) []byte) func(string) string {
	return func(s string) string {
		ct, _ := base64.StdEncoding.DecodeString(s)
		return base64.StdEncoding.EncodeToString(f(ct))
	}
}

// Damaged ciphertexts: a permanent ErrCiphertext, never a panic, never
// garbage.
func TestDamagedCiphertext(t *testing.T) {
	ctx := context.Background()
	flip := func(i int) func([]byte) []byte {
		return func(b []byte) []byte { b = bytes.Clone(b); b[(i+len(b))%len(b)] ^= 0x40; return b }
	}
	fieldCases := map[string]func(string) string{
		"not base64":   func(string) string { return "%%%not base64%%%" },
		"truncated":    rewriteCiphertext(func(b []byte) []byte { return b[:10] }),
		"empty":        func(string) string { return "" },
		"tampered tag": rewriteCiphertext(flip(-1)),
		"tampered ct":  rewriteCiphertext(flip(14)),
		"nonce":        rewriteCiphertext(flip(0)),
	}
	for _, alg := range algorithms {
		e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, string(alg))), piiTags)
		b, _ := e.write(e.serializer(), alicePII())
		d := e.deserializer(strictRead)
		for name, f := range fieldCases {
			_, err := d.Deserialize(ctx, testTopic, rewriteName(t, b, f), nil)
			var ee *encryption.Error
			if !isRuleError(err, encryption.ErrCiphertext) || serde.IsTransient(err) || !errors.As(err, &ee) || ee.Field != "person.name" {
				t.Errorf("%s field %s: %v", alg, name, err)
			}
		}
		// Payload.
		pe := newEnv(t, encoding(payloadRule(encryption.ParamDEKAlgorithm, string(alg))), nil)
		pb, _ := pe.write(pe.serializer(), alicePII())
		pd := pe.deserializer(strictRead)
		for name, p := range map[string][]byte{
			"truncated": pb[:12], "empty": pb[:5], "tampered": append(bytes.Clone(pb[:len(pb)-1]), pb[len(pb)-1]^1),
			"extended": append(bytes.Clone(pb), 0),
		} {
			if _, err := pd.Deserialize(ctx, testTopic, p, nil); !isRuleError(err, encryption.ErrCiphertext) {
				t.Errorf("%s payload %s: %v", alg, name, err)
			}
		}
	}
}

// With rotation, the version prefix must be well-formed and name an
// existing DEK.
func TestWrongVersionPrefix(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags)
	b, _ := e.write(e.serializer(), alicePII())
	d := e.deserializer(strictRead)
	for name, c := range map[string]struct {
		f    func([]byte) []byte
		want error
	}{
		"magic byte":    {func(b []byte) []byte { b = bytes.Clone(b); b[0] = 1; return b }, encryption.ErrCiphertext},
		"version 0":     {func(b []byte) []byte { b = bytes.Clone(b); b[4] = 0; return b }, encryption.ErrCiphertext},
		"huge version":  {func(b []byte) []byte { b = bytes.Clone(b); b[1] = 0xff; return b }, encryption.ErrCiphertext},
		"short":         {func(b []byte) []byte { return b[:3] }, encryption.ErrCiphertext},
		"no such DEK":   {func(b []byte) []byte { b = bytes.Clone(b); b[4] = 9; return b }, encryption.ErrDEKNotFound},
		"prefix only":   {func(b []byte) []byte { return b[:5] }, encryption.ErrCiphertext},
		"no prefix":     {func(b []byte) []byte { return b[5:] }, encryption.ErrCiphertext},
		"other version": {func(b []byte) []byte { b = bytes.Clone(b); b[4] = 2; return b }, encryption.ErrDEKNotFound},
	} {
		_, err := d.Deserialize(ctx, testTopic, rewriteName(t, b, rewriteCiphertext(c.f)), nil)
		if !isRuleError(err, c.want) || serde.IsTransient(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Version 2 exists after a rotation, but its key does not decrypt
	// version 1's ciphertext.
	e.clock.add(31 * 24 * 3600e9)
	e.write(e.serializer(), alicePII())
	_, err := d.Deserialize(ctx, testTopic, rewriteName(t, b, rewriteCiphertext(func(b []byte) []byte { b = bytes.Clone(b); b[4] = 2; return b })), nil)
	if !isRuleError(err, encryption.ErrCiphertext) {
		t.Errorf("version 2's key on version 1's data: %v", err)
	}
}

// DEK material that is not a Tink key of the algorithm is refused.
func TestInvalidKeyMaterial(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule()), piiTags)
	must(t, func() error {
		_, err := e.deks.CreateKEK(ctx, dekregistry.KEK{Name: testKEK, KMSType: "local-kms", KMSKeyID: testKeyID})
		return err
	}())
	// A raw 32-byte key, as some non-Confluent tools store: not interoperable.
	raw := bytes.Repeat([]byte{7}, 32)
	w, _ := e.kms.inner.Wrap(ctx, testKeyID, raw)
	if _, err := e.deks.CreateDEK(ctx, testKEK, dekregistry.DEK{Subject: testSubject, EncryptedKeyMaterial: base64.StdEncoding.EncodeToString(w)}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.serializer().Serialize(ctx, testTopic, alicePII())
	if !isRuleError(err, encryption.ErrKeyMaterial) {
		t.Fatalf("raw key: %v", err)
	}
}
