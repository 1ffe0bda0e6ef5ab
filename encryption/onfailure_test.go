package encryption_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// recordingCodec is personCodec whose decoder keeps the last body it was
// given: what the rules left of the payload.
type recordingCodec struct {
	personCodec
	mu   *sync.Mutex
	last *[]byte
}

func (c recordingCodec) Decoder(ctx context.Context, w *serde.ResolvedSchema, idx []int, r *serde.ResolvedSchema) (serde.Decoder[*person], error) {
	d, err := c.personCodec.Decoder(ctx, w, idx, r)
	return recordingCoder{d.(personCoder), c}, err
}

type recordingCoder struct {
	personCoder
	c recordingCodec
}

func (r recordingCoder) Decode(body []byte, v **person) error {
	r.c.mu.Lock()
	*r.c.last = bytes.Clone(body)
	r.c.mu.Unlock()
	return r.personCoder.Decode(body, v)
}

// recordingDeserializer reads with a cold executor of e and returns the
// body its decoder was last given.
func (e *env) recordingDeserializer(opts ...serde.DeserializerOption) (*serde.Deserializer[*person], func() []byte) {
	e.t.Helper()
	var mu sync.Mutex
	var last []byte
	opts = append([]serde.DeserializerOption{serde.WithRuleExecutors(e.executor().Executors()...)}, opts...)
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := serde.NewDeserializer[*person](e.client, serde.Value, recordingCodec{mu: &mu, last: &last}, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return d, func() []byte { mu.Lock(); defer mu.Unlock(); return last }
}

// asOnTheWire is the record a JSON body holds without decrypting anything.
func asOnTheWire(t *testing.T, body []byte) *person {
	t.Helper()
	p := new(person)
	if err := json.Unmarshal(body, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// A read that fails permanently under onFailure NONE (the rules' default
// ERROR,NONE) hands on the record exactly as it is on the wire: every
// tagged field still encrypted (the rule is all or nothing), the untagged
// ones as written; the payload rule leaves the body as it is, so the
// decoder gets the ciphertext (and fails on it as on any bad body).
// ERROR fails with the rule's permanent error instead.
func TestNoneOnReadLeavesTheWire(t *testing.T) {
	ctx := context.Background()
	for name, fail := range map[string]func(t *testing.T, e *env, payload bool, b []byte) []byte{
		"tampered ciphertext": func(t *testing.T, e *env, payload bool, b []byte) []byte {
			if payload {
				b = bytes.Clone(b)
				b[len(b)-1] ^= 1
				return b
			}
			return rewriteName(t, b, rewriteCiphertext(func(c []byte) []byte { c[len(c)-1] ^= 1; return c }))
		},
		"KMS refuses the key": func(t *testing.T, e *env, _ bool, b []byte) []byte {
			e.kms.set(func(k *testKMS) { k.refuse[testKeyID] = true })
			return b
		},
		"DEK deleted": func(t *testing.T, e *env, _ bool, b []byte) []byte {
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, false))
			must(t, e.deks.DeleteDEK(ctx, testKEK, testSubject, true))
			return b
		},
	} {
		for _, payload := range []bool{false, true} {
			rs := domain(encRule())
			if payload {
				rs = encoding(payloadRule())
			}
			t.Run(name+"/payload="+strconv.FormatBool(payload), func(t *testing.T) {
				e := newEnv(t, rs, piiTags)
				b, _ := e.write(e.serializer(), alicePII())
				wire := fail(t, e, payload, b)
				var re *serde.RuleError
				if _, err := e.deserializerWith(e.executor(), strictRead).Deserialize(ctx, testTopic, wire, nil); !errors.As(err, &re) || serde.IsTransient(err) {
					t.Fatalf("ERROR: %v", err)
				}
				d, last := e.recordingDeserializer()
				got, err := d.Deserialize(ctx, testTopic, wire, nil)
				if payload {
					if !bytes.Equal(last(), wire[5:]) {
						t.Fatalf("the decoder got %x, the wire body is %x", last(), wire[5:])
					}
					if err == nil || errors.As(err, &re) || serde.IsTransient(err) {
						t.Fatalf("NONE on a payload: the decoder's error on the ciphertext, got %v", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("NONE: %v", err)
				}
				if want := asOnTheWire(t, wire[5:]); !reflect.DeepEqual(got, want) {
					t.Fatalf("NONE read %+v\nthe wire holds %+v", got, want)
				}
				mustNotContain(t, "the record read", []byte(got.Name+got.Email+string(got.Photo)+*got.Nick), plaintexts...)
			})
		}
	}
}
