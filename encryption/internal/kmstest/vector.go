package kmstest

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// confluentVector is the golden vector avro_encrypt_payload of the
// encryption module's testdata, as far as ReadConfluentRecord reads it:
// the subject's schema and rule set, the KEK, the DEK with its key
// material in the clear, the record.
type confluentVector struct {
	Topic      string         `json:"topic"`
	PayloadHex string         `json:"payload_hex"`
	Registry   []vectorSchema `json:"registry"`
	Encryption struct {
		KEKs []dekregistry.KEK `json:"keks"`
		DEKs []vectorDEK       `json:"deks"`
	} `json:"encryption"`
}

type vectorSchema struct {
	Subject string            `json:"subject"`
	Schema  string            `json:"schema"`
	RuleSet *registry.RuleSet `json:"ruleSet"`
}

type vectorDEK struct {
	dekregistry.DEK
	Debug struct{ KeyMaterial string } `json:"debug"`
}

// ReadConfluentRecord reads a record Confluent's Go client wrote (the
// golden vector avro_encrypt_payload: an ENCRYPT_PAYLOAD rule, the DEK
// wrapped with local-kms) as if its KEK were the KMS key keyID of
// kmsType: the DEK Registry holds wrap(the DEK's key material), which is
// what the driver's service would have wrapped for Confluent's client, and
// an executor with opts (the driver and its config) must decrypt the
// record to the vector's payment.
func ReadConfluentRecord(t testing.TB, kmsType, keyID string, wrap func(material []byte) []byte, opts ...encryption.Option) {
	t.Helper()
	ctx := context.Background()
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "avro_encrypt_payload.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v confluentVector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	material, err := base64.StdEncoding.DecodeString(v.Encryption.DEKs[0].Debug.KeyMaterial)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := hex.DecodeString(v.PayloadHex)
	if err != nil {
		t.Fatal(err)
	}

	client, err := mockClient()
	if err != nil {
		t.Fatal(err)
	}
	r := v.Registry[0]
	rules := *r.RuleSet
	rules.EncodingRules = append([]registry.Rule(nil), rules.EncodingRules...)
	for i := range rules.EncodingRules {
		params := maps.Clone(rules.EncodingRules[i].Params)
		params[encryption.ParamKMSType], params[encryption.ParamKMSKeyID] = kmsType, keyID
		rules.EncodingRules[i].Params = params
	}
	if _, err := client.Register(ctx, r.Subject, registry.Schema{Schema: r.Schema, RuleSet: &rules}); err != nil {
		t.Fatal(err)
	}
	deks := dekregistry.New(client)
	kek := v.Encryption.KEKs[0]
	kek.KMSType, kek.KMSKeyID = kmsType, keyID
	if _, err := deks.CreateKEK(ctx, kek); err != nil {
		t.Fatal(err)
	}
	d := v.Encryption.DEKs[0].DEK
	d.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString(wrap(material))
	if _, err := deks.CreateDEK(ctx, d.KEKName, d); err != nil {
		t.Fatal(err)
	}

	enc, err := encryption.New(client, opts...)
	if err != nil {
		t.Fatal(err)
	}
	type vectorPayment struct {
		PaymentID   string `avro:"paymentId"`
		CardNumber  string `avro:"cardNumber"`
		AmountCents int64  `avro:"amountCents"`
		Currency    string `avro:"currency"`
	}
	de, err := avro.NewDeserializer[vectorPayment](client, serde.Value, serde.WithRuleExecutors(enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	got, err := de.Deserialize(ctx, v.Topic, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (vectorPayment{"PAY-1", "4111111111111111", 12999, "EUR"}); got != want {
		t.Fatalf("decoded %+v, want %+v", got, want)
	}
}
