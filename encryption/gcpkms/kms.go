package gcpkms

import (
	"context"
	"fmt"
	"hash/crc32"
	"strings"

	kms "cloud.google.com/go/kms/apiv1"
	"cloud.google.com/go/kms/apiv1/kmspb"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/internal/keyurl"
)

// Type is the KMS type of Google Cloud KMS, as rules and KEKs spell it.
const Type = encryption.KMSTypeGCP

// Config is the client-library configuration of a KMS. Its zero value is
// the library's defaults: the REST transport (as Confluent's clients use),
// application default credentials, Google's public endpoint, and the
// library's retries (UNAVAILABLE and DEADLINE_EXCEEDED, with back-off) and
// 60-second timeout per call.
type Config struct {
	// Options are the client library's options for the REST client New
	// and the driver make: credentials (option.WithAuthCredentialsJSON,
	// option.WithCredentials, ...), option.WithHTTPClient,
	// option.WithUniverseDomain, .... A driver's service-account keys
	// come after them and win.
	Options []option.ClientOption
	// Endpoint, when set, is the Cloud KMS endpoint: a Private Service
	// Connect endpoint, a regional one, a test server
	// (option.WithEndpoint).
	Endpoint string
	// TokenURL, when set, is where a driver's service account (built from
	// Confluent's keys) gets its access tokens, instead of Google's OAuth
	// endpoint (the token_uri of a service-account key file).
	TokenURL string
	// CallOptions are added to every Encrypt and Decrypt call: retries
	// (gax.WithRetry) and timeouts (gax.WithTimeout) beyond the library's
	// defaults.
	CallOptions []gax.CallOption
	// Client, when set, is used by New as it is (a gRPC client from
	// kms.NewKeyManagementClient, or one shared with other code), and
	// Options, Endpoint and TokenURL are not used; New's KMS does not
	// close it. Drivers ignore it: they make clients of their own.
	Client *kms.KeyManagementClient
}

// KMS is Google Cloud KMS as an [encryption.KMS]: it wraps DEKs with
// Encrypt and unwraps them with Decrypt under the KEK's key name. It is
// safe for concurrent use.
type KMS struct {
	client   *kms.KeyManagementClient
	callOpts []gax.CallOption
	owned    bool
}

var _ encryption.KMS = (*KMS)(nil)

// New returns the Cloud KMS of cfg: cfg.Client, or a new REST client. It
// makes no call to Cloud KMS; credentials are looked up (application
// default credentials) but tokens are fetched by the first Wrap or Unwrap.
func New(ctx context.Context, cfg Config) (*KMS, error) {
	if cfg.Client != nil {
		return &KMS{client: cfg.Client, callOpts: cfg.CallOptions}, nil
	}
	return newKMS(ctx, cfg, nil)
}

func newKMS(ctx context.Context, cfg Config, extra []option.ClientOption) (*KMS, error) {
	opts := make([]option.ClientOption, 0, len(cfg.Options)+len(extra)+1)
	opts = append(opts, cfg.Options...)
	if cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(cfg.Endpoint))
	}
	opts = append(opts, extra...)
	c, err := kms.NewKeyManagementRESTClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: making the Cloud KMS client: %w", ErrConfig, err)
	}
	return &KMS{client: c, callOpts: cfg.CallOptions, owned: true}, nil
}

// Close releases the client New or a driver made (not a Config.Client).
func (k *KMS) Close() error {
	if !k.owned {
		return nil
	}
	return k.client.Close()
}

// Type returns "gcp-kms".
func (*KMS) Type() string { return Type }

var crc32c = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) int64 { return int64(crc32.Checksum(b, crc32c)) }

// name returns the key's resource name, without Confluent's scheme.
func name(op, keyID string) (string, error) {
	n := keyurl.TrimScheme(keyID, Type) // Confluent's gcp-kms:// key URL
	if !validKeyName(n) {
		return "", &Error{KMS: Type, Op: op, KeyID: keyID, Err: fmt.Errorf("%w: want projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>", ErrKeyName)}
	}
	return n, nil
}

// Wrap encrypts dek with the CryptoKey keyID (Cloud KMS Encrypt with the
// key's primary version, no additional authenticated data) and returns
// Cloud KMS's ciphertext.
func (k *KMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	n, err := name("Encrypt", keyID)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Encrypt(ctx, &kmspb.EncryptRequest{
		Name: n, Plaintext: dek, PlaintextCrc32C: wrapperspb.Int64(checksum(dek)),
	}, k.callOpts...)
	if err != nil {
		return nil, callError("Encrypt", keyID, err)
	}
	switch {
	case !resp.GetVerifiedPlaintextCrc32C():
		return nil, k.integrity("Encrypt", keyID, "the answer does not say Cloud KMS verified the plaintext's checksum")
	case resp.GetCiphertextCrc32C() == nil || resp.GetCiphertextCrc32C().GetValue() != checksum(resp.GetCiphertext()):
		return nil, k.integrity("Encrypt", keyID, "the ciphertext does not match its checksum")
	case len(resp.GetCiphertext()) == 0:
		return nil, k.integrity("Encrypt", keyID, "the answer has no ciphertext")
	case resp.GetName() != n && !strings.HasPrefix(resp.GetName(), n+"/cryptoKeyVersions/"):
		// Encrypt names the key version it used: one of the key's (a
		// bare prefix test would take …/cryptoKeys/kek2 for kek).
		return nil, &Error{KMS: Type, Op: "Encrypt", KeyID: keyID, Err: fmt.Errorf("the answer names another key, %q", resp.GetName())}
	}
	return resp.GetCiphertext(), nil
}

// Unwrap decrypts wrapped with the CryptoKey keyID (Cloud KMS Decrypt; the
// ciphertext names its key version).
func (k *KMS) Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	n, err := name("Decrypt", keyID)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Decrypt(ctx, &kmspb.DecryptRequest{
		Name: n, Ciphertext: wrapped, CiphertextCrc32C: wrapperspb.Int64(checksum(wrapped)),
	}, k.callOpts...)
	if err != nil {
		return nil, callError("Decrypt", keyID, err)
	}
	if resp.GetPlaintextCrc32C() == nil || resp.GetPlaintextCrc32C().GetValue() != checksum(resp.GetPlaintext()) {
		return nil, k.integrity("Decrypt", keyID, "the plaintext does not match its checksum")
	}
	if len(resp.GetPlaintext()) == 0 {
		return nil, k.integrity("Decrypt", keyID, "the answer has no plaintext")
	}
	return resp.GetPlaintext(), nil
}

func (k *KMS) integrity(op, keyID, what string) error {
	return &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: fmt.Errorf("%w: %s", ErrIntegrity, what)}
}
