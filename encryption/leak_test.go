package encryption_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Key material, the KMS secret and field plaintexts never appear in an
// error, a log line or a dead-letter record.
func TestNothingSecretLeaks(t *testing.T) {
	ctx := context.Background()
	dlq := encRule()
	dlq.OnFailure = "DLQ,ERROR"
	e := newEnv(t, domain(dlq), piiTags, encryption.WithConfig(map[string]string{"secret": testSecret, "token.id": "vault-token-123"}))
	b, hs := e.write(e.serializer(), alicePII())
	d, err := e.deks.DEK(ctx, testKEK, testSubject)
	if err != nil {
		t.Fatal(err)
	}
	wrapped, _ := d.EncryptedKeyMaterialBytes()
	material, err := e.kms.inner.Unwrap(ctx, testKeyID, wrapped)
	if err != nil {
		t.Fatal(err)
	}
	secrets := append([]string{testSecret, "vault-token-123", base64.StdEncoding.EncodeToString(material), hex.EncodeToString(material),
		string(material), base64.StdEncoding.EncodeToString(material[2:]), hex.EncodeToString(material[2:])}, plaintexts...)

	var texts []string
	collect := func(err error) {
		if err != nil {
			texts = append(texts, err.Error())
			var re *serde.RuleError
			if errors.As(err, &re) && re.DeadLetter != nil {
				texts = append(texts, string(re.DeadLetter.Value))
				for _, h := range re.DeadLetter.Headers {
					texts = append(texts, string(h.Value))
				}
			}
		}
	}
	// A KMS that refuses: the write is dead-lettered.
	e2 := newEnv(t, domain(dlq), piiTags)
	e2.kms.set(func(k *testKMS) { k.refuse[testKeyID] = true })
	_, _, err = e2.serializer().Serialize(ctx, testTopic, alicePII())
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter == nil {
		t.Fatalf("no dead letter: %v", err)
	}
	collect(err)
	// A tagged int field, damaged data, deleted keys, outages.
	e3 := newEnv(t, domain(dlq), &registry.Metadata{Tags: map[string][]string{"person.id": {"PII"}, "person.name": {"PII"}}})
	_, _, err = e3.serializer().Serialize(ctx, testTopic, alicePII())
	if !errors.As(err, &re) || re.DeadLetter == nil || strings.Contains(string(re.DeadLetter.Value), "Alice Liddell") {
		t.Fatalf("tagged int field: %v", err)
	}
	texts = append(texts, err.Error()) // its dead letter holds the untagged fields in the clear
	strict := e.deserializer(strictRead)
	for _, p := range [][]byte{rewriteName(t, b, func(string) string { return "!!" }), rewriteName(t, b, rewriteCiphertext(func(c []byte) []byte { c[3] ^= 1; return c }))} {
		_, err = strict.Deserialize(ctx, testTopic, p, hs)
		collect(err)
	}
	e.mock.InjectFault(mockregistry.Fault{Path: "/dek-registry/", Status: 503})
	_, err = e.deserializerWith(e.executor(), strictRead).Deserialize(ctx, testTopic, b, hs)
	collect(err)
	e.mock.ClearFaults()
	e.kms.set(func(k *testKMS) { k.down = true })
	_, err = e.deserializerWith(e.executor(), strictRead).Deserialize(ctx, testTopic, b, hs)
	collect(err)
	if len(texts) < 7 {
		t.Fatalf("only %d error texts collected", len(texts))
	}
	texts = append(texts, e.logs.String(), e2.logs.String(), e3.logs.String())
	for _, txt := range texts {
		for _, s := range secrets {
			if strings.Contains(txt, s) {
				t.Errorf("%q leaks %q", txt, s)
			}
		}
	}
}
