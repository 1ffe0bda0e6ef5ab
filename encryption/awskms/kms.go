package awskms

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/internal/keyurl"
)

// Type is the KMS type of AWS KMS, as rules and KEKs spell it.
const Type = encryption.KMSTypeAWS

// Config is the SDK configuration of a KMS. Its zero value is the SDK's
// defaults: config.LoadDefaultConfig (credentials from the default chain:
// environment, shared files, SSO, web identity, container and instance
// roles), the SDK's standard retries, and AWS's public endpoints.
type Config struct {
	// AWS is the SDK's configuration: credentials, retries (Retryer,
	// RetryMaxAttempts, RetryMode), the HTTP client and its timeouts,
	// BaseEndpoint, logging. Its Region is used only for key IDs that
	// are not ARNs (every ARN names its region). Nil loads
	// config.LoadDefaultConfig.
	AWS *aws.Config
	// Endpoint, when set, is the KMS endpoint of every region: a VPC
	// endpoint (https://vpce-….kms.eu-west-1.vpce.amazonaws.com), a FIPS
	// endpoint, a test server. Requests are still signed for the key's
	// region.
	Endpoint string
	// KMSOptions are applied to the KMS client after the above.
	KMSOptions []func(*kms.Options)
	// STSOptions are applied to the STS client of a driver's role.arn
	// (its endpoint, for instance); the client starts from AWS.
	STSOptions []func(*sts.Options)
}

// load returns the SDK configuration of c: a copy of c.AWS, or the
// default one.
func (c Config) load(ctx context.Context, opts ...func(*config.LoadOptions) error) (aws.Config, error) {
	if c.AWS != nil {
		return c.AWS.Copy(), nil
	}
	return config.LoadDefaultConfig(ctx, opts...)
}

// KMS is AWS KMS as an [encryption.KMS]: it wraps DEKs with Encrypt and
// unwraps them with Decrypt under the KEK's key ARN, in the ARN's region.
// It is safe for concurrent use.
type KMS struct {
	client        *kms.Client
	defaultRegion string // for key IDs that are not ARNs; "" refuses them
	role          *roleCredentials
}

var _ encryption.KMS = (*KMS)(nil)

// New returns the AWS KMS of cfg. It makes no call: credentials are
// obtained, and keys checked, by the first Wrap or Unwrap.
func New(ctx context.Context, cfg Config) (*KMS, error) {
	awsCfg, err := cfg.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: loading the AWS SDK configuration: %w", ErrConfig, err)
	}
	return newKMS(awsCfg, cfg, nil), nil
}

func newKMS(awsCfg aws.Config, cfg Config, role *roleCredentials) *KMS {
	opts := make([]func(*kms.Options), 0, len(cfg.KMSOptions)+1)
	if cfg.Endpoint != "" {
		endpoint := cfg.Endpoint
		opts = append(opts, func(o *kms.Options) { o.BaseEndpoint = &endpoint })
	}
	opts = append(opts, cfg.KMSOptions...)
	return &KMS{client: kms.NewFromConfig(awsCfg, opts...), defaultRegion: awsCfg.Region, role: role}
}

// Type returns "aws-kms".
func (*KMS) Type() string { return Type }

// call returns the key ID to send (without Confluent's aws-kms:// scheme),
// the ARN when it is one, and the per-call options: the key's region, and
// the credentials of the driver's role in that region.
func (k *KMS) call(op, keyID string) (string, arn, func(*kms.Options), error) {
	id := keyurl.TrimScheme(keyID, Type) // Confluent's aws-kms:// key URL
	a, isARN := parseARN(id)
	region := a.region
	if !isARN {
		if id == "" || k.defaultRegion == "" {
			return "", arn{}, nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: fmt.Errorf("%w: not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>), and no default region is configured", ErrKeyID)}
		}
		region = k.defaultRegion
	}
	var creds aws.CredentialsProvider
	if k.role != nil {
		creds = k.role.forRegion(region)
	}
	return id, a, func(o *kms.Options) {
		o.Region = region
		if creds != nil {
			o.Credentials = creds
		}
	}, nil
}

// Wrap encrypts dek with the KMS key keyID (KMS Encrypt, no encryption
// context, as Confluent's clients call it) and returns AWS's ciphertext
// blob.
func (k *KMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	id, _, opt, err := k.call("Encrypt", keyID)
	if err != nil {
		return nil, err
	}
	out, err := k.client.Encrypt(ctx, &kms.EncryptInput{KeyId: &id, Plaintext: dek}, opt)
	if err != nil {
		return nil, callError("Encrypt", keyID, err)
	}
	if len(out.CiphertextBlob) == 0 {
		return nil, &Error{KMS: Type, Op: "Encrypt", KeyID: keyID, Unavailable: true, Err: errors.New("the answer has no ciphertext blob")}
	}
	return out.CiphertextBlob, nil
}

// Unwrap decrypts wrapped with the KMS key keyID (KMS Decrypt with the key
// ID). When keyID is a key ARN, AWS must answer with that key, else
// [ErrWrongKey].
func (k *KMS) Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	id, a, opt, err := k.call("Decrypt", keyID)
	if err != nil {
		return nil, err
	}
	out, err := k.client.Decrypt(ctx, &kms.DecryptInput{KeyId: &id, CiphertextBlob: wrapped}, opt)
	if err != nil {
		return nil, callError("Decrypt", keyID, err)
	}
	if a.isKeyARN() && aws.ToString(out.KeyId) != id {
		return nil, &Error{KMS: Type, Op: "Decrypt", KeyID: keyID, Err: fmt.Errorf("%w: AWS KMS decrypted them with %q", ErrWrongKey, aws.ToString(out.KeyId))}
	}
	if len(out.Plaintext) == 0 {
		return nil, &Error{KMS: Type, Op: "Decrypt", KeyID: keyID, Unavailable: true, Err: errors.New("the answer has no plaintext")}
	}
	return out.Plaintext, nil
}
