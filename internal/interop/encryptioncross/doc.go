// Package encryptioncross checks srkit's encryption executors against
// Confluent's Go client over one mock registry: what either encrypts, the
// other decrypts, and with AES256_SIV both write the same bytes. It is a
// package of its own because Confluent's encryption executor is registered
// and configured once per process (with the first registry it meets).
package encryptioncross
