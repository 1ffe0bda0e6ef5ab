package gcpkms

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/api/option"

	"github.com/srkit-go/srkit/encryption"
)

// Rule-config keys, as Confluent's Cloud KMS drivers read them (from the
// executor's config and the KEK's kmsProps): the fields of a service
// account's JSON key file.
const (
	ConfigAccountType  = "account.type"   // the key file's type; default and only value "service_account"
	ConfigClientID     = "client.id"      // client_id
	ConfigClientEmail  = "client.email"   // client_email: the service account
	ConfigPrivateKeyID = "private.key.id" // private_key_id
	ConfigPrivateKey   = "private.key"    // private_key: the PEM private key (newlines as such or as \n)
)

// accountServiceAccount is the only account type a key file made of the
// keys above can be.
const accountServiceAccount = "service_account"

// Driver returns the driver that makes Cloud KMSes from Confluent's rule
// config, starting from base (its client options, endpoint, token URL and
// call options; the zero Config for the library's defaults). When the
// config has client.id, client.email, private.key.id and private.key, the
// KMS authenticates as that service account (a JSON key file made of them:
// signed JWTs exchanged for access tokens at Google's OAuth endpoint, or
// base.TokenURL); else with base.Options' credentials or application
// default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's, the
// metadata server's).
func Driver(base Config) encryption.Driver { return driver{base: base} }

type driver struct{ base Config }

func (driver) Type() string { return Type }

func (d driver) NewKMS(ctx context.Context, conf map[string]string) (encryption.KMS, error) {
	creds, err := d.serviceAccount(conf)
	if err != nil {
		return nil, err
	}
	var extra []option.ClientOption
	if creds != nil {
		extra = append(extra, option.WithAuthCredentialsJSON(option.ServiceAccount, creds))
	}
	k, err := newKMS(ctx, d.base, extra)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// serviceAccount returns the JSON key file of the config's service
// account, nil when the config names none.
func (d driver) serviceAccount(conf map[string]string) ([]byte, error) {
	keys := []string{ConfigClientID, ConfigClientEmail, ConfigPrivateKeyID, ConfigPrivateKey}
	var have, missing []string
	for _, k := range keys {
		if conf[k] != "" {
			have = append(have, k)
		} else {
			missing = append(missing, k)
		}
	}
	if len(have) == 0 {
		return nil, nil
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: a service account needs %s; the config lacks %s", ErrConfig, strings.Join(keys, ", "), strings.Join(missing, ", "))
	}
	typ := conf[ConfigAccountType]
	if typ == "" {
		typ = accountServiceAccount
	}
	if typ != accountServiceAccount {
		return nil, fmt.Errorf("%w: %s %q: the keys make a %s key", ErrConfig, ConfigAccountType, typ, accountServiceAccount)
	}
	key := conf[ConfigPrivateKey]
	if !strings.Contains(key, "\n") {
		// As copied from a key file's JSON: escaped newlines (which
		// Confluent's Java client, building the JSON by concatenation,
		// reads as newlines).
		key = strings.ReplaceAll(key, `\n`, "\n")
	}
	file := map[string]string{
		"type":           typ,
		"client_id":      conf[ConfigClientID],
		"client_email":   conf[ConfigClientEmail],
		"private_key_id": conf[ConfigPrivateKeyID],
		"private_key":    key,
	}
	if d.base.TokenURL != "" {
		file["token_uri"] = d.base.TokenURL
	}
	return json.Marshal(file)
}
