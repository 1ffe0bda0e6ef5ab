// Command example encrypts Avro records with a KEK in HashiCorp Vault's
// transit engine, as a Confluent Cloud (or Confluent Platform) user sets it
// up: the schema's rule set names the KEK and its transit key, srkit's
// encryption executor gets the hcvault driver, and the DEK Registry of the
// Schema Registry keeps the DEK wrapped by Vault. Confluent's Java, Go, JS
// and Python clients configured with the same rule read what it writes,
// and the reverse.
//
// Against Confluent Cloud and Vault:
//
//	SCHEMA_REGISTRY_URL=https://psrc-xxxxx.eu-west-1.aws.confluent.cloud \
//	SCHEMA_REGISTRY_API_KEY=... SCHEMA_REGISTRY_API_SECRET=... \
//	VAULT_TRANSIT_KEY_URL=https://vault.example.com:8200/transit/keys/payments \
//	VAULT_TOKEN=hvs.... go run ./example
//
// The driver takes the token from VAULT_TOKEN (or the rule config's
// token.id), AppRole credentials from VAULT_APPROLE_ROLE_ID and
// VAULT_APPROLE_SECRET_ID (or approle.role.id and approle.secret.id), a
// namespace from VAULT_NAMESPACE (or namespace), and TLS settings from
// VAULT_CACERT, VAULT_CLIENT_CERT and VAULT_CLIENT_KEY. The token needs
// update on transit/encrypt/<name> and transit/decrypt/<name>.
//
// Offline (no SCHEMA_REGISTRY_URL, no VAULT_TRANSIT_KEY_URL) it runs
// against the in-process mock registry and Confluent's local KMS
// (LOCAL_SECRET, or a demo secret), with the same rule set.
//
// The program is the example all of srkit's KMS drivers share
// (encryption/internal/kmsexample); this file is its hcvault wiring.
package main

import (
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

// wiring returns the driver's part of the example: the KEK's key ID comes from
// VAULT_TRANSIT_KEY_URL, and the rule's encrypt.kms.type is the driver's, "hcvault".
func wiring() kmsexample.Wiring {
	return kmsexample.Wiring{
		Name:   "Vault",
		KeyEnv: "VAULT_TRANSIT_KEY_URL",
		// Vault through the hcvault driver, which reads Confluent's
		// rule-config keys (token.id, namespace, approle.role.id,
		// approle.secret.id) from the executor's config and the KEK's
		// kmsProps, else VAULT_TOKEN and the other VAULT_* variables.
		Driver: hcvault.Driver(hcvault.Config{}),
	}
}

func main() { kmsexample.Main(wiring()) }
