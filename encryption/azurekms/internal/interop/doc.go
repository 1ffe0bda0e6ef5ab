// Package interop runs Confluent's Go client and srkit against one fake
// Microsoft Entra ID and Azure Key Vault: records that Confluent's
// encryption executor wrote with an azure-kms KEK are read by srkit's, and
// the reverse. It is a module of its own so that neither the core module
// nor encryption/azurekms names Confluent's client.
package interop
