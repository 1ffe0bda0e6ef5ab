package azurekms

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azkeys"

	"github.com/srkit-go/srkit/encryption"
)

// Type is the KMS type of Azure Key Vault, as rules and KEKs spell it.
const Type = encryption.KMSTypeAzure

// DefaultAlgorithm is the algorithm of Confluent's clients: RSA-OAEP with
// SHA-256 and MGF1 with SHA-256.
const DefaultAlgorithm = azkeys.EncryptionAlgorithmRSAOAEP256

// Operations are the Key Vault operations that wrap and unwrap DEKs. For
// RSA keys both pairs compute the same RSA-OAEP: bytes wrapped by one
// unwrap with the other. They differ in the permission they need.
type Operations int

const (
	// EncryptDecrypt calls Key Vault's encrypt and decrypt (POST
	// {key}/encrypt and {key}/decrypt), as Confluent's Java and Go clients
	// do; the caller needs keys/encrypt and keys/decrypt (the "Key Vault
	// Crypto User" role).
	EncryptDecrypt Operations = iota
	// WrapUnwrap calls Key Vault's wrapKey and unwrapKey (POST
	// {key}/wrapkey and {key}/unwrapkey); the caller needs keys/wrapKey
	// and keys/unwrapKey (as the "Key Vault Crypto Service Encryption
	// User" role grants), and the key must allow those operations.
	WrapUnwrap
)

// Config is the SDK configuration of a KMS. Its zero value is the SDK's
// defaults: the default credential chain (azidentity's
// DefaultAzureCredential: environment, workload identity, managed
// identity, Azure CLI, ...), the SDK's retries and transport, RSA-OAEP-256
// with encrypt and decrypt, and the vault of each key ID.
type Config struct {
	// Credential authenticates to Key Vault. Nil is
	// azidentity.NewDefaultAzureCredential(DefaultCredentialOptions).
	Credential azcore.TokenCredential
	// KeysOptions are the options of the Key Vault clients: retries
	// (ClientOptions.Retry: tries, delays, TryTimeout), the transport and
	// its timeouts, logging, telemetry, and
	// DisableChallengeResourceVerification (needed when Endpoint's host is
	// not under the vault's domain). Nil is the SDK's defaults.
	KeysOptions *azkeys.ClientOptions
	// DefaultCredentialOptions are the options of the default credential
	// chain when Credential is nil (its authority host, transport,
	// retries, tenant).
	DefaultCredentialOptions *azidentity.DefaultAzureCredentialOptions
	// ClientSecretOptions are the options of the client-secret credential
	// that [Driver] makes from tenant.id, client.id and client.secret (the
	// authority host of a sovereign cloud or test server in
	// ClientOptions.Cloud, DisableInstanceDiscovery, transport, retries).
	ClientSecretOptions *azidentity.ClientSecretCredentialOptions
	// Endpoint, when set, is the URL (https://host[:port]) every call goes
	// to, whatever vault the key ID names: a proxy, a test server. Private
	// endpoints keep the vault's name (Azure's private DNS resolves it) and
	// need no endpoint.
	Endpoint string
	// Algorithm is the key algorithm; empty is [DefaultAlgorithm], the
	// only one Confluent's clients use.
	Algorithm azkeys.EncryptionAlgorithm
	// Operations are the Key Vault operations called; the zero value is
	// [EncryptDecrypt], Confluent's.
	Operations Operations
	// SaveKeyVersion makes wrapped bytes name the key version that wrapped
	// them, as Confluent's encrypt.azure.key.version.save does: "azure:v1:"
	// + the 32-hex-digit version + ":" + Key Vault's result. Unwrap reads
	// such bytes whatever SaveKeyVersion says. Without it, wrapped bytes of
	// a versionless key ID unwrap only while that version is the key's
	// current one: pin a version in the key ID, or set it.
	SaveKeyVersion bool
}

// maxClients bounds the Key Vault clients of a KMS: one per vault of the
// key IDs used (key IDs come from the DEK Registry and are not trusted to
// be few). Calls to further vaults use a client made for the call.
const maxClients = 64

// KMS is Azure Key Vault as an [encryption.KMS]: it wraps DEKs with the
// KEK's RSA key (encrypt, or wrapKey) and unwraps them (decrypt, or
// unwrapKey), with RSA-OAEP-256. It is safe for concurrent use.
type KMS struct {
	cred        azcore.TokenCredential
	opts        *azkeys.ClientOptions
	endpoint    string
	alg         azkeys.EncryptionAlgorithm
	wrapOps     bool
	saveVersion bool

	mu      sync.Mutex
	clients map[string]*azkeys.Client
}

var _ encryption.KMS = (*KMS)(nil)

