// Command example encrypts Avro records with a KEK in AWS KMS, as a
// Confluent Cloud user sets it up: the schema's rule set names the KEK and
// its AWS KMS key, srkit's encryption executor gets the aws-kms driver, and
// the DEK Registry of the Schema Registry keeps the DEK wrapped by AWS KMS.
// Confluent's Java, Go, JS and Python clients configured with the same rule
// read what it writes, and the reverse.
//
// Against Confluent Cloud and AWS:
//
//	SCHEMA_REGISTRY_URL=https://psrc-xxxxx.eu-west-1.aws.confluent.cloud \
//	SCHEMA_REGISTRY_API_KEY=... SCHEMA_REGISTRY_API_SECRET=... \
//	AWS_KMS_KEY_ARN=arn:aws:kms:eu-west-1:111122223333:key/1234abcd-... \
//	go run ./example
//
// AWS credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, an instance or task role); set
// AWS_ROLE_ARN to have the driver assume a role. The principal needs
// kms:Encrypt and kms:Decrypt on the key.
//
// Offline (no SCHEMA_REGISTRY_URL, no AWS_KMS_KEY_ARN) it runs against the
// in-process mock registry and Confluent's local KMS (LOCAL_SECRET, or a
// demo secret), with the same rule set.
//
// The program is the example all of srkit's KMS drivers share
// (encryption/internal/kmsexample); this file is its awskms wiring.
package main

import (
	"github.com/srkit-go/srkit/encryption/awskms"
	"github.com/srkit-go/srkit/encryption/internal/kmsexample"
)

// wiring returns the driver's part of the example: the KEK's key ID comes from
// AWS_KMS_KEY_ARN, and the rule's encrypt.kms.type is the driver's, "aws-kms".
func wiring() kmsexample.Wiring {
	return kmsexample.Wiring{
		Name:   "AWS KMS",
		KeyEnv: "AWS_KMS_KEY_ARN",
		// AWS KMS through the aws-kms driver, which reads Confluent's
		// rule-config keys (access.key.id, secret.access.key, profile,
		// role.arn, ...) from the executor's config and the KEK's kmsProps,
		// else the SDK's default credential chain.
		Driver: awskms.Driver(awskms.Config{}),
	}
}

func main() { kmsexample.Main(wiring()) }
