package azurekms_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type Order struct {
	ID   string `avro:"id"`
	Card string `avro:"card"`
}

// The rule set and the driver wiring of a Key Vault KEK. The KEK's key ID
// is the key's URL; the driver takes Confluent's rule-config keys
// (tenant.id, client.id, client.secret) from encryption.WithConfig or the
// KEK's kmsProps, else the default credential chain. Offline (without
// SRKIT_EXAMPLE_AZURE_KEY_ID, a Key Vault key URL) it falls back to
// Confluent's local KMS, with the same rule set. For field-level
// encryption the same params go in an ENCRYPT domain rule with the tags of
// the fields to encrypt.
func Example() {
	ctx := context.Background()
	kmsType, keyID := azurekms.Type, os.Getenv("SRKIT_EXAMPLE_AZURE_KEY_ID") // https://my-vault.vault.azure.net/keys/orders/<version>
	driver := azurekms.Driver(azurekms.Config{})
	config := map[string]string{
		azurekms.ConfigTenantID:     os.Getenv("AZURE_TENANT_ID"),
		azurekms.ConfigClientID:     os.Getenv("AZURE_CLIENT_ID"),
		azurekms.ConfigClientSecret: os.Getenv("AZURE_CLIENT_SECRET"),
	}
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

// A KMS built in code: a workload identity (AKS) credential, the Key Vault
// client's retries and timeouts as Microsoft recommends for Key Vault's
// throttling, and self-describing wrapped bytes for versionless key IDs.
func ExampleNew() {
	cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		TenantID: "00000000-0000-0000-0000-000000000000", ClientID: "11111111-1111-1111-1111-111111111111",
		TokenFilePath: "/var/run/secrets/azure/tokens/azure-identity-token",
	})
	if err != nil {
		log.Fatal(err)
	}
	k, err := azurekms.New(context.Background(), azurekms.Config{
		Credential: cred,
		KeysOptions: &azkeys.ClientOptions{ClientOptions: azcore.ClientOptions{
			Retry: policy.RetryOptions{MaxRetries: 5, RetryDelay: time.Second, MaxRetryDelay: 16 * time.Second, TryTimeout: 10 * time.Second},
		}},
		SaveKeyVersion: true,
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
	// Output: azure-kms
}
