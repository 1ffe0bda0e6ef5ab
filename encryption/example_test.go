package encryption_test

import (
	"context"
	"fmt"
	"log"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type Payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"card","type":"string","confluent:tags":["PII"]},
  {"name":"amount","type":"long"}]}`

// Field-level encryption with Confluent's local KMS: the schema's ENCRYPT
// rule encrypts the fields tagged PII (here card) with a DEK that the DEK
// Registry keeps, wrapped by the KEK "payments-kek". The first write creates
// the KEK and the DEK.
func Example() {
	ctx := context.Background()
	mock, _ := mockregistry.New()
	client, _ := mock.Client()

	// The schema and its rule, as a data steward registers them.
	_, err := client.Register(ctx, "payments-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{DomainRules: []registry.Rule{{
			Name: "encrypt-pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncrypt, Tags: []string{"PII"},
			Params: map[string]string{
				encryption.ParamKEKName:  "payments-kek",
				encryption.ParamKMSType:  localkms.Type,
				encryption.ParamKMSKeyID: "payments-key",
			},
			OnFailure: "ERROR,NONE",
		}}},
	})
	if err != nil {
		log.Fatal(err)
	}

	// One executor per registry client, with the KMS of the KEK's type.
	enc, err := encryption.New(client, encryption.WithKMS(localkms.New("a secret only the clients know")))
	if err != nil {
		log.Fatal(err)
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)

	s, _ := avro.NewSerializer[Payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	d, _ := avro.NewDeserializer[Payment](client, serde.Value, rules)
	payload, headers, err := s.Serialize(ctx, "payments", Payment{ID: "p-1", Card: "4111111111111111", Amount: 1299})
	if err != nil {
		log.Fatal(err)
	}
	p, err := d.Deserialize(ctx, "payments", payload, headers)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Card)
}

// Payload encryption: an ENCRYPT_PAYLOAD encoding rule encrypts the whole
// Avro body; the schema ID stays in the clear.
func Example_payload() {
	ctx := context.Background()
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	_, err := client.Register(ctx, "payments-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-payload", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName:       "payments-kek",
				encryption.ParamKMSType:       localkms.Type,
				encryption.ParamKMSKeyID:      "payments-key",
				encryption.ParamDEKAlgorithm:  string(encryption.AES256SIV),
				encryption.ParamDEKExpiryDays: "90", // a new DEK version every 90 days
			},
		}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	enc, err := encryption.New(client, encryption.WithKMS(localkms.New("a secret only the clients know")))
	if err != nil {
		log.Fatal(err)
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)
	s, _ := avro.NewSerializer[Payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	d, _ := avro.NewDeserializer[Payment](client, serde.Value, rules)

	payload, _, err := s.Serialize(ctx, "payments", Payment{ID: "p-1", Card: "4111111111111111", Amount: 1299})
	if err != nil {
		log.Fatal(err)
	}
	// 5 bytes of schema ID, 5 of DEK version, then the AES-SIV ciphertext.
	fmt.Printf("schema ID prefix % x, DEK version prefix % x\n", payload[:5], payload[5:10])
	p, err := d.Deserialize(ctx, "payments", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Card, p.Amount)
	// Output:
	// schema ID prefix 00 00 00 00 01, DEK version prefix 00 00 00 00 01
	// 4111111111111111 1299
}

// KMS drivers make the KMS of each KEK from Confluent's rule-config keys
// (here local-kms's "secret"; cloud drivers take their credentials the same
// way) overlaid with the KEK's kmsProps.
func ExampleWithKMSDriver() {
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	enc, err := encryption.New(client,
		encryption.WithKMSDriver(localkms.Driver()),
		encryption.WithConfig(map[string]string{"secret": "a secret only the clients know", "cache.expiry.secs": "300"}),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(enc.Executors()), "executors:", enc.Executors()[0].Type(), enc.Executors()[1].Type())
	// Output: 2 executors: ENCRYPT ENCRYPT_PAYLOAD
}
