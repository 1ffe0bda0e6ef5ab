package azurekms_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// The KMS conformance suite against the fake Key Vault: a KMS with a
// client-secret credential, the driver with Confluent's tenant.id,
// client.id and client.secret.
func TestConformance(t *testing.T) {
	const secret, wrongSecret = "conformance-app-secret", "a-wrong-s3cret/+="
	kmstest.Run(t, kmstest.Driver{Type: azurekms.Type, New: func(t *testing.T) kmstest.Env {
		cleanEnv(t)
		f := fakeazure.New(t)
		v := f.AddKey("srkit-test", "kek", 0)
		other := f.AddKey("srkit-test", "other", 1)
		f.AddApp("app", secret)
		kms := func(secret string) *azurekms.KMS {
			cfg := config(f)
			cfg.Credential = credential(t, f, "app", secret)
			return newKMS(t, cfg)
		}
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		return kmstest.Env{
			KMS:        kms(secret),
			KeyID:      "https://srkit-test.vault.azure.net/keys/kek/" + v,
			OtherKeyID: "https://srkit-test.vault.azure.net/keys/other/" + other,
			Driver:     azurekms.Driver(config(f)), Config: appConfig("app", secret),
			BadConfigs: []map[string]string{
				{azurekms.ConfigTenantID: fakeazure.Tenant},
				{azurekms.ConfigClientID: "app", azurekms.ConfigClientSecret: secret},
				{azurekms.ConfigTenantID: fakeazure.Tenant, azurekms.ConfigClientSecret: secret},
				{azurekms.ConfigTenantID: "not a tenant/", azurekms.ConfigClientID: "app", azurekms.ConfigClientSecret: secret},
			},
			ConfigErr:        azurekms.ErrConfig,
			WrongCredentials: kms(wrongSecret),
			Secrets:          []string{secret, wrongSecret},
			Break: func() {
				f.SetFault(keyVaultFault(503, `{"error":{"code":"ServiceUnavailable","message":"try again"}}`))
			},
			Close: f.Close,
			Hang: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					if !strings.HasSuffix(r.Host, ".vault.azure.net") || r.Header.Get("Authorization") == "" {
						return 0, ""
					}
					_, _ = io.ReadAll(r.Body) // the server sees the client go once the body is read
					select {
					case <-r.Context().Done():
					case <-release:
					}
					return 503, "{}"
				})
			},
			Refuse: func() {
				f.SetFault(keyVaultFault(403, `{"error":{"code":"Forbidden","message":"no permission on the key"}}`))
			},
		}
	}})
}
