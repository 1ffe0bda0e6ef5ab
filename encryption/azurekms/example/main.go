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
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Payment is the record.
type Payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const schema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"card","type":"string","confluent:tags":["PII"]},
  {"name":"amount","type":"long"}]}`

const topic = "srkit-example-encrypted-payments"

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	client, err := registryClient(getenv)
	if err != nil {
		return err
	}
	defer client.Close()

	// The KMS: Key Vault through the azure-kms driver, which reads
	// Confluent's rule-config keys (tenant.id, client.id, client.secret)
	// from the executor's config and the KEK's kmsProps, else the default
	// credential chain. Offline: the local KMS.
	kmsType, keyID := azurekms.Type, getenv("AZURE_KEY_VAULT_KEY_ID")
	var kmsOpt encryption.Option
	if keyID != "" {
		kmsOpt = encryption.WithKMSDriver(azurekms.Driver(azurekms.Config{}))
		fmt.Fprintf(out, "KEK in Azure Key Vault: %s\n", keyID)
	} else {
		secret := getenv(localkms.EnvSecret)
		if secret == "" {
			secret = "demo secret: set LOCAL_SECRET, or AZURE_KEY_VAULT_KEY_ID for Key Vault"
		}
		kmsType, keyID = localkms.Type, "srkit-example-key"
		kmsOpt = encryption.WithKMS(localkms.New(secret))
		fmt.Fprintln(out, "offline: KEK in Confluent's local KMS")
	}

	// The rule set, as a data steward registers it (Confluent Cloud's
	// Stream Governance UI or its REST API write the same): the whole
	// Avro body is encrypted with a DEK of the KEK "srkit-example-kek".
	// (Field-level ENCRYPT rules with "tags": ["PII"] take the same
	// params.)
	_, err = client.Register(ctx, topic+"-value", registry.Schema{
		Schema: schema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-payments", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName:  "srkit-example-kek",
				encryption.ParamKMSType:  kmsType,
				encryption.ParamKMSKeyID: keyID,
			},
			OnFailure: "ERROR,ERROR",
		}}},
	})
	if err != nil {
		return fmt.Errorf("registering the schema and its rule set: %w", err)
	}

	enc, err := encryption.New(client, kmsOpt)
	if err != nil {
		return err
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)
	ser, err := avro.NewSerializer[Payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	if err != nil {
		return err
	}
	de, err := avro.NewDeserializer[Payment](client, serde.Value, rules)
	if err != nil {
		return err
	}
	payload, headers, err := ser.Serialize(ctx, topic, Payment{ID: "p-1", Card: "4111111111111111", Amount: 1299})
	if err != nil {
		return fmt.Errorf("serializing: %w", err)
	}
	fmt.Fprintf(out, "wrote %d bytes: schema ID %x, then ciphertext\n", len(payload), payload[1:5])
	p, err := de.Deserialize(ctx, topic, payload, headers)
	if err != nil {
		return fmt.Errorf("deserializing: %w", err)
	}
	fmt.Fprintf(out, "read back payment %s: card %s, %d cents\n", p.ID, p.Card, p.Amount)
	return nil
}

// registryClient is the Schema Registry of SCHEMA_REGISTRY_URL with
// Confluent Cloud's API key as basic auth, or the in-process mock.
func registryClient(getenv func(string) string) (*registry.Client, error) {
	url := getenv("SCHEMA_REGISTRY_URL")
	if url == "" {
		mock, err := mockregistry.New()
		if err != nil {
			return nil, err
		}
		return mock.Client()
	}
	props := map[string]string{"schema.registry.url": url}
	if key := getenv("SCHEMA_REGISTRY_API_KEY"); key != "" {
		props["basic.auth.credentials.source"] = "USER_INFO"
		props["basic.auth.user.info"] = key + ":" + getenv("SCHEMA_REGISTRY_API_SECRET")
	}
	return registry.NewFromProperties(props)
}
