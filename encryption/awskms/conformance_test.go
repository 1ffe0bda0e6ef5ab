package awskms

import (
	"testing"

	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// The KMS conformance suite against the fake AWS KMS: a KMS with static
// credentials, the driver with Confluent's access.key.id and
// secret.access.key.
func TestConformance(t *testing.T) {
	kmstest.Run(t, kmstest.Driver{Type: Type, New: func(t *testing.T) kmstest.Env {
		isolate(t)
		f := fakeaws.New(t)
		hang := kmstest.HoldRequests(t, f.Srv, nil)
		keyARN := f.AddKey("eu-west-1", testKeyID)
		return kmstest.Env{
			KMS: newTestKMS(t, f), KeyID: keyARN, OtherKeyID: f.AddKey("eu-west-1", "other-key"),
			Driver:           Driver(Config{AWS: sdkConfig(f, "AKIANOTUSED000000000", "base-secret-not-used"), Endpoint: f.Srv.URL}),
			Config:           map[string]string{ConfigAccessKeyID: testAKID, ConfigSecretAccessKey: testSecret},
			BadConfigs:       []map[string]string{{ConfigAccessKeyID: testAKID}, {ConfigSecretAccessKey: testSecret}},
			ConfigErr:        ErrConfig,
			WrongCredentials: newTestKMS(t, f, func(c *Config) { c.AWS = sdkConfig(f, testAKID, "not-the-secret-key") }),
			Secrets:          []string{testSecret, "not-the-secret-key", "base-secret-not-used"},
			Break:            func() { f.Fail(503, "ServiceUnavailable", 100) },
			Close:            f.Srv.Close,
			Hang:             hang,
			Refuse:           func() { f.Deny(keyARN, testAKID) },
		}
	}})
}
