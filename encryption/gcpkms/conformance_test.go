package gcpkms

import (
	"net/http"
	"testing"

	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// The KMS conformance suite against the fake Cloud KMS: a KMS with a
// service account's key file, the driver with Confluent's client.id,
// client.email, private.key.id and private.key.
func TestConformance(t *testing.T) {
	kmstest.Run(t, kmstest.Driver{Type: Type, New: func(t *testing.T) kmstest.Env {
		isolate(t)
		f := newFakeGCP(t)
		hang := kmstest.HoldRequests(t, f.srv, func(r *http.Request) bool { return r.URL.Path != "/token" })
		sa := f.addAccount(testEmail)
		key := f.addKey("global", "ring", "kek", testEmail)
		wrong := sa
		wrong.PrivateKey = otherPrivateKey()
		noKey, noEmail := saConfig(sa), saConfig(sa)
		delete(noKey, ConfigPrivateKey)
		delete(noEmail, ConfigClientEmail)
		return kmstest.Env{
			KMS: newTestKMS(t, f, sa), KeyID: key, OtherKeyID: f.addKey("global", "ring", "other", testEmail),
			Driver: driverFor(f), Config: saConfig(sa),
			BadConfigs: []map[string]string{noKey, noEmail}, ConfigErr: ErrConfig,
			WrongCredentials: newTestKMS(t, f, wrong),
			Secrets:          []string{sa.PrivateKey, wrong.PrivateKey},
			Break:            func() { f.fail(503, "UNAVAILABLE", 100) },
			Close:            f.srv.Close,
			Hang:             hang,
			Refuse:           func() { f.set(func(f *fakeGCP) { delete(f.keys[key].allowed, testEmail) }) },
		}
	}})
}
