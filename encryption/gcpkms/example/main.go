// Command example encrypts Avro records with a KEK in Google Cloud KMS, as
// a Confluent Cloud user sets it up: the schema's rule set names the KEK
// and its Cloud KMS key, srkit's encryption executor gets the gcp-kms
// driver, and the DEK Registry of the Schema Registry keeps the DEK
// wrapped by Cloud KMS. Confluent's Java, Go, JS and Python clients
// configured with the same rule read what it writes, and the reverse.
//
// Against Confluent Cloud and Google Cloud:
//
//	SCHEMA_REGISTRY_URL=https://psrc-xxxxx.europe-west3.gcp.confluent.cloud \
//	SCHEMA_REGISTRY_API_KEY=... SCHEMA_REGISTRY_API_SECRET=... \
//	GCP_KMS_KEY_NAME=projects/my-project/locations/europe-west3/keyRings/kafka/cryptoKeys/payments \
//	go run ./example
//
// Credentials are application default credentials
// (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login,
// the metadata server), or a service account's keys in Confluent's
// rule-config keys (client.id, client.email, private.key.id, private.key).
// The principal needs roles/cloudkms.cryptoKeyEncrypterDecrypter on the
// key.
//
// Offline (no SCHEMA_REGISTRY_URL, no GCP_KMS_KEY_NAME) it runs against the
// in-process mock registry and Confluent's local KMS (LOCAL_SECRET, or a
// demo secret), with the same rule set.
//
// The program is the example all of srkit's KMS drivers share
// (encryption/internal/kmsexample); this file is its gcpkms wiring.
package main

import (
	"github.com/srkit-go/srkit/encryption/gcpkms"
	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

// wiring returns the driver's part of the example: the KEK's key ID comes from
// GCP_KMS_KEY_Cloud KMS, and the rule's encrypt.kms.type is the driver's, "gcp-kms".
func wiring() kmsexample.Wiring {
	return kmsexample.Wiring{
		Name:   "Cloud KMS",
		KeyEnv: "GCP_KMS_KEY_Cloud KMS",
		// Cloud KMS through the gcp-kms driver, which reads Confluent's
		// rule-config keys (a service account's client.id, client.email,
		// private.key.id, private.key) from the executor's config and the
		// KEK's kmsProps, else application default credentials.
		Driver: gcpkms.Driver(gcpkms.Config{}),
	}
}

func main() { kmsexample.Main(wiring()) }
