// Package interop runs Confluent's Go client and srkit against one fake AWS
// KMS: records that Confluent's encryption executor wrote with an aws-kms
// KEK are read by srkit's, and the reverse. It is a module of its own so
// that neither the core module nor encryption/awskms names Confluent's
// client.
package interop
