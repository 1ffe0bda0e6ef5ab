// Package awskms is the AWS KMS driver ("aws-kms") of srkit's client-side
// field-level encryption: the KMS that wraps and unwraps data encryption
// keys (DEKs) with a key encryption key (KEK) held in AWS Key Management
// Service, as Confluent's Java and Go clients do.
//
// A KEK's key ID (kmsKeyId, the rule's encrypt.kms.key.id) is a KMS key ARN
// (arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…) or an alias ARN
// (arn:aws:kms:eu-west-1:111122223333:alias/payments); the region of each
// call is the ARN's. A DEK is wrapped with KMS Encrypt (the key ID, the
// DEK as plaintext, the default symmetric algorithm and no encryption
// context) and unwrapped with KMS Decrypt (the key ID and the wrapped
// bytes), exactly the requests of Confluent's clients, so that DEKs wrapped
// by any of them unwrap here and the reverse. When the key ID is a key ARN,
// Decrypt must answer with that very key (as Confluent's Java client
// checks): wrapped bytes of another key the caller may decrypt with are
// refused with [ErrWrongKey].
//
// Two ways in:
//   - [New] makes a KMS from the SDK's own configuration ([Config]: an
//     aws.Config with its credentials, retries, HTTP client and timeouts,
//     plus an endpoint override for VPC endpoints or tests); give it to the
//     executor with encryption.WithKMS.
//   - [Driver] makes KMSes from Confluent's rule-config keys
//     (access.key.id and secret.access.key, profile, role.arn,
//     role.session.name, role.external.id; else the SDK's default
//     credential chain); give it with encryption.WithKMSDriver, and the
//     credentials with encryption.WithConfig or in the KEK's kmsProps.
//
// The principal needs kms:Encrypt (on write, when a DEK is created) and
// kms:Decrypt (on read, and on write for an existing DEK) on the KEK's key,
// and sts:AssumeRole on role.arn when one is configured.
//
// Errors are [*Error] values naming the operation and the key, never
// credentials. An outage — a transport error, a timeout, throttling, a 5xx
// answer, credentials that cannot be obtained or that AWS does not accept
// — also matches serde.ErrUnavailable, so that the message is retried; a
// refusal of the key or of the bytes (access denied on the key, a disabled
// or unknown key, invalid ciphertext) does not.
package awskms
