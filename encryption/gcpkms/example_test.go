package gcpkms_test

import (
	"context"
	"log"
	"time"

	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/gcpkms"
	"github.com/srkit-go/srkit/registry"
)

// A KMS built in code from the client library's options: a service
// account's key file, a Private Service Connect endpoint, and a shorter
// timeout per call. Every KEK of type gcp-kms is wrapped and unwrapped by
// it.
func ExampleNew() {
	ctx := context.Background()
	k, err := gcpkms.New(ctx, gcpkms.Config{
		Options:     []option.ClientOption{option.WithAuthCredentialsFile(option.ServiceAccount, "/etc/kafka/encrypter.json")},
		Endpoint:    "https://cloudkms-kafka.p.googleapis.com",
		CallOptions: []gax.CallOption{gax.WithTimeout(10 * time.Second)},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer k.Close()
	client, err := registry.New(registry.URLs("https://psrc-xxxxx.europe-west3.gcp.confluent.cloud"), registry.BasicAuth("API key", "API secret"))
	if err != nil {
		log.Fatal(err)
	}
	enc, err := encryption.New(client, encryption.WithKMS(k))
	if err != nil {
		log.Fatal(err)
	}
	_ = enc.Executors() // serde.WithRuleExecutors(enc.Executors()...)
}

// The driver makes the KMS of each KEK from Confluent's rule-config keys,
// here a service account's, as the rule.executors.*.param.* properties of
// Confluent's clients give them.
func ExampleDriver() {
	client, err := registry.New(registry.URLs("https://psrc-xxxxx.europe-west3.gcp.confluent.cloud"), registry.BasicAuth("API key", "API secret"))
	if err != nil {
		log.Fatal(err)
	}
	enc, err := encryption.New(client,
		encryption.WithKMSDriver(gcpkms.Driver(gcpkms.Config{})),
		encryption.WithConfig(map[string]string{
			gcpkms.ConfigClientID:     "112233445566778899",
			gcpkms.ConfigClientEmail:  "encrypter@my-project.iam.gserviceaccount.com",
			gcpkms.ConfigPrivateKeyID: "0123456789abcdef",
			gcpkms.ConfigPrivateKey:   "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = enc.Executors()
}
