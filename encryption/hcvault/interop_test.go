package hcvault_test

import (
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// A record Confluent's Go client wrote (the core module's golden vector
// avro_encrypt_payload, whose DEK it wrapped with local-kms), with its DEK
// stored as Confluent's Vault driver stores it — the UTF-8 bytes of
// Vault's transit ciphertext of the DEK's key material, base64 in the DEK
// Registry — decrypts through this driver.
func TestConfluentRecordWithVaultWrappedDEK(t *testing.T) {
	cleanEnv(t)
	f := fakevault.New(t)
	f.AddKey("transit", "vectors")
	f.AddToken("s.reader", "transit/decrypt/vectors")
	kmstest.ReadConfluentRecord(t, hcvault.Type, f.KeyID("transit", "vectors"),
		func(material []byte) []byte { return []byte(f.Encrypt("transit", "vectors", material)) },
		encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{Vault: sdkConfig()})),
		encryption.WithConfig(map[string]string{hcvault.ConfigToken: "s.reader"}))
}
