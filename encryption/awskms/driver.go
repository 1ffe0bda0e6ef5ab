package awskms

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/srkit-go/srkit/encryption"
)

// Rule-config keys, as Confluent's AWS KMS drivers read them (from the
// executor's config and the KEK's kmsProps).
const (
	ConfigAccessKeyID     = "access.key.id"     // with ConfigSecretAccessKey: static credentials
	ConfigSecretAccessKey = "secret.access.key" // the secret of ConfigAccessKeyID
	ConfigProfile         = "profile"           // a profile of the shared config and credentials files
	ConfigRoleARN         = "role.arn"          // a role to assume with STS AssumeRole
	ConfigRoleSessionName = "role.session.name" // its session name; default DefaultRoleSessionName
	ConfigRoleExternalID  = "role.external.id"  // its external ID
)

// Environment variables read when the config lacks the role keys, as
// Confluent's drivers do. AWS_ROLE_ARN is ignored when
// AWS_WEB_IDENTITY_TOKEN_FILE is set: then the SDK's default chain assumes
// the role with web identity (EKS IRSA), and assuming it again would fail.
const (
	EnvRoleARN              = "AWS_ROLE_ARN"
	EnvRoleSessionName      = "AWS_ROLE_SESSION_NAME"
	EnvRoleExternalID       = "AWS_ROLE_EXTERNAL_ID"
	EnvWebIdentityTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE"
)

// DefaultRoleSessionName is the session name of an assumed role when
// neither role.session.name nor AWS_ROLE_SESSION_NAME gives one
// (Confluent's).
const DefaultRoleSessionName = "confluent-encrypt"

// Driver returns the driver that makes AWS KMSes from Confluent's rule
// config, starting from base (its SDK configuration, endpoint and options;
// the zero Config for the SDK's defaults). Credentials, in order:
//   - access.key.id and secret.access.key: static credentials;
//   - else profile: the profile's credentials from the shared files;
//   - else base.AWS's credentials, or the SDK's default chain.
//
// Then, when role.arn (or AWS_ROLE_ARN) is set, those credentials assume
// the role with STS AssumeRole (session name role.session.name, default
// "confluent-encrypt"; external ID role.external.id), in the region of the
// key, and the temporary credentials are cached and refreshed before they
// expire.
func Driver(base Config) encryption.Driver { return driver{base: base} }

type driver struct{ base Config }

func (driver) Type() string { return Type }

func (d driver) NewKMS(ctx context.Context, conf map[string]string) (encryption.KMS, error) {
	id, secret, profile := conf[ConfigAccessKeyID], conf[ConfigSecretAccessKey], conf[ConfigProfile]
	if (id == "") != (secret == "") {
		return nil, fmt.Errorf("%w: %s and %s go together", ErrConfig, ConfigAccessKeyID, ConfigSecretAccessKey)
	}
	var awsCfg aws.Config
	var err error
	if id == "" && profile != "" {
		// The profile gives the credentials (and, without base.AWS, the
		// rest of the configuration).
		var prof aws.Config
		prof, err = config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile))
		if err != nil {
			return nil, fmt.Errorf("%w: loading profile %q: %w", ErrConfig, profile, err)
		}
		awsCfg = prof
		if d.base.AWS != nil {
			awsCfg = d.base.AWS.Copy()
			awsCfg.Credentials = prof.Credentials
		}
	} else {
		awsCfg, err = d.base.load(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: loading the AWS SDK configuration: %w", ErrConfig, err)
		}
	}
	if id != "" {
		awsCfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, ""))
	}
	role, err := d.role(conf, awsCfg)
	if err != nil {
		return nil, err
	}
	return newKMS(awsCfg, d.base, role), nil
}

// role returns the role to assume, nil when none is configured.
func (d driver) role(conf map[string]string, awsCfg aws.Config) (*roleCredentials, error) {
	arnStr := conf[ConfigRoleARN]
	if arnStr == "" && os.Getenv(EnvWebIdentityTokenFile) == "" {
		arnStr = os.Getenv(EnvRoleARN)
	}
	if arnStr == "" {
		return nil, nil
	}
	session := conf[ConfigRoleSessionName]
	if session == "" {
		session = os.Getenv(EnvRoleSessionName)
	}
	if session == "" {
		session = DefaultRoleSessionName
	}
	external := conf[ConfigRoleExternalID]
	if external == "" {
		external = os.Getenv(EnvRoleExternalID)
	}
	return &roleCredentials{
		cfg: awsCfg, stsOptions: d.base.STSOptions,
		arn: arnStr, session: session, external: external,
		byRegion: map[string]aws.CredentialsProvider{},
	}, nil
}

// maxRoleRegions bounds the cached credentials of a role: one entry per
// region of the keys used (AWS has a few dozen regions; key IDs come from
// the DEK Registry and are not trusted to be few).
const maxRoleRegions = 64

// roleCredentials are the temporary credentials of an assumed role, one
// cached provider per region: the STS client of each is in the region of
// the key, as Confluent's clients call it.
type roleCredentials struct {
	cfg                    aws.Config
	stsOptions             []func(*sts.Options)
	arn, session, external string

	mu       sync.Mutex
	byRegion map[string]aws.CredentialsProvider
}

// forRegion returns the role's credentials provider for region.
func (r *roleCredentials) forRegion(region string) aws.CredentialsProvider {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.byRegion[region]; ok {
		return p
	}
	cfg := r.cfg.Copy()
	cfg.Region = region
	client := sts.NewFromConfig(cfg, r.stsOptions...)
	p := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, r.arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = r.session
		if r.external != "" {
			o.ExternalID = aws.String(r.external)
		}
	}))
	if len(r.byRegion) < maxRoleRegions {
		r.byRegion[region] = p
	}
	return p
}
