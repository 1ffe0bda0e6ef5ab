package encryption_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tink-crypto/tink-go/v2/subtle"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
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
	// The local KMS's KEK, derived from the secret as localkms does.
	kek, err := subtle.ComputeHKDF("SHA256", []byte(testSecret), nil, nil, 16)
	if err != nil {
		t.Fatal(err)
	}
	// Each in every encoding (kmstest.NoSecretsIn): raw, quoted, base64,
	// hex, URL-escaped; the DEK's Tink key proto and the AES key in it.
	secrets := append([]string{testSecret, "vault-token-123", string(kek), string(material), string(material[len(material)-32:])}, plaintexts...)

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
	for i, txt := range texts {
		kmstest.NoSecretsIn(t, fmt.Sprintf("text %d of %d (an error, dead letter or log)", i+1, len(texts)), txt, secrets...)
	}
}
