// Package encryption is Confluent's client-side field-level encryption
// (CSFLE) for srkit: the ENCRYPT and ENCRYPT_PAYLOAD rule executors, byte
// for byte compatible with Confluent's Java, Go, JS and Python clients —
// what they encrypt, srkit decrypts, and the reverse.
//
// # Keys
//
// Data is encrypted with data encryption keys (DEKs). The DEK Registry,
// served by the Schema Registry (package dekregistry is its client), keeps
// each DEK wrapped by a key encryption key (KEK) that lives in a key
// management service; a DEK belongs to one (KEK, subject, algorithm) and
// has versions. A [KMS] wraps and unwraps DEKs: package localkms is
// Confluent's local KMS (a KEK derived from a secret), and drivers for
// cloud KMSes implement the same interface. Users give the KMSes they use
// ([WithKMS]), or drivers that make them from Confluent's rule-config keys
// and the KEK's kmsProps ([WithKMSDriver], [WithConfig]): there is no
// global driver registry.
//
// # Setup
//
//	enc, err := encryption.New(client, encryption.WithKMS(localkms.New(secret)))
//	s, err := avro.NewSerializer[Order](client, serde.Value, serde.WithRuleExecutors(enc.Executors()...))
//
// One [Executor] per registry client serves every serializer and
// deserializer; it caches KEKs and decrypted DEKs (bounded by cache.size,
// expiring after cache.expiry.secs, as Confluent's Java executor), so that
// a warm message makes no KMS call and no registry call, and parses no key.
//
// # Rules
//
// A schema's rule set says what is encrypted:
//
//   - an ENCRYPT rule (a domain rule, mode WRITEREAD) encrypts, on write,
//     every field whose tags meet the rule's tags (inline tags, or the
//     schema's metadata.tags), and decrypts them on read. Only string and
//     bytes fields: a string field holds standard, padded base64 of its
//     ciphertext, a bytes field the ciphertext; a tagged field of another
//     type fails the write with [ErrFieldType]. The caller's value is never
//     modified. The format must walk fields (serde.RuleCodec).
//   - an ENCRYPT_PAYLOAD rule (an encoding rule) encrypts the whole
//     encoded body after the format and decrypts it before decoding; the
//     schema reference and Protobuf message indexes stay in the clear.
//
// Their params (the rule's params, then the schema's metadata properties):
// encrypt.kek.name (required), encrypt.kms.type and encrypt.kms.key.id
// (to create the KEK on first write, and checked against an existing one:
// [ErrKEKMismatch]), encrypt.dek.algorithm (AES128_GCM, AES256_GCM — the
// default —, or the deterministic AES256_SIV), encrypt.dek.expiry.days and
// encrypt.alternate.kms.key.ids.
//
// The KEK and DEK lifecycle is Confluent's: a writer gets the KEK (creating
// it when missing), then the DEK of its subject (creating it when missing:
// a new key, wrapped by the KMS, or none at all for a KEK registered as
// shared, whose DEKs the registry generates); a writer that loses a
// creation race to another client reads the winner's DEK back. Readers look
// keys up with soft-deleted ones included.
//
// # Rotation
//
// With encrypt.dek.expiry.days > 0, a writer creates the next DEK version
// once the latest is that many days old, and every ciphertext starts with
// 0x00 and the DEK's version (4 bytes, big-endian); readers take the
// version from there, so old records stay readable. [WithClock] sets the
// clock.
//
// # Failures
//
// An outage of the KMS or of the DEK Registry fails the message with a
// transient error (serde.IsTransient): it is retried, whatever the rule's
// onFailure says, and nothing is written in the clear. Other failures are
// [*Error]s matching this package's sentinels — [ErrCiphertext] for
// truncated, tampered or foreign data, [ErrDEKNotFound] for a DEK deleted
// for good, ... — and the rule's onFailure decides: ERROR fails the
// message, NONE on read hands the record out as it is on the wire, as
// Confluent's clients do. Errors and log lines name keys and fields, never
// key material, credentials or field values.
package encryption
