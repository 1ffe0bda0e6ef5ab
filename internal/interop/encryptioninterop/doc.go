// Package encryptioninterop runs Confluent's field-level encryption
// executor against the mock registry's DEK Registry. It is a package of its
// own because importing Confluent's encryption package registers its
// executor for every serializer of the test binary, configured once with
// the first registry it sees.
package encryptioninterop
