// Package azurekms is the Azure Key Vault driver ("azure-kms") of srkit's
// client-side field-level encryption: the KMS that wraps and unwraps data
// encryption keys (DEKs) with a key encryption key (KEK) held in Azure Key
// Vault (or a Managed HSM), as Confluent's Java and Go clients do.
//
// A KEK's key ID (kmsKeyId, the rule's encrypt.kms.key.id) is the key's
// URL, https://<vault>.vault.azure.net/keys/<name>/<version>, or without a
// version for the key's current one; Confluent's azure-kms:// key-URL
// prefix is accepted. A DEK is wrapped with the key's RSA-OAEP-256 encrypt
// operation and unwrapped with decrypt, the calls and the algorithm of
// Confluent's clients, and the wrapped bytes are Key Vault's result, so
// that DEKs wrapped by any of them unwrap here and the reverse.
// [WrapUnwrap] calls wrapKey and unwrapKey instead, which compute the same
// RSA-OAEP-256 under other permissions. With encrypt.azure.key.version.save
// ([Config.SaveKeyVersion]), wrapped bytes are Confluent's self-describing
// "azure:v1:<version>:<result>", which unwrap with the version that made
// them after the key rotates; such bytes are read whatever the setting.
//
// Two ways in:
//   - [New] makes a KMS from the SDK's own configuration ([Config]: a
//     credential, azkeys client options with their retries, transport and
//     timeouts, azidentity options, and an endpoint override for proxies
//     or tests); give it to the executor with encryption.WithKMS.
//   - [Driver] makes KMSes from Confluent's rule-config keys (tenant.id,
//     client.id and client.secret for a Microsoft Entra ID application;
//     else the default credential chain); give it with
//     encryption.WithKMSDriver, and the credentials with
//     encryption.WithConfig or in the KEK's kmsProps.
//
// The caller needs keys/encrypt (on write, when a DEK is created) and
// keys/decrypt (on read, and on write for an existing DEK) on the KEK's key
// (the "Key Vault Crypto User" role), or keys/wrapKey and keys/unwrapKey
// with [WrapUnwrap]. Bearer tokens are requested for the resource of Key
// Vault's authentication challenge, which the SDK checks against the
// vault's domain.
//
// Errors are [*Error] values naming the operation and the key, never
// credentials, tokens or key material. An outage — a transport error, a
// timeout, throttling, a 5xx answer, an answer that is not Key Vault's,
// credentials that cannot be obtained or that Key Vault refuses — also
// matches serde.ErrUnavailable, so that the message is retried; a refusal
// of the key or of the bytes (Forbidden on the key, KeyNotFound, bytes
// that do not decrypt) does not.
package azurekms
