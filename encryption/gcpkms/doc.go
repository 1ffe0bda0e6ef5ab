// Package gcpkms is the Google Cloud KMS driver ("gcp-kms") of srkit's
// client-side field-level encryption: the KMS that wraps and unwraps data
// encryption keys (DEKs) with a key encryption key (KEK) held in Cloud KMS,
// as Confluent's Java and Go clients do.
//
// A KEK's key ID (kmsKeyId, the rule's encrypt.kms.key.id) is the resource
// name of a symmetric CryptoKey,
// projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>
// (Confluent's gcp-kms:// key URLs are accepted too). A DEK is wrapped with
// Cloud KMS Encrypt (the key's primary version) and unwrapped with Decrypt,
// with no additional authenticated data, as Confluent's clients call them
// (through Tink), so that DEKs wrapped by any of them unwrap here and the
// reverse. Requests and answers carry CRC32C checksums, verified both ways
// as Google's data-integrity guidelines and Tink ask.
//
// Two ways in:
//   - [New] makes a KMS from the Cloud client library's own options
//     ([Config]: option.ClientOption values for credentials, endpoint and
//     HTTP client, gax call options for retries and timeouts, or a
//     ready *kms.KeyManagementClient of either transport); give it to the
//     executor with encryption.WithKMS.
//   - [Driver] makes KMSes from Confluent's rule-config keys (a service
//     account from account.type, client.id, client.email, private.key.id
//     and private.key; else application default credentials); give it with
//     encryption.WithKMSDriver, and the keys with encryption.WithConfig or
//     in the KEK's kmsProps.
//
// The principal needs cloudkms.cryptoKeyVersions.useToEncrypt (on write,
// when a DEK is created) and cloudkms.cryptoKeyVersions.useToDecrypt (on
// read) on the key: the role roles/cloudkms.cryptoKeyEncrypterDecrypter.
//
// Errors are [*Error] values naming the operation and the key, never
// credentials. An outage — a transport error, a timeout, a quota or rate
// limit, a 5xx answer, credentials that cannot be obtained or that Google
// does not accept (UNAUTHENTICATED), an answer that fails its checksum —
// also matches serde.ErrUnavailable, so that the message is retried; a
// refusal of the key or of the bytes (PERMISSION_DENIED, NOT_FOUND,
// FAILED_PRECONDITION for a disabled key version, INVALID_ARGUMENT for
// invalid ciphertext) does not.
package gcpkms
