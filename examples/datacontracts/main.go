// Command datacontracts runs a schema's data contract end to end: the rules
// registered with the schema — a CEL condition, a CEL_FIELD transform and
// field-level encryption (ENCRYPT) of the fields tagged PII — run in the
// producer's serializer and the consumer's deserializer, as Confluent's
// clients run them.
//
//	go run ./examples/datacontracts
//
// The KEK is Confluent's local KMS (a key derived from LOCAL_SECRET, or a
// demo secret), the DEKs live in the registry's DEK Registry: the mock
// registry's offline, Confluent Cloud's with SCHEMA_REGISTRY_URL set (see
// examples/quickstart). A cloud KMS is one option away (encryption/awskms,
// gcpkms, azurekms, hcvault).
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// Customer is the record; the schema below tags its ssn and email PII.
type Customer struct {
	ID      string `avro:"id"`
	Name    string `avro:"name"`
	Age     int32  `avro:"age"`
	Country string `avro:"country"`
	Email   string `avro:"email"`
	SSN     string `avro:"ssn"`
}

const schema = `{"type": "record", "name": "Customer", "namespace": "srkit.examples",
 "fields": [
  {"name": "id", "type": "string"},
  {"name": "name", "type": "string"},
  {"name": "age", "type": "int"},
  {"name": "country", "type": "string", "confluent:tags": ["COUNTRY"]},
  {"name": "email", "type": "string", "confluent:tags": ["PII"]},
  {"name": "ssn", "type": "string", "confluent:tags": ["PII"]}
 ]}`

// contract is the rule set registered with the schema: what every client
// that writes or reads the subject runs.
var contract = registry.RuleSet{DomainRules: []registry.Rule{
	{Name: "adultsOnly", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWrite, Type: "CEL",
		Expr: "message.age >= 18"},
	{Name: "countryCode", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD",
		Tags: []string{"COUNTRY"}, Expr: "typeName == 'STRING' ; value.upperAscii()"},
	{Name: "encryptPII", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: encryption.TypeEncrypt,
		Tags: []string{"PII"}, Params: map[string]string{
			encryption.ParamKEKName: "srkit-example-kek", "encrypt.kms.type": localkms.Type, "encrypt.kms.key.id": "srkit-example-key"}},
}}

func main() { exampleenv.Main("datacontracts", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic = "srkit-example-customers"
	if err := env.CreateTopic(ctx, topic, 1); err != nil {
		return err
	}
	registered, err := env.Registry.Register(ctx, topic+"-value", registry.Schema{Schema: schema, RuleSet: &contract})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered subject %s-value, schema ID %d, with %d rules\n", topic, registered.ID, len(contract.DomainRules))

	secret := os.Getenv("LOCAL_SECRET")
	if secret == "" {
		secret = "srkit example secret: set LOCAL_SECRET to use your own"
	}
	enc, err := encryption.New(env.Registry, encryption.WithKMS(localkms.New(secret)))
	if err != nil {
		return err
	}
	// The executors of the rule types the contract uses: CEL and CEL_FIELD
	// (rules.Standard) and ENCRYPT (enc). A rule type without an executor
	// fails the message: a contract is never skipped silently.
	standard, encrypt := rules.Standard(), serde.WithRuleExecutors(enc.Executors()...)

	// Produce: the condition refuses a minor, the transform upper-cases the
	// country code, and ssn and email leave the process encrypted.
	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	ser, err := avro.NewSerializer[Customer](env.Registry, serde.Value,
		standard, encrypt, serde.UseLatest(), serde.AutoRegister(false))
	if err != nil {
		return err
	}
	p, err := producer.New(pcl, producer.String(), ser)
	if err != nil {
		return err
	}
	start := time.Now()
	ada := Customer{ID: "c-1", Name: "Ada", Age: 36, Country: "gb", Email: "ada@example.com", SSN: "123-45-6789"}
	if _, err := p.Produce(ctx, topic, ada.ID, ada); err != nil {
		return err
	}
	fmt.Fprintf(out, "produced %s; the caller's value is unchanged: country %q, ssn %q\n", ada.ID, ada.Country, ada.SSN)
	minor := Customer{ID: "c-2", Name: "Tim", Age: 12, Country: "de", Email: "tim@example.com", SSN: "987-65-4321"}
	_, err = p.Produce(ctx, topic, minor.ID, minor)
	var ruleErr *serde.RuleError
	if !errors.As(err, &ruleErr) || !errors.Is(err, serde.ErrRuleConditionFailed) {
		return fmt.Errorf("producing a minor: %v, want the adultsOnly condition to fail", err)
	}
	fmt.Fprintf(out, "refused %s: rule %s (%s %s) failed\n", minor.ID, ruleErr.Rule.Name, ruleErr.Rule.Type, ruleErr.Rule.Kind)

	// Consume: the deserializer decrypts; the bytes on the topic hold no
	// plaintext PII.
	ccl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("datacontracts"), topic, start)...)
	if err != nil {
		return err
	}
	defer ccl.Close()
	deser, err := avro.NewDeserializer[Customer](env.Registry, serde.Value, standard, encrypt)
	if err != nil {
		return err
	}
	c, err := consumer.New(ccl, consumer.String(), deser)
	if err != nil {
		return err
	}
	runCtx, done := context.WithTimeout(ctx, time.Minute)
	defer done()
	got := 0
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, Customer]) error {
		raw := r.Raw.Value
		plain := bytes.Contains(raw, []byte(ada.SSN)) || bytes.Contains(raw, []byte(ada.Email))
		fmt.Fprintf(out, "on the wire: %d bytes, plaintext PII: %v\n", len(raw), plain)
		v := r.Value
		fmt.Fprintf(out, "consumed %s: %s, %d, country %s, email %s, ssn %s\n", v.ID, v.Name, v.Age, v.Country, v.Email, v.SSN)
		got++
		done()
		return nil
	})
	if err != nil {
		return err
	}
	if got != 1 {
		return fmt.Errorf("consumed %d of 1 customers", got)
	}
	return nil
}
