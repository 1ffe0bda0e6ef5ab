package hcvault_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/hashicorp/vault/api"
	"github.com/hashicorp/vault/api/auth/approle"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type Order struct {
	ID   string `avro:"id"`
	Card string `avro:"card"`
}

// The rule set and the driver wiring of a Vault KEK. The KEK's key ID is
// the transit key's URL; the driver takes Confluent's rule-config keys
// (token.id here; approle.role.id and approle.secret.id for AppRole) from
// encryption.WithConfig or the KEK's kmsProps. Offline (without
// SRKIT_EXAMPLE_VAULT_KEY_ID, a transit key URL, and VAULT_TOKEN) it falls
// back to Confluent's local KMS, with the same rule set. For field-level
// encryption the same params go in an ENCRYPT domain rule with the tags of
// the fields to encrypt.
func Example() {
	ctx := context.Background()
	kmsType, keyID := hcvault.Type, os.Getenv("SRKIT_EXAMPLE_VAULT_KEY_ID") // https://vault.example.com:8200/transit/keys/orders
	driver := hcvault.Driver(hcvault.Config{Vault: api.DefaultConfig()})
	config := map[string]string{hcvault.ConfigToken: os.Getenv("VAULT_TOKEN")}
	if keyID == "" {
		kmsType, keyID = localkms.Type, "orders-key"
		driver = localkms.Driver()
		config = map[string]string{localkms.ConfigSecret: "a secret only the clients know"}
	}

	mock, _ := mockregistry.New() // a registry.Client of Confluent Cloud's Schema Registry in production
	client, _ := mock.Client()
	_, err := client.Register(ctx, "orders-value", registry.Schema{
		Schema: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"card","type":"string"}]}`,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-orders", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName:  "orders-kek",
				encryption.ParamKMSType:  kmsType,
				encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		log.Fatal(err)
	}

	enc, err := encryption.New(client, encryption.WithKMSDriver(driver), encryption.WithConfig(config))
	if err != nil {
		log.Fatal(err)
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)
	s, _ := avro.NewSerializer[Order](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	d, _ := avro.NewDeserializer[Order](client, serde.Value, rules)
	payload, _, err := s.Serialize(ctx, "orders", Order{ID: "o-1", Card: "4111111111111111"})
	if err != nil {
		log.Fatal(err)
	}
	o, err := d.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Card)
	// Output: 4111111111111111
}

// A KMS built in code: the SDK's own configuration (timeouts, retries;
// cfg.ConfigureTLS for a private CA), a namespace, an AppRole login whose
// secret ID is read from a file at each login, and an endpoint that pins
// where the token goes.
func ExampleNew() {
	cfg := api.DefaultConfig()
	cfg.MaxRetries = 4
	cfg.Timeout = 10 * time.Second
	auth, err := approle.NewAppRoleAuth("orders-producer", &approle.SecretID{FromFile: "/run/secrets/vault-secret-id"})
	if err != nil {
		log.Fatal(err)
	}
	k, err := hcvault.New(context.Background(), hcvault.Config{
		Vault:     cfg,
		Endpoint:  "https://vault.internal:8200",
		Namespace: "payments/",
		Auth:      auth,
	})
	if err != nil {
		log.Fatal(err)
	}
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	if _, err := encryption.New(client, encryption.WithKMS(k)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.Type())
	// Output: hcvault
}
