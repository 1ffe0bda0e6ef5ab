package azurekms_test

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
)

// cleanEnv clears the environment the default credential chain reads.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
		"AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "AZURE_TOKEN_CREDENTIALS",
		"AZURE_ADDITIONALLY_ALLOWED_TENANTS", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		t.Setenv(v, "")
	}
}

// clientOptions are the SDK options of a client of the fake: its
// transport, the fake's authority host, no retries (tests that want them
// set them).
func clientOptions(f *fakeazure.Server) azcore.ClientOptions {
	return azcore.ClientOptions{
		Transport: f.Transport(),
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.srkit.test/"},
		Retry:     policy.RetryOptions{MaxRetries: -1},
	}
}

// config is the Config of a KMS reaching the fake: Key Vault clients and
// identity options with its transport, the client-secret credential's
// authority host at the fake, instance discovery off.
func config(f *fakeazure.Server) azurekms.Config {
	o := clientOptions(f)
	return azurekms.Config{
		KeysOptions:              &azkeys.ClientOptions{ClientOptions: o},
		ClientSecretOptions:      &azidentity.ClientSecretCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true},
		DefaultCredentialOptions: &azidentity.DefaultAzureCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true},
	}
}

// credential is a client-secret credential of app at the fake.
func credential(t *testing.T, f *fakeazure.Server, clientID, secret string) azcore.TokenCredential {
	t.Helper()
	c, err := azidentity.NewClientSecretCredential(fakeazure.Tenant, clientID, secret, config(f).ClientSecretOptions)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newKMS(t *testing.T, cfg azurekms.Config) *azurekms.KMS {
	t.Helper()
	k, err := azurekms.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
