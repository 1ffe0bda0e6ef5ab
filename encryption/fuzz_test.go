package encryption_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/serde"
)

// FuzzDecryptPayload feeds arbitrary bodies to the ENCRYPT_PAYLOAD read path
// (with DEK rotation, so that version prefixes are parsed too): an error
// or the record, never a panic; errors are the package's typed ones.
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
		p, err := d.Deserialize(context.Background(), testTopic, append(bytes.Clone(prefix), body...), nil)
		if err == nil {
			if p == nil {
				t.Fatal("no record and no error")
			}
			return
		}
		if !errors.Is(err, encryption.ErrCiphertext) && !errors.Is(err, encryption.ErrDEKNotFound) && !isJSONError(err) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}

// FuzzDecryptField feeds arbitrary strings as an encrypted field.
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
		p, err := d.Deserialize(context.Background(), testTopic, rewriteName(t, b, func(string) string { return name }), nil)
		if err == nil {
			if p == nil || p.Email != alicePII().Email {
				t.Fatalf("read %+v", p)
			}
			return
		}
		var ee *encryption.Error
		if !errors.Is(err, encryption.ErrCiphertext) || !errors.As(err, &ee) || ee.Field != "person.name" || serde.IsTransient(err) {
			t.Fatalf("error: %v", err)
		}
	})
}

// isJSONError reports whether err comes from decoding a body that
// decrypted but is no JSON (impossible without the key; kept for safety).
func isJSONError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se)
}
