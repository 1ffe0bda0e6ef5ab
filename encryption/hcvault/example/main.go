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
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/hcvault"
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

	// The KMS: Vault through the hcvault driver, which reads Confluent's
	// rule-config keys (token.id, namespace, approle.role.id,
	// approle.secret.id) from the executor's config and the KEK's
	// kmsProps, else VAULT_TOKEN and the other VAULT_* variables.
	// Offline: the local KMS.
	kmsType, keyID := hcvault.Type, getenv("VAULT_TRANSIT_KEY_URL")
	var kmsOpt encryption.Option
	if keyID != "" {
		kmsOpt = encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{}))
		fmt.Fprintf(out, "KEK in Vault: %s\n", keyID)
	} else {
		secret := getenv(localkms.EnvSecret)
		if secret == "" {
			secret = "demo secret: set LOCAL_SECRET, or VAULT_TRANSIT_KEY_URL for Vault"
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
