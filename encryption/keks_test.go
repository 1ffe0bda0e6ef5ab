package encryption_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A shared KEK: the registry generates the DEK; the client sends no key
// material and calls no KMS.
func TestSharedKEK(t *testing.T) {
	ctx := context.Background()
	for _, alg := range algorithms {
		t.Run(string(alg), func(t *testing.T) {
			e := newEnv(t, domain(encRule(encryption.ParamDEKAlgorithm, string(alg))), piiTags)
			if _, err := e.deks.CreateKEK(ctx, dekregistry.KEK{Name: testKEK, KMSType: "local-kms", KMSKeyID: testKeyID, Shared: true}); err != nil {
				t.Fatal(err)
			}
			b, hs, err := e.serializer().Serialize(ctx, testTopic, alicePII())
			if err != nil {
				t.Fatal(err)
			}
			mustNotContain(t, "the payload", b, plaintexts...)
			if got := e.read(e.deserializerWith(e.executor()), b, hs); !reflect.DeepEqual(got, alicePII()) {
				t.Fatalf("read %+v", got)
			}
			if n := e.kms.calls(); n != 0 {
				t.Fatalf("%d KMS calls for a shared KEK", n)
			}
			d, err := e.deks.DEK(ctx, testKEK, testSubject, dekregistry.Algorithm(string(alg)))
			if err != nil || d.EncryptedKeyMaterial != "" || d.KeyMaterial == "" {
				t.Fatalf("the DEK: %v (sent material: %v), %v", d, d.EncryptedKeyMaterial != "", err)
			}
		})
	}
}

// The KEK's own key fails: the alternates are tried in order, from the
// rule's params, the KEK's kmsProps and the executor's config.
func TestAlternateKMSKeyIDs(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		rule     []string
		kmsProps map[string]string
		opts     []encryption.Option
	}{
		"rule param": {rule: []string{encryption.ParamAlternateKMSKeyIDs, "alt-1, ,alt-2"}},
		"kmsProps":   {kmsProps: map[string]string{encryption.ParamAlternateKMSKeyIDs: "alt-1,alt-2"}},
		"config":     {opts: []encryption.Option{encryption.WithConfig(map[string]string{encryption.ParamAlternateKMSKeyIDs: "alt-1,alt-2"})}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, domain(encRule(c.rule...)), piiTags, c.opts...)
			if c.kmsProps != nil {
				if _, err := e.deks.CreateKEK(ctx, dekregistry.KEK{Name: testKEK, KMSType: "local-kms", KMSKeyID: testKeyID, KMSProps: c.kmsProps}); err != nil {
					t.Fatal(err)
				}
			}
			e.kms.set(func(k *testKMS) { k.refuse[testKeyID], k.refuse["alt-1"] = true, true })
			b, hs := e.write(e.serializer(), alicePII())
			if got := e.read(e.deserializerWith(e.executor(c.opts...)), b, hs); !reflect.DeepEqual(got, alicePII()) {
				t.Fatalf("read %+v", got)
			}
			want := []string{"wrap:" + testKeyID, "wrap:alt-1", "wrap:alt-2", "unwrap:" + testKeyID, "unwrap:alt-1", "unwrap:alt-2"}
			if !slices.Equal(e.kms.seen, want) {
				t.Fatalf("KMS calls %q, want %q", e.kms.seen, want)
			}
		})
	}
}

func TestAllKMSKeysRefused(t *testing.T) {
	e := newEnv(t, domain(encRule(encryption.ParamAlternateKMSKeyIDs, "alt-1")), piiTags)
	e.kms.set(func(k *testKMS) { k.refuse[testKeyID], k.refuse["alt-1"] = true, true })
	_, _, err := e.serializer().Serialize(context.Background(), testTopic, alicePII())
	if !isRuleError(err, encryption.ErrKMS) || serde.IsTransient(err) {
		t.Fatalf("all keys refused: %v", err)
	}
	// One key is down, the other refuses: the failure is transient, since
	// the key that is down may well work.
	e.kms.set(func(k *testKMS) { k.refuse[testKeyID] = false; k.down = true })
	_, _, err = e.serializer().Serialize(context.Background(), testTopic, alicePII())
	if !errors.Is(err, encryption.ErrKMS) || !serde.IsTransient(err) {
		t.Fatalf("KMS down: %v", err)
	}
}

