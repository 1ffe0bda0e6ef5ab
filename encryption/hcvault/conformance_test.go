package hcvault_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// The KMS conformance suite against the fake Vault: a KMS with a static
// token, the driver with Confluent's token.id.
func TestConformance(t *testing.T) {
	const token, revoked = "s.conformance-token", "s.revoked-token"
	kmstest.Run(t, kmstest.Driver{Type: hcvault.Type, New: func(t *testing.T) kmstest.Env {
		cleanEnv(t)
		f := fakevault.New(t)
		f.AddKey("transit", "k")
		f.AddKey("transit", "other")
		f.AddToken(token, "*")
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		return kmstest.Env{
			KMS: newKMS(t, hcvault.Config{Token: token}), KeyID: f.KeyID("transit", "k"), OtherKeyID: f.KeyID("transit", "other"),
			Driver: hcvault.Driver(hcvault.Config{Vault: sdkConfig()}), Config: map[string]string{hcvault.ConfigToken: token},
			BadConfigs: []map[string]string{
				{hcvault.ConfigAppRoleRoleID: "r"},
				{hcvault.ConfigAppRoleSecretID: "super-secret-id"},
			},
			ConfigErr:        hcvault.ErrConfig,
			WrongCredentials: newKMS(t, hcvault.Config{Token: revoked}),
			Secrets:          []string{token, revoked, "super-secret-id"},
			Break:            func() { f.SetFault(status(503, `{"errors":["Vault is sealed"]}`)) },
			Close:            f.Close,
			Hang: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					select {
					case <-r.Context().Done():
					case <-release:
					}
					return http.StatusServiceUnavailable, "{}"
				})
			},
			Refuse: func() {
				f.SetFault(func(r *http.Request) (int, string) {
					if strings.HasPrefix(r.URL.Path, "/v1/transit/") {
						return http.StatusForbidden, `{"errors":["1 error occurred:\n\t* permission denied\n\n"]}`
					}
					return 0, ""
				})
			},
		}
	}})
}
