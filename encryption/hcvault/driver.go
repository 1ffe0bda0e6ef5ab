package hcvault

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/vault/api/auth/approle"

	"github.com/srkit-go/srkit/encryption"
)

// Rule-config keys, as Confluent's Vault drivers read them (from the
// executor's config and the KEK's kmsProps).
const (
	ConfigToken           = "token.id"          // the Vault token
	ConfigNamespace       = "namespace"         // the Vault Enterprise / HCP Vault namespace
	ConfigAppRoleRoleID   = "approle.role.id"   // with ConfigAppRoleSecretID: log in with AppRole
	ConfigAppRoleSecretID = "approle.secret.id" // the secret ID of ConfigAppRoleRoleID
)

// Environment variables read when the config lacks the AppRole keys, as
// Confluent's drivers do. (VAULT_TOKEN, VAULT_NAMESPACE and the SDK's other
// VAULT_* variables are read by the SDK.)
const (
	EnvAppRoleRoleID   = "VAULT_APPROLE_ROLE_ID"
	EnvAppRoleSecretID = "VAULT_APPROLE_SECRET_ID"
)

// Driver returns the driver that makes Vault KMSes from Confluent's rule
// config, starting from base (its client configuration, endpoint, token,
// namespace and auth method; the zero Config for the SDK's defaults):
//   - token.id replaces base.Token (default VAULT_TOKEN);
//   - namespace replaces base.Namespace (default VAULT_NAMESPACE);
//   - approle.role.id and approle.secret.id (else VAULT_APPROLE_ROLE_ID
//     and VAULT_APPROLE_SECRET_ID) log in with AppRole (mount "approle")
//     before the first call, and again when the token expires; the
//     AppRole token is used instead of token.id.
//
// Confluent's Java-only keys ssl.keystore.location, ssl.keystore.password
// and ssl.truststore.location (Java key stores) are ignored: configure TLS
// in base.Vault (ConfigureTLS) or with VAULT_CACERT, VAULT_CLIENT_CERT and
// VAULT_CLIENT_KEY.
func Driver(base Config) encryption.Driver { return driver{base: base} }

type driver struct{ base Config }

func (driver) Type() string { return Type }

func (d driver) NewKMS(ctx context.Context, conf map[string]string) (encryption.KMS, error) {
	cfg := d.base
	if t := conf[ConfigToken]; t != "" {
		cfg.Token = t
	}
	if ns := conf[ConfigNamespace]; ns != "" {
		cfg.Namespace = ns
	}
	roleID, secretID := conf[ConfigAppRoleRoleID], conf[ConfigAppRoleSecretID]
	if roleID == "" {
		roleID = os.Getenv(EnvAppRoleRoleID)
	}
	if secretID == "" {
		secretID = os.Getenv(EnvAppRoleSecretID)
	}
	if (roleID == "") != (secretID == "") {
		return nil, fmt.Errorf("%w: %s and %s go together", ErrConfig, ConfigAppRoleRoleID, ConfigAppRoleSecretID)
	}
	if roleID != "" {
		a, err := approle.NewAppRoleAuth(roleID, &approle.SecretID{FromString: secretID})
		if err != nil {
			return nil, fmt.Errorf("%w: AppRole: %w", ErrConfig, err)
		}
		cfg.Auth = a
	}
	k, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return k, nil
}
