// Package hcvault is the HashiCorp Vault driver ("hcvault") of srkit's
// client-side field-level encryption: the KMS that wraps and unwraps data
// encryption keys (DEKs) with a key encryption key (KEK) held in Vault's
// transit secrets engine, as Confluent's Java and Go clients do.
//
// A KEK's key ID (kmsKeyId, the rule's encrypt.kms.key.id) is the URL of a
// transit key, http(s)://host[:port]/<mount>/keys/<name>
// (https://vault.example.com:8200/transit/keys/payments); without a scheme
// it is https, and Confluent's hcvault:// key-URL prefix is accepted. A DEK
// is wrapped with transit encrypt (a write to /v1/<mount>/encrypt/<name> with the
// DEK in base64, no context and no associated data) and the wrapped bytes
// are Vault's ciphertext string (vault:v1:...) as bytes; it is unwrapped
// with transit decrypt of that string. These are the requests and bytes of
// Confluent's clients (and of Tink's Vault AEAD), so DEKs wrapped by any of
// them unwrap here and the reverse. The calls are made with the Vault SDK
// (github.com/hashicorp/vault/api) directly rather than through
// tink-go-hcvault, whose AEAD takes no context.
//
// Two ways in:
//   - [New] makes a KMS from the SDK's own configuration ([Config]: an
//     api.Config with its TLS, HTTP client, timeouts and retries, a token,
//     a namespace or an auth method, and an endpoint override for agents,
//     proxies or tests); give it to the executor with encryption.WithKMS.
//   - [Driver] makes KMSes from Confluent's rule-config keys (token.id,
//     namespace, approle.role.id and approle.secret.id; else VAULT_TOKEN,
//     VAULT_NAMESPACE, VAULT_APPROLE_ROLE_ID and VAULT_APPROLE_SECRET_ID);
//     give it with encryption.WithKMSDriver, and the credentials with
//     encryption.WithConfig or in the KEK's kmsProps.
//
// The token's policy needs update on <mount>/encrypt/<name> (on write,
// when a DEK is created) and on <mount>/decrypt/<name> (on read, and on
// write for an existing DEK), and read on auth/token/lookup-self (Vault's
// default policy grants it), which tells a refused token from a refused
// key. The token goes to the host of each key ID; set Config.Endpoint to
// send it to one address only.
//
// Errors are [*Error] values naming the operation and the key, never
// tokens, secret IDs or key material. An outage — a transport error, a
// timeout, a sealed or standby Vault, throttling, a 5xx answer, a token or
// login Vault refuses — also matches serde.ErrUnavailable, so that the
// message is retried; a refusal of the key or of the bytes (permission
// denied on the key with a valid token, an unknown key, an invalid
// ciphertext) does not. With an auth method (AppRole), a refused token is
// replaced by a new login and the call made again once.
package hcvault
