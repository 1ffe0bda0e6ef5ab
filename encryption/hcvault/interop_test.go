package hcvault_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A record Confluent's Go client wrote (the core module's golden vector
// avro_encrypt_payload, whose DEK it wrapped with local-kms), with its DEK
// stored as Confluent's Vault driver stores it — the UTF-8 bytes of
// Vault's transit ciphertext of the DEK's key material, base64 in the DEK
// Registry — decrypts through this driver.
func TestConfluentRecordWithVaultWrappedDEK(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()
	var v struct {
		Topic    string `json:"topic"`
		Registry []struct {
			Subject string            `json:"subject"`
			Schema  string            `json:"schema"`
			RuleSet *registry.RuleSet `json:"ruleSet"`
		} `json:"registry"`
		Encryption struct {
			KEKs []dekregistry.KEK `json:"keks"`
			DEKs []struct {
				dekregistry.DEK
				Debug struct {
					KeyMaterial string `json:"keyMaterial"`
				} `json:"debug"`
			} `json:"deks"`
		} `json:"encryption"`
		PayloadHex string `json:"payload_hex"`
	}
	raw, err := os.ReadFile("../testdata/avro_encrypt_payload.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}

	f := fakevault.New(t)
	f.AddKey("transit", "vectors")
	f.AddToken("s.reader", "transit/decrypt/vectors")
	keyID := f.KeyID("transit", "vectors")

	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	r := v.Registry[0]
	for i := range r.RuleSet.EncodingRules {
		r.RuleSet.EncodingRules[i].Params[encryption.ParamKMSType] = hcvault.Type
		r.RuleSet.EncodingRules[i].Params[encryption.ParamKMSKeyID] = keyID
	}
	if _, err := client.Register(ctx, r.Subject, registry.Schema{Schema: r.Schema, RuleSet: r.RuleSet}); err != nil {
		t.Fatal(err)
	}
	deks := dekregistry.New(client)
	kek := v.Encryption.KEKs[0]
	kek.KMSType, kek.KMSKeyID = hcvault.Type, keyID
	if _, err := deks.CreateKEK(ctx, kek); err != nil {
		t.Fatal(err)
	}
	d := v.Encryption.DEKs[0]
	material, _ := base64.StdEncoding.DecodeString(d.Debug.KeyMaterial)
	d.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString([]byte(f.Encrypt("transit", "vectors", material)))
	if _, err := deks.CreateDEK(ctx, d.KEKName, d.DEK); err != nil {
		t.Fatal(err)
	}

	enc, err := encryption.New(client, encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{Vault: sdkConfig()})),
		encryption.WithConfig(map[string]string{hcvault.ConfigToken: "s.reader"}))
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
	payload, _ := hex.DecodeString(v.PayloadHex)
	got, err := de.Deserialize(ctx, v.Topic, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (vectorPayment{"PAY-1", "4111111111111111", 12999, "EUR"}); got != want {
		t.Fatalf("decoded %+v, want %+v", got, want)
	}
}