// New returns the Key Vault KMS of cfg. It makes no call: a token is
// obtained, and keys are checked, by the first Wrap or Unwrap.
func New(_ context.Context, cfg Config) (*KMS, error) {
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("%w: Endpoint is not https://host[:port]", ErrConfig)
		}
	}
	if cfg.Operations != EncryptDecrypt && cfg.Operations != WrapUnwrap {
		return nil, fmt.Errorf("%w: unknown Operations %d", ErrConfig, cfg.Operations)
	}
	cred := cfg.Credential
	if cred == nil {
		c, err := azidentity.NewDefaultAzureCredential(cfg.DefaultCredentialOptions)
		if err != nil {
			return nil, fmt.Errorf("%w: the default Azure credential: %w", ErrConfig, err)
		}
		cred = c
	}
	alg := cfg.Algorithm
	if alg == "" {
		alg = DefaultAlgorithm
	}
	return &KMS{
		cred: cred, opts: cfg.KeysOptions, endpoint: cfg.Endpoint, alg: alg,
		wrapOps: cfg.Operations == WrapUnwrap, saveVersion: cfg.SaveKeyVersion,
		clients: map[string]*azkeys.Client{},
	}, nil
}

// Type returns "azure-kms".
func (*KMS) Type() string { return Type }

// Wrap encrypts dek with the Key Vault key keyID (its version, or the
// key's current one for a versionless key ID) and returns Key Vault's
// result, prefixed with the key version when SaveKeyVersion is set.
func (k *KMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	op := "encrypt"
	if k.wrapOps {
		op = "wrapKey"
	}
	ref, err := parseKeyID(keyID)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	if k.saveVersion && ref.version != "" && !isHexVersion(ref.version) {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: fmt.Errorf("%w: version %q is not 32 hex digits, which the azure:v1: header needs", ErrKeyID, ref.version)}
	}
	c, err := k.client(ref.vault)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	params := azkeys.KeyOperationParameters{Algorithm: &k.alg, Value: dek}
	var res azkeys.KeyOperationResult
	if k.wrapOps {
		r, err := c.WrapKey(ctx, ref.name, ref.version, params, nil)
		if err != nil {
			return nil, callError(op, keyID, err)
		}
		res = r.KeyOperationResult
	} else {
		r, err := c.Encrypt(ctx, ref.name, ref.version, params, nil)
		if err != nil {
			return nil, callError(op, keyID, err)
		}
		res = r.KeyOperationResult
	}
	if len(res.Result) == 0 {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Key Vault has no result")}
	}
	if !k.saveVersion {
		return res.Result, nil
	}
	version := ref.version
	if version == "" && res.KID != nil {
		// The version that wrapped, as Key Vault names it in its answer
		// (Confluent's clients ask for the current version first; the
		// answer's is the one actually used).
		version = res.KID.Version()
	}
	if !isHexVersion(version) {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Key Vault names no key version")}
	}
	return withVersion(version, res.Result), nil
}

// Unwrap decrypts wrapped with the Key Vault key keyID: with the version of
// Confluent's azure:v1: header when the bytes have one, else with the key
// ID's version (the key's current one for a versionless key ID).
func (k *KMS) Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	op := "decrypt"
	if k.wrapOps {
		op = "unwrapKey"
	}
	ref, err := parseKeyID(keyID)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	if v, rest, ok := splitVersion(wrapped); ok {
		if !isHexVersion(v) {
			return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: fmt.Errorf("%w: the azure:v1: header's key version %q is not 32 hex digits", ErrCiphertext, v)}
		}
		ref.version, wrapped = v, rest
	}
	if len(wrapped) == 0 {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: fmt.Errorf("%w: empty", ErrCiphertext)}
	}
	c, err := k.client(ref.vault)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	params := azkeys.KeyOperationParameters{Algorithm: &k.alg, Value: wrapped}
	var res azkeys.KeyOperationResult
	if k.wrapOps {
		r, err := c.UnwrapKey(ctx, ref.name, ref.version, params, nil)
		if err != nil {
			return nil, k.unwrapError(op, keyID, ref, err)
		}
		res = r.KeyOperationResult
	} else {
		r, err := c.Decrypt(ctx, ref.name, ref.version, params, nil)
		if err != nil {
			return nil, k.unwrapError(op, keyID, ref, err)
		}
		res = r.KeyOperationResult
	}
	if len(res.Result) == 0 {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Key Vault has no result")}
	}
	return res.Result, nil
}

// unwrapError is callError, with a hint when bytes of a versionless key ID
// without a version header do not decrypt: they may be of an older version.
func (k *KMS) unwrapError(op, keyID string, ref keyRef, err error) *Error {
	e := callError(op, keyID, err)
	if !e.Unavailable && ref.version == "" && e.StatusCode == 400 {
		e.Err = fmt.Errorf("%w (the key ID has no version: bytes wrapped by an older version of the key do not unwrap with its current one; pin the version in the key ID, or wrap with encrypt.azure.key.version.save)", e.Err)
	}
	return e
}

// client returns the Key Vault client of vault (or of the endpoint).
func (k *KMS) client(vault string) (*azkeys.Client, error) {
	if k.endpoint != "" {
		vault = k.endpoint
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.clients[vault]; ok {
		return c, nil
	}
	c, err := azkeys.NewClient(vault, k.cred, k.opts)
	if err != nil {
		return nil, fmt.Errorf("%w: the Key Vault client of %s: %w", ErrConfig, vault, err)
	}
	if len(k.clients) < maxClients {
		k.clients[vault] = c
	}
	return c, nil
}
