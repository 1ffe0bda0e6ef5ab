// Package encryption is Confluent's client-side field-level encryption
// (CSFLE) for srkit: the ENCRYPT and ENCRYPT_PAYLOAD rule executors, byte
// for byte compatible with Confluent's Java, Go, JS and Python clients.
//
// Data is encrypted with data encryption keys (DEKs) that the DEK Registry
// keeps, wrapped by a key encryption key (KEK) held in a key management
// service. A [KMS] wraps and unwraps DEKs; package localkms is Confluent's
// local KMS, and drivers for cloud KMSes implement the same interface.
// Users give the KMSes (or [Driver]s) they use to the executor: there is no
// global driver registry.
package encryption
