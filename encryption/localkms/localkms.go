// Package localkms is Confluent's local KMS ("local-kms"): a key encryption
// key derived from a secret, so that field-level encryption runs without a
// cloud KMS — in tests, on a laptop, or wherever a shared secret is enough.
//
// The KEK is HKDF-SHA256 of the secret's UTF-8 bytes (no salt, no info, 16
// bytes), used as AES-128-GCM; wrapped DEKs are nonce (12 bytes) ||
// ciphertext || tag (16 bytes), with no associated data. The KEK's key ID
// (kmsKeyId) names the key in rules and in the DEK Registry and takes no
// part in the derivation: every key ID of one secret is the same key. This
// is byte for byte what Confluent's Java, Go, JS and Python clients do, so
// DEKs wrapped by any of them with the same secret unwrap here.
//
// Give the KMS to the encryption executor with encryption.WithKMS(New(secret)),
// or let the executor make it from Confluent's rule config (the "secret" key,
// else the LOCAL_SECRET environment variable) with
// encryption.WithKMSDriver(Driver()).
package localkms

import (
	"context"
	"errors"
	"fmt"
	"os"

	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/subtle"

	"github.com/srkit-go/srkit/encryption"
)

// Type is the KMS type of the local KMS, as rules and KEKs spell it.
const Type = encryption.KMSTypeLocal

// Configuration keys, as Confluent's local KMS driver reads them.
const (
	// ConfigSecret is the rule-config key that holds the secret.
	ConfigSecret = "secret"
	// EnvSecret is the environment variable read when the config has no
	// secret.
	EnvSecret = "LOCAL_SECRET"
)

// ErrNoSecret: neither the config nor the environment gives a secret.
var ErrNoSecret = errors.New("localkms: no secret: set the rule config key " + ConfigSecret + " or the environment variable " + EnvSecret)

// ErrUnwrap: wrapped key material does not decrypt with the KEK: it was
// wrapped with another secret, or it is corrupted.
var ErrUnwrap = errors.New("localkms: wrapped key material does not decrypt with this secret")

// KMS is the local KMS of one secret. It keeps only the derived key, never
// the secret, and is safe for concurrent use.
type KMS struct {
	aead *aeadsubtle.AESGCM
}

var _ encryption.KMS = (*KMS)(nil)

// New returns the local KMS whose KEK derives from secret. Every secret,
// even an empty one, is a key; choose one with enough entropy.
func New(secret string) *KMS {
	// HKDF-SHA256 to 16 bytes and AES-128-GCM cannot fail for these sizes.
	key, err := subtle.ComputeHKDF("SHA256", []byte(secret), nil, nil, 16)
	if err != nil {
		panic("localkms: HKDF: " + err.Error())
	}
	a, err := aeadsubtle.NewAESGCM(key)
	if err != nil {
		panic("localkms: AES-GCM: " + err.Error())
	}
	return &KMS{aead: a}
}

// FromConfig returns the local KMS of the secret in config (key "secret"),
// or else of the environment variable LOCAL_SECRET, as Confluent's driver
// finds it; [ErrNoSecret] when both are empty.
func FromConfig(config map[string]string) (*KMS, error) {
	secret := config[ConfigSecret]
	if secret == "" {
		secret = os.Getenv(EnvSecret)
	}
	if secret == "" {
		return nil, ErrNoSecret
	}
	return New(secret), nil
}

// Type returns "local-kms".
func (*KMS) Type() string { return Type }

// Wrap encrypts dek with the KEK. keyID only names the key.
func (k *KMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := k.aead.Encrypt(dek, nil)
	if err != nil {
		return nil, fmt.Errorf("localkms: wrapping with key %q: %w", keyID, err)
	}
	return out, nil
}

// Unwrap decrypts wrapped key material with the KEK; [ErrUnwrap] when it
// does not decrypt. keyID only names the key.
func (k *KMS) Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := k.aead.Decrypt(wrapped, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (key %q)", ErrUnwrap, keyID)
	}
	return out, nil
}

// Driver returns the driver that makes local KMSes from Confluent's rule
// config with [FromConfig].
func Driver() encryption.Driver { return driver{} }

type driver struct{}

func (driver) Type() string { return Type }

func (driver) NewKMS(_ context.Context, config map[string]string) (encryption.KMS, error) {
	k, err := FromConfig(config)
	if err != nil {
		return nil, err
	}
	return k, nil
}
