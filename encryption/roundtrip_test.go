package encryption_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/serde"
)

var algorithms = []encryption.Algorithm{encryption.AES128GCM, encryption.AES256GCM, encryption.AES256SIV}

var placements = map[string]serde.IDPlacement{"payload": serde.PayloadID, "header": serde.HeaderGUID}

// plaintexts are alice's tagged values.
var plaintexts = []string{"Alice Liddell", "alice@example.org", "PNG-photo-bytes", "alice-nick"}

func alicePII() *person {
	p := alice()
	p.Nick = ptr("alice-nick")
	return p
}

func clonePerson(p *person) *person {
	c := *p
	c.Photo = bytes.Clone(p.Photo)
	if p.Nick != nil {
		c.Nick = ptr(*p.Nick)
	}
	return &c
}

// ctLen is the length of a ciphertext of n plaintext bytes.
func ctLen(alg encryption.Algorithm, n int) int {
	if alg == encryption.AES256SIV {
		return 16 + n
	}
	return 12 + n + 16
}

// body returns the payload without its schema reference.
func body(t *testing.T, b []byte, hs []serde.Header) []byte {
	t.Helper()
	if len(hs) > 0 {
		return b
	}
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("payload %x has no schema ID prefix", b)
	}
	return b[5:]
}

func TestFieldRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, alg := range algorithms {
		for pname, placement := range placements {
			t.Run(string(alg)+"/"+pname, func(t *testing.T) {
				e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, string(alg))), piiTags)
				in := alicePII()
				orig := clonePerson(in)
				b, hs := e.write(e.serializer(serde.WithPlacement(placement)), in)
				if !reflect.DeepEqual(in, orig) {
					t.Fatalf("the caller's value changed: %+v", in)
				}
				if placement == serde.HeaderGUID && len(hs) == 0 {
					t.Fatal("no schema header")
				}
				mustNotContain(t, "the payload", b, plaintexts...)
				if !bytes.Contains(b, []byte("Oxford")) {
					t.Fatal("the untagged city is not in the clear")
				}
				// The wire: strings are base64 of the ciphertext, bytes the ciphertext.
				var wire struct {
					ID          int
					Name, Email string
					Photo       []byte
					Nick        *string
				}
				if err := json.Unmarshal(body(t, b, hs), &wire); err != nil {
					t.Fatal(err)
				}
				ct, err := base64.StdEncoding.DecodeString(wire.Name)
				if err != nil || len(ct) != ctLen(alg, len(orig.Name)) {
					t.Fatalf("name on the wire %q: %d bytes, %v", wire.Name, len(ct), err)
				}
				if len(wire.Photo) != ctLen(alg, len(orig.Photo)) || wire.ID != 7 {
					t.Fatalf("photo on the wire: %d bytes; id %d", len(wire.Photo), wire.ID)
				}
				got := e.read(e.deserializer(), b, hs)
				if !reflect.DeepEqual(got, orig) {
					t.Fatalf("read %+v, want %+v", got, orig)
				}
				// A fresh executor (another process) reads it too.
				if got := e.read(e.deserializerWith(e.executor()), b, hs); !reflect.DeepEqual(got, orig) {
					t.Fatalf("another executor read %+v", got)
				}
				// The registry has the KEK and one DEK of the algorithm.
				k, err := e.deks.KEK(ctx, testKEK)
				if err != nil || k.KMSType != "local-kms" || k.KMSKeyID != testKeyID || k.Shared {
					t.Fatalf("KEK %+v, %v", k, err)
				}
				vs, err := e.deks.DEKVersions(ctx, testKEK, testSubject, dekregistry.Algorithm(string(alg)))
				if err != nil || !slices.Equal(vs, []int{1}) {
					t.Fatalf("DEK versions %v, %v", vs, err)
				}
			})
		}
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	for _, alg := range algorithms {
		for pname, placement := range placements {
			t.Run(string(alg)+"/"+pname, func(t *testing.T) {
				e := newEnv(t, encoding(payloadRule(encryption.ParamDEKAlgorithm, string(alg))), nil)
				in := alicePII()
				orig := clonePerson(in)
				b, hs := e.write(e.serializer(serde.WithPlacement(placement)), in)
				mustNotContain(t, "the payload", b, append(plaintexts, "Oxford", `"id"`)...)
				plain, _ := json.Marshal(orig)
				if n := len(body(t, b, hs)); n != ctLen(alg, len(plain)) {
					t.Fatalf("body of %d bytes, want %d", n, ctLen(alg, len(plain)))
				}
				if got := e.read(e.deserializer(), b, hs); !reflect.DeepEqual(got, orig) {
					t.Fatalf("read %+v, want %+v", got, orig)
				}
			})
		}
	}
}

// AES256_SIV is deterministic: equal plaintexts, equal bytes; GCM is not.
func TestDeterminism(t *testing.T) {
	for _, alg := range algorithms {
		e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, string(alg))), piiTags)
		s := e.serializer()
		b1, _ := e.write(s, alicePII())
		b2, _ := e.write(e.serializerWith(e.executor()), alicePII())
		if same := bytes.Equal(b1, b2); same != (alg == encryption.AES256SIV) {
			t.Errorf("%s: two writes equal = %v", alg, same)
		}
	}
}

// Once warm, a message makes no DEK Registry call and no KMS call.
func TestWarmPathMakesNoCalls(t *testing.T) {
	for name, rs := range map[string]func() (*env, bool){
		"field":   func() (*env, bool) { return newEnv(t, domain(encRule()), piiTags), true },
		"payload": func() (*env, bool) { return newEnv(t, encoding(payloadRule()), nil), false },
		"rotated": func() (*env, bool) {
			return newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags), true
		},
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := rs()
			s, d := e.serializer(), e.deserializer()
			b, hs := e.write(s, alicePII())
			e.read(d, b, hs)
			regCalls, kmsCalls := e.tr.n.Load(), e.kms.calls()
			if regCalls == 0 || kmsCalls == 0 {
				t.Fatalf("the cold path made %d registry and %d KMS calls", regCalls, kmsCalls)
			}
			for i := 0; i < 50; i++ {
				b, hs := e.write(s, alicePII())
				e.read(d, b, hs)
			}
			if n := e.tr.n.Load() - regCalls; n != 0 {
				t.Errorf("warm messages made %d DEK Registry calls", n)
			}
			if n := e.kms.calls() - kmsCalls; n != 0 {
				t.Errorf("warm messages made %d KMS calls", n)
			}
		})
	}
}
