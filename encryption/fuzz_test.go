package encryption_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// FuzzDecryptPayload feeds arbitrary bodies to the ENCRYPT_PAYLOAD read path
// (with DEK rotation, so that version prefixes are parsed too): an error
// or the record, never a panic, a hang or a cost beyond internal/budget's;
// errors are the package's typed ones.
func FuzzDecryptPayload(f *testing.F) {
	t := &testing.T{}
	e := newEnv(t, encoding(payloadRule(encryption.ParamDEKExpiryDays, "30")), nil)
	b, _ := e.write(e.serializer(), alicePII())
	if t.Failed() {
		f.Fatal("setup failed")
	}
	f.Add(b[5:])
	f.Add(b[5:10])
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 1})
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3})
	d := e.deserializer(strictRead)
	prefix := bytes.Clone(b[:5])
	f.Fuzz(func(t *testing.T, body []byte) {
		budget.Default().Check(t, "a payload", len(body), func() {
			p, err := d.Deserialize(context.Background(), testTopic, append(bytes.Clone(prefix), body...), nil)
			if err == nil {
				if p == nil {
					t.Error("no record and no error")
				}
				return
			}
			if !errors.Is(err, encryption.ErrCiphertext) && !errors.Is(err, encryption.ErrDEKNotFound) && !isJSONError(err) {
				t.Errorf("untyped error: %v", err)
			}
		})
	})
}

// FuzzDecryptField feeds arbitrary strings as an encrypted field, within
// internal/budget's budget.
func FuzzDecryptField(f *testing.F) {
	t := &testing.T{}
	e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, "AES256_SIV")), piiTags)
	b, _ := e.write(e.serializer(), alicePII())
	if t.Failed() {
		f.Fatal("setup failed")
	}
	var wire struct{ Name string }
	_ = json.Unmarshal(b[5:], &wire)
	f.Add(wire.Name)
	f.Add("")
	f.Add("AAAA")
	f.Add("////////////////////////")
	d := e.deserializer(strictRead)
	f.Fuzz(func(t *testing.T, name string) {
		payload := rewriteName(t, b, func(string) string { return name })
		budget.Default().Check(t, "a field", len(payload), func() {
			p, err := d.Deserialize(context.Background(), testTopic, payload, nil)
			if err == nil {
				if p == nil || p.Email != alicePII().Email {
					t.Errorf("read %+v", p)
				}
				return
			}
			var ee *encryption.Error
			if !errors.Is(err, encryption.ErrCiphertext) || !errors.As(err, &ee) || ee.Field != "person.name" || serde.IsTransient(err) {
				t.Errorf("error: %v", err)
			}
		})
	})
}

// isJSONError reports whether err comes from decoding a body that
// decrypted but is no JSON (impossible without the key; kept for safety).
func isJSONError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se)
}

// FuzzPayloadRule runs the compiled ENCRYPT_PAYLOAD rule directly on
// arbitrary bodies (serde.NewBodyMessage), on read with and without DEK
// rotation, and checks a write of the same bytes reads back.
func FuzzPayloadRule(f *testing.F) {
	t := &testing.T{}
	e := newEnv(t, nil, nil)
	if t.Failed() {
		f.Fatal("setup failed")
	}
	ctx := context.Background()
	var rules []serde.CompiledRule
	var defs []registry.Rule
	for _, r := range []registry.Rule{payloadRule(), payloadRule(encryption.ParamDEKExpiryDays, "7", encryption.ParamDEKAlgorithm, "AES256_SIV")} {
		c, err := e.enc.Payload().Compile(ctx, &r, &serde.ResolvedSchema{})
		if err != nil {
			f.Fatal(err)
		}
		rules, defs = append(rules, c), append(defs, r)
	}
	run := func(i int, mode registry.RuleMode, body []byte) ([]byte, error) {
		m, cur := serde.NewBodyMessage(body)
		rc := &serde.RuleContext{Rule: &defs[i], Mode: mode, Phase: serde.EncodingPhase, Subject: testSubject, Topic: testTopic}
		_, err := rules[i].Run(ctx, rc, m)
		return cur(), err
	}
	for i := range rules {
		ct, err := run(i, registry.RuleModeWrite, []byte("seed plaintext"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(i, ct)
	}
	f.Add(0, []byte{})
	f.Add(1, []byte{0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, i int, body []byte) {
		i = (i%2 + 2) % 2
		in := bytes.Clone(body)
		var out []byte
		var err error
		budget.Default().Check(t, "a body", len(body), func() { out, err = run(i, registry.RuleModeRead, body) })
		if !bytes.Equal(body, in) {
			t.Fatal("the rule modified its input")
		}
		if err != nil {
			if !errors.Is(err, encryption.ErrCiphertext) && !errors.Is(err, encryption.ErrDEKNotFound) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		// It decrypted: encrypting the plaintext again reads back.
		ct, err := run(i, registry.RuleModeWrite, out)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := run(i, registry.RuleModeRead, ct); err != nil || !bytes.Equal(back, out) {
			t.Fatalf("round trip: %q, %v", back, err)
		}
	})
}

// Large hostile ciphertexts (a megabyte of noise as the payload body, as
// an encrypted field, and behind a valid version prefix) are refused with
// ErrCiphertext within internal/budget's cost for their size.
func TestHostileCiphertextsWithinBudget(t *testing.T) {
	ctx := context.Background()
	noise := make([]byte, 1<<20)
	for i := range noise {
		noise[i] = byte(i*131 + i>>8)
	}
	fe := newEnv(t, domain(encRule(encryption.ParamDEKExpiryDays, "30")), piiTags)
	fb, _ := fe.write(fe.serializer(), alicePII())
	pe := newEnv(t, encoding(payloadRule(encryption.ParamDEKExpiryDays, "30")), nil)
	pb, _ := pe.write(pe.serializer(), alicePII())
	for name, c := range map[string]struct {
		e       *env
		payload []byte
	}{
		"payload noise":            {pe, append(bytes.Clone(pb[:5]), noise...)},
		"payload behind version 1": {pe, append(bytes.Clone(pb[:10]), noise...)},
		"field noise":              {fe, rewriteName(t, fb, func(string) string { return base64.StdEncoding.EncodeToString(noise) })},
		"field behind version 1": {fe, rewriteName(t, fb, func(string) string {
			return base64.StdEncoding.EncodeToString(append([]byte{0, 0, 0, 0, 1}, noise...))
		})},
	} {
		d := c.e.deserializer(strictRead)
		budget.Default().Check(t, name, len(c.payload), func() {
			if _, err := d.Deserialize(ctx, testTopic, c.payload, nil); !isRuleError(err, encryption.ErrCiphertext) {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
}
