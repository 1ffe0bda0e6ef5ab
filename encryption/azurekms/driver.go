package azurekms

import (
	"context"
	"fmt"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/srkit-go/srkit/encryption"
)

// Rule-config keys, as Confluent's Azure Key Vault drivers read them (from
// the executor's config and the KEK's kmsProps).
const (
	ConfigTenantID     = "tenant.id"     // with ConfigClientID and ConfigClientSecret: a client-secret credential
	ConfigClientID     = "client.id"     // the application (client) ID
	ConfigClientSecret = "client.secret" // the client secret
	// ConfigKeyVersionSave ("true") makes wrapped bytes name the key
	// version that wrapped them (Config.SaveKeyVersion); Confluent's
	// clients that have the setting read it from the KEK's kmsProps, and
	// so does srkit's executor.
	ConfigKeyVersionSave = "encrypt.azure.key.version.save"
)

// Driver returns the driver that makes Key Vault KMSes from Confluent's
// rule config, starting from base (its credential, client options,
// endpoint, algorithm and operations; the zero Config for the SDK's
// defaults):
//   - tenant.id, client.id and client.secret: a client-secret credential
//     (Microsoft Entra ID application), made with base.ClientSecretOptions;
//   - else base.Credential, or the default credential chain (which reads
//     AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, workload and
//     managed identities, the Azure CLI).
//
// encrypt.azure.key.version.save, when set, replaces base.SaveKeyVersion.
func Driver(base Config) encryption.Driver { return driver{base: base} }

type driver struct{ base Config }

func (driver) Type() string { return Type }

func (d driver) NewKMS(ctx context.Context, conf map[string]string) (encryption.KMS, error) {
	cfg := d.base
	tenant, client, secret := conf[ConfigTenantID], conf[ConfigClientID], conf[ConfigClientSecret]
	switch n := count(tenant, client, secret); {
	case n == 3:
		cred, err := azidentity.NewClientSecretCredential(tenant, client, secret, cfg.ClientSecretOptions)
		if err != nil {
			// azidentity's errors name the tenant ID, never the secret.
			return nil, fmt.Errorf("%w: the client-secret credential: %w", ErrConfig, err)
		}
		cfg.Credential = cred
	case n > 0:
		return nil, fmt.Errorf("%w: %s, %s and %s go together", ErrConfig, ConfigTenantID, ConfigClientID, ConfigClientSecret)
	}
	if s := conf[ConfigKeyVersionSave]; s != "" {
		v, _ := strconv.ParseBool(s) // as Confluent's Go client: anything else is false
		cfg.SaveKeyVersion = v
	}
	k, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// count returns how many of ss are not empty.
func count(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}
