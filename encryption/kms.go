package encryption

import (
	"context"
	"strings"
)

// KMS types as rules (encrypt.kms.type) and KEKs (kmsType) spell them.
// [KMS.Type] and [Driver.Type] return one of these (or the name of another
// KMS); they are matched case-insensitively.
const (
	KMSTypeLocal = "local-kms" // Confluent's local KMS: a KEK derived from a secret (package localkms)
	KMSTypeAWS   = "aws-kms"   // AWS KMS
	KMSTypeGCP   = "gcp-kms"   // Google Cloud KMS
	KMSTypeAzure = "azure-kms" // Azure Key Vault
	KMSTypeVault = "hcvault"   // HashiCorp Vault's transit engine
)

// A KMS is a key management service that holds key encryption keys (KEKs)
// and wraps and unwraps data encryption keys (DEKs) with them. The executor
// calls it only when it meets a DEK it does not have yet: to wrap a DEK it
// creates, and to unwrap one it reads from the DEK Registry. Wrapped bytes
// are interoperable: what Confluent's Java, Go, JS or Python client wrapped
// with a KMS key, the KMS of the same type unwraps, and the reverse.
//
// A KMS is shared and concurrent: its methods are called from many
// goroutines at once.
//
// Errors: an error that says the KMS could not answer — transport errors,
// timeouts, throttling, 5xx answers, credentials that cannot be obtained or
// are refused — must wrap serde.ErrUnavailable, so that the message is
// retried rather than failed or passed on; any other error says the KMS
// refused this key or these bytes (a wrong key, corrupted wrapped bytes).
// Errors name the key ID, never credentials or key material. A
// [*KMSError] with Unavailable set for an outage says all of this; srkit's
// drivers return one.
type KMS interface {
	// Type returns the KMS type the KMS serves ("aws-kms", ...): KEKs whose
	// kmsType is this type are wrapped and unwrapped by it.
	Type() string
	// Wrap encrypts dek, a DEK's key material (a serialized Tink key), with
	// the KMS key keyID (a KEK's kmsKeyId: an ARN, a key resource name, a
	// key URL, as the KMS names keys) and returns the wrapped bytes the DEK
	// Registry keeps (a DEK's encryptedKeyMaterial, base64-decoded).
	Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error)
	// Unwrap decrypts wrapped, the bytes Wrap (or any Confluent client)
	// made with the KMS key keyID, and returns the DEK's key material.
	Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error)
}

// A Driver makes a [KMS] from configuration with Confluent's rule-config
// keys, as Confluent's KMS drivers are configured: the executor's config
// ([WithConfig]; Confluent's rule.executors.<name>.param.<key> properties,
// or RuleConfig in its Go client) overlaid with the KEK's kmsProps. Give a
// driver with [WithKMSDriver] to let the executor make the KMS of each KEK
// from its kmsProps; give a ready KMS with [WithKMS] when one KMS serves
// every KEK of its type.
//
// Confluent's keys, which drivers accept, include "secret" (local-kms),
// "access.key.id", "secret.access.key", "profile", "role.arn",
// "role.session.name", "role.external.id" (aws-kms), "tenant.id",
// "client.id", "client.secret" (azure-kms), "account.type", "client.id",
// "client.email", "private.key.id", "private.key" (gcp-kms), "token.id",
// "namespace", "approle.role.id", "approle.secret.id" (hcvault).
type Driver interface {
	// Type returns the KMS type the driver's KMSes serve.
	Type() string
	// NewKMS returns a KMS configured by config. The executor calls it once
	// per distinct configuration (once per KEK with its own kmsProps) and
	// keeps the result; config must not be kept or modified. An error must
	// never carry config's values (they hold credentials).
	NewKMS(ctx context.Context, config map[string]string) (KMS, error)
}

// fixedDriver is the Driver of a ready KMS: it ignores configuration.
type fixedDriver struct{ kms KMS }

func (d fixedDriver) Type() string { return d.kms.Type() }

func (d fixedDriver) NewKMS(context.Context, map[string]string) (KMS, error) { return d.kms, nil }

// normalizeKMSType is the key under which a KMS type is looked up.
func normalizeKMSType(t string) string { return strings.ToLower(strings.TrimSpace(t)) }
