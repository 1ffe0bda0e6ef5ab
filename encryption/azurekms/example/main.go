// Command example encrypts Avro records with a KEK in Azure Key Vault, as a
// Confluent Cloud user sets it up: the schema's rule set names the KEK and
// its Key Vault key, srkit's encryption executor gets the azure-kms driver,
// and the DEK Registry of the Schema Registry keeps the DEK wrapped by Key
// Vault. Confluent's Java, Go, JS and Python clients configured with the
// same rule read what it writes, and the reverse.
//
// Against Confluent Cloud and Azure:
//
//	SCHEMA_REGISTRY_URL=https://psrc-xxxxx.westeurope.azure.confluent.cloud \
//	SCHEMA_REGISTRY_API_KEY=... SCHEMA_REGISTRY_API_SECRET=... \
//	AZURE_KEY_VAULT_KEY_ID=https://my-vault.vault.azure.net/keys/payments/0123456789abcdef0123456789abcdef \
//	AZURE_TENANT_ID=... AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... go run ./example
//
// Credentials come from the default credential chain (the AZURE_*
// variables of an application's client secret, workload identity on AKS,
// a managed identity, the Azure CLI); the rule config's tenant.id,
// client.id and client.secret replace it. The identity needs keys/encrypt
// and keys/decrypt on the key (the "Key Vault Crypto User" role).
//
// Offline (no SCHEMA_REGISTRY_URL, no AZURE_KEY_VAULT_KEY_ID) it runs
// against the in-process mock registry and Confluent's local KMS
// (LOCAL_SECRET, or a demo secret), with the same rule set.
//
// The program is the example all of srkit's KMS drivers share
// (encryption/internal/kmsexample); this file is its azurekms wiring.
package main

import (
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

// wiring returns the driver's part of the example: the KEK's key ID comes from
// AZURE_KEY_VAULT_KEY_ID, and the rule's encrypt.kms.type is the driver's, "azure-kms".
func wiring() kmsexample.Wiring {
	return kmsexample.Wiring{
		Name:   "Azure Key Vault",
		KeyEnv: "AZURE_KEY_VAULT_KEY_ID",
		// Key Vault through the azure-kms driver, which reads Confluent's
		// rule-config keys (tenant.id, client.id, client.secret) from the
		// executor's config and the KEK's kmsProps, else the default
		// credential chain.
		Driver: azurekms.Driver(azurekms.Config{}),
	}
}

func main() { kmsexample.Main(wiring()) }
