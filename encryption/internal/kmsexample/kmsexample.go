// Package kmsexample is the program the KMS drivers' example commands
// (encryption/<driver>/example) share: Avro records encrypted with an
// ENCRYPT_PAYLOAD rule whose KEK is in the driver's KMS, as a Confluent
// Cloud user sets it up, written and read back. Each command gives its
// driver's wiring; offline (no SCHEMA_REGISTRY_URL, no key ID) it runs
// against the in-process mock registry and Confluent's local KMS, with
// the same rule set.
package kmsexample

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Wiring is a driver's part of the example.
type Wiring struct {
	// Name is the KMS as the output names it ("AWS KMS").
	Name string
	// KeyEnv is the environment variable that holds the KEK's key ID
	// (the rule's encrypt.kms.key.id); without it the example runs on
	// the local KMS.
	KeyEnv string
	// Driver makes the KMS from Confluent's rule-config keys (the
	// executor's config and the KEK's kmsProps); its Type is the rule's
	// encrypt.kms.type.
	Driver encryption.Driver
}

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

// Main runs the example with the process's environment and standard
// output, and exits on error.
func Main(w Wiring) {
	if err := Run(context.Background(), os.Getenv, os.Stdout, w); err != nil {
		log.Fatal(err)
	}
}

// Run runs the example: the registry of SCHEMA_REGISTRY_URL (with
// SCHEMA_REGISTRY_API_KEY and SCHEMA_REGISTRY_API_SECRET as Confluent
// Cloud's API key) or the mock registry, the KMS of w with the key ID of
// w.KeyEnv or the local KMS (LOCAL_SECRET, or a demo secret).
func Run(ctx context.Context, getenv func(string) string, out io.Writer, w Wiring) error {
	client, err := registryClient(getenv)
	if err != nil {
		return err
	}
	defer client.Close()

	kmsType, keyID := w.Driver.Type(), getenv(w.KeyEnv)
	var kmsOpt encryption.Option
	if keyID != "" {
		kmsOpt = encryption.WithKMSDriver(w.Driver)
		fmt.Fprintf(out, "KEK in %s: %s\n", w.Name, keyID)
	} else {
		secret := getenv(localkms.EnvSecret)
		if secret == "" {
			secret = "demo secret: set LOCAL_SECRET, or " + w.KeyEnv + " for " + w.Name
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

// TB is the part of a testing.TB that [Expect] uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Expect fails t when out, the example's output, lacks any of want.
func Expect(t TB, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