func TestKEKMismatch(t *testing.T) {
	ctx := context.Background()
	for name, k := range map[string]dekregistry.KEK{
		"key id":   {Name: testKEK, KMSType: "local-kms", KMSKeyID: "another-key"},
		"kms type": {Name: testKEK, KMSType: "custom-kms", KMSKeyID: testKeyID},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, domain(encRule()), piiTags)
			if _, err := e.deks.CreateKEK(ctx, k); err != nil {
				t.Fatal(err)
			}
			_, _, err := e.serializer().Serialize(ctx, testTopic, alicePII())
			var ee *encryption.Error
			if !isRuleError(err, encryption.ErrKEKMismatch) || !errors.As(err, &ee) || ee.KEK != testKEK {
				t.Fatalf("write: %v", err)
			}
		})
	}
}

// A rule that names no KMS can use an existing KEK, but cannot create one.
func TestKEKCreationNeedsKMSParams(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule(encryption.ParamKMSType, "", encryption.ParamKMSKeyID, "")), piiTags)
	_, _, err := e.serializer().Serialize(ctx, testTopic, alicePII())
	if !isRuleError(err, encryption.ErrInvalidRule) {
		t.Fatalf("write without a KEK: %v", err)
	}
	if _, err := e.deks.CreateKEK(ctx, dekregistry.KEK{Name: testKEK, KMSType: "local-kms", KMSKeyID: testKeyID}); err != nil {
		t.Fatal(err)
	}
	e.enc.ClearCaches()
	b, hs := e.write(e.serializer(), alicePII())
	if got := e.read(e.deserializer(), b, hs); !reflect.DeepEqual(got, alicePII()) {
		t.Fatalf("read %+v", got)
	}
}

// Params come from the rule, then from the schema's metadata properties.
func TestParamsFromMetadata(t *testing.T) {
	ctx := context.Background()
	r := encRule(encryption.ParamKEKName, "", encryption.ParamDEKAlgorithm, "")
	md := &registry.Metadata{Tags: piiTags.Tags, Properties: map[string]string{
		encryption.ParamKEKName: "md-kek", encryption.ParamDEKAlgorithm: "AES256_SIV",
	}}
	e := newEnv(t, domain(r), md)
	b, hs := e.write(e.serializer(), alicePII())
	if got := e.read(e.deserializer(), b, hs); !reflect.DeepEqual(got, alicePII()) {
		t.Fatalf("read %+v", got)
	}
	if _, err := e.deks.DEK(ctx, "md-kek", testSubject, dekregistry.Algorithm("AES256_SIV")); err != nil {
		t.Fatalf("no DEK under the metadata's KEK and algorithm: %v", err)
	}
}

func TestInvalidRules(t *testing.T) {
	for name, r := range map[string]registry.Rule{
		"no kek name":     encRule(encryption.ParamKEKName, ""),
		"bad kek name":    encRule(encryption.ParamKEKName, "9kek"),
		"bad kek char":    encRule(encryption.ParamKEKName, "kek.name"),
		"bad algorithm":   encRule(encryption.ParamDEKAlgorithm, "AES512_GCM"),
		"bad expiry":      encRule(encryption.ParamDEKExpiryDays, "soon"),
		"negative expiry": encRule(encryption.ParamDEKExpiryDays, "-1"),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, domain(r), piiTags)
			_, _, err := e.serializer().Serialize(context.Background(), testTopic, alicePII())
			if !isRuleError(err, encryption.ErrInvalidRule) || serde.IsTransient(err) {
				t.Fatalf("write: %v", err)
			}
		})
	}
}

// A tagged field that is neither a string nor bytes cannot be encrypted.
func TestTaggedFieldOfAnotherType(t *testing.T) {
	md := &registry.Metadata{Tags: map[string][]string{"person.id": {"PII"}, "person.name": {"PII"}}}
	e := newEnv(t, domain(encRule()), md)
	_, _, err := e.serializer().Serialize(context.Background(), testTopic, alicePII())
	var ee *encryption.Error
	if !isRuleError(err, encryption.ErrFieldType) || !errors.As(err, &ee) || ee.Field != "person.id" {
		t.Fatalf("write: %v", err)
	}
}

// A nil nullable field stays nil.
func TestNullFieldStaysNull(t *testing.T) {
	e := newEnv(t, domain(encRule()), piiTags)
	p := alicePII()
	p.Nick = nil
	b, hs := e.write(e.serializer(), p)
	if got := e.read(e.deserializer(), b, hs); got.Nick != nil || got.Name != p.Name {
		t.Fatalf("read %+v", got)
	}
}

func TestNoKMSForTheKEKType(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, domain(encRule(encryption.ParamKMSType, "aws-kms", encryption.ParamKMSKeyID, "arn:aws:kms:eu-west-1:1:key/k")), piiTags)
	_, _, err := e.serializer().Serialize(ctx, testTopic, alicePII())
	if !isRuleError(err, encryption.ErrNoKMS) || serde.IsTransient(err) {
		t.Fatalf("write: %v", err)
	}
}
