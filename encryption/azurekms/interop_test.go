package azurekms_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A record Confluent's Go client wrote (the core module's golden vector
// avro_encrypt_payload, whose DEK it wrapped with local-kms), with its DEK
// stored as Confluent's Azure drivers store it — Key Vault's RSA-OAEP-256
// result of the DEK's key material, raw or behind Confluent's azure:v1:
// header (encrypt.azure.key.version.save), base64 in the DEK Registry —
// decrypts through this driver, after a rotation for the header.
func TestConfluentRecordWithKeyVaultWrappedDEK(t *testing.T) {
	cleanEnv(t)
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
	material, _ := base64.StdEncoding.DecodeString(v.Encryption.DEKs[0].Debug.KeyMaterial)
	payload, _ := hex.DecodeString(v.PayloadHex)

	for _, header := range []bool{false, true} {
		name := "raw"
		if header {
			name = "azure:v1: header"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := fakeazure.New(t)
			ver := f.AddKey("srkit-test", "vectors", 0)
			f.AddApp("reader", "reader-secret", "decrypt")
			keyID := "https://srkit-test.vault.azure.net/keys/vectors/" + ver
			wrapped := f.Encrypt("srkit-test", "vectors", ver, material)
			if header {
				// Written through a versionless key ID, then rotated.
				keyID = "https://srkit-test.vault.azure.net/keys/vectors"
				wrapped = append([]byte("azure:v1:"+ver+":"), wrapped...)
				f.AddKey("srkit-test", "vectors", 1)
			}

			mock, _ := mockregistry.New()
			client, _ := mock.Client()
			r := v.Registry[0]
			rs := *r.RuleSet
			rs.EncodingRules = append([]registry.Rule(nil), rs.EncodingRules...)
			for i := range rs.EncodingRules {
				p := map[string]string{}
				for k, val := range rs.EncodingRules[i].Params {
					p[k] = val
				}
				p[encryption.ParamKMSType], p[encryption.ParamKMSKeyID] = azurekms.Type, keyID
				rs.EncodingRules[i].Params = p
			}
			if _, err := client.Register(ctx, r.Subject, registry.Schema{Schema: r.Schema, RuleSet: &rs}); err != nil {
				t.Fatal(err)
			}
			deks := dekregistry.New(client)
			kek := v.Encryption.KEKs[0]
			kek.KMSType, kek.KMSKeyID = azurekms.Type, keyID
			if _, err := deks.CreateKEK(ctx, kek); err != nil {
				t.Fatal(err)
			}
			d := v.Encryption.DEKs[0].DEK
			d.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString(wrapped)
			if _, err := deks.CreateDEK(ctx, d.KEKName, d); err != nil {
				t.Fatal(err)
			}

			enc, err := encryption.New(client, encryption.WithKMSDriver(azurekms.Driver(config(f))),
				encryption.WithConfig(appConfig("reader", "reader-secret")))
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
		})
	}
}
