package encryption

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The field ciphertexts of Confluent's Avro vectors, read without
// decrypting them (the vectors' onFailure NONE on read leaves them as they
// are), open with this package's primitives and the vectors' DEKs; and
// AES256_SIV seals the plaintext to the very same bytes. This checks the
// ciphertext layout (Tink raw output, the version prefix, the one empty
// associated-data component of SIV) independently of field walking.
func TestVectorCiphertexts(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"avro_encrypt_aes256gcm", "avro_encrypt_aes256siv", "avro_encrypt_dek_rotation"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Topic    string `json:"topic"`
				Registry []struct {
					Subject string            `json:"subject"`
					Schema  string            `json:"schema"`
					RuleSet *registry.RuleSet `json:"ruleSet"`
				} `json:"registry"`
				Encryption struct {
					DEKs []struct {
						Algorithm string `json:"algorithm"`
						Debug     struct {
							KeyMaterial string `json:"keyMaterial"`
						} `json:"debug"`
					} `json:"deks"`
				} `json:"encryption"`
				PayloadHex string         `json:"payload_hex"`
				Expected   map[string]any `json:"expected_decoded"`
			}
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			mock, _ := mockregistry.New(mockregistry.WithCompatibility(registry.None))
			client, _ := mock.Client()
			r := v.Registry[0]
			if _, err := client.Register(ctx, r.Subject, registry.Schema{Schema: r.Schema, RuleSet: r.RuleSet}); err != nil {
				t.Fatal(err)
			}
			// No executor: the ENCRYPT rule fails on read, and its NONE
			// action hands out the ciphertext.
			d, err := avro.NewDeserializer[map[string]any](client, serde.Value)
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := hex.DecodeString(v.PayloadHex)
			wire, err := d.Deserialize(ctx, v.Topic, payload, nil)
			if err != nil {
				t.Fatal(err)
			}
			dek := v.Encryption.DEKs[0]
			material, _ := base64.StdEncoding.DecodeString(dek.Debug.KeyMaterial)
			alg := Algorithm(dek.Algorithm)
			c, err := newCipher(alg, material)
			if err != nil {
				t.Fatal(err)
			}
			rotated := r.RuleSet.DomainRules[0].Params[ParamDEKExpiryDays] != ""
			for field, want := range map[string][]byte{
				"name":  []byte(v.Expected["name"].(string)),
				"ssn":   []byte(v.Expected["ssn"].(string)),
				"photo": mustBase64(t, v.Expected["photo"].(string)),
			} {
				var ct []byte
				switch x := wire[field].(type) {
				case string:
					ct = mustBase64(t, x)
				case []byte:
					ct = x
				default:
					t.Fatalf("%s on the wire: %T", field, x)
				}
				if rotated {
					version, rest, err := splitVersion(ct)
					if err != nil || version != 1 {
						t.Fatalf("%s: version %d, %v", field, version, err)
					}
					ct = rest
				}
				pt, err := c.decrypt(ct)
				if err != nil || !bytes.Equal(pt, want) {
					t.Fatalf("%s: decrypted %q, %v; want %q", field, pt, err, want)
				}
				if alg == AES256SIV {
					again, _ := c.encrypt(want)
					if !bytes.Equal(again, ct) {
						t.Fatalf("%s: AES256_SIV sealed %x, Confluent %x", field, again, ct)
					}
				}
			}
		})
	}
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
