package azurekms_test

import (
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// A record Confluent's Go client wrote (the core module's golden vector
// avro_encrypt_payload, whose DEK it wrapped with local-kms), with its DEK
// stored as Confluent's Azure drivers store it — Key Vault's RSA-OAEP-256
// result of the DEK's key material, raw or behind Confluent's azure:v1:
// header (encrypt.azure.key.version.save), base64 in the DEK Registry —
// decrypts through this driver, after a rotation for the header.
func TestConfluentRecordWithKeyVaultWrappedDEK(t *testing.T) {
	for _, header := range []bool{false, true} {
		name := "raw"
		if header {
			name = "azure:v1: header"
		}
		t.Run(name, func(t *testing.T) {
			cleanEnv(t)
			f := fakeazure.New(t)
			ver := f.AddKey("srkit-test", "vectors", 0)
			f.AddApp("reader", "reader-secret", "decrypt")
			keyID := "https://srkit-test.vault.azure.net/keys/vectors/" + ver
			if header {
				keyID = "https://srkit-test.vault.azure.net/keys/vectors"
			}
			wrap := func(material []byte) []byte {
				w := f.Encrypt("srkit-test", "vectors", ver, material)
				if header {
					// Written through a versionless key ID, then rotated.
					w = append([]byte("azure:v1:"+ver+":"), w...)
					f.AddKey("srkit-test", "vectors", 1)
				}
				return w
			}
			kmstest.ReadConfluentRecord(t, azurekms.Type, keyID, wrap,
				encryption.WithKMSDriver(azurekms.Driver(config(f))), encryption.WithConfig(appConfig("reader", "reader-secret")))
		})
	}
}
