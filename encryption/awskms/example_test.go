package awskms_test

import (
	"context"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/awskms"
	"github.com/srkit-go/srkit/registry"
)

// A KMS built in code from the SDK's configuration: the default credential
// chain, the SDK's retries with a longer back-off, a timeout per attempt,
// and a VPC endpoint. Every KEK of type aws-kms is wrapped and unwrapped by
// it.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 5; o.MaxBackoff = 5 * time.Second })
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	k, err := awskms.New(ctx, awskms.Config{
		AWS:      &cfg,
		Endpoint: "https://vpce-0123456789abcdef0-abcdefgh.kms.eu-west-1.vpce.amazonaws.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	client, err := registry.New(registry.URLs("https://psrc-xxxxx.eu-west-1.aws.confluent.cloud"), registry.BasicAuth("API key", "API secret"))
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
// here an access key and a role to assume, as the rule.executors.*.param.*
// properties of Confluent's clients give them.
func ExampleDriver() {
	client, err := registry.New(registry.URLs("https://psrc-xxxxx.eu-west-1.aws.confluent.cloud"), registry.BasicAuth("API key", "API secret"))
	if err != nil {
		log.Fatal(err)
	}
	enc, err := encryption.New(client,
		encryption.WithKMSDriver(awskms.Driver(awskms.Config{})),
		encryption.WithConfig(map[string]string{
			awskms.ConfigAccessKeyID:     "AKIA...",
			awskms.ConfigSecretAccessKey: "...",
			awskms.ConfigRoleARN:         "arn:aws:iam::111122223333:role/payments-encrypt",
			awskms.ConfigRoleExternalID:  "payments",
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = enc.Executors()
}
