package hcvault

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/hashicorp/vault/api"

	"github.com/srkit-go/srkit/encryption"
)

// Type is the KMS type of HashiCorp Vault's transit engine, as rules and
// KEKs spell it.
const Type = encryption.KMSTypeVault

// Config is the SDK configuration of a KMS. Its zero value is the SDK's
// defaults: api.DefaultConfig (the VAULT_* environment: VAULT_CACERT,
// VAULT_CLIENT_CERT, VAULT_CLIENT_KEY, VAULT_SKIP_VERIFY,
// VAULT_CLIENT_TIMEOUT, VAULT_MAX_RETRIES, VAULT_RATE_LIMIT, ...), the
// token of VAULT_TOKEN and the namespace of VAULT_NAMESPACE.
type Config struct {
	// Vault is the SDK's client configuration: TLS (ConfigureTLS), the
	// HTTP client, Timeout, MaxRetries, MinRetryWait, MaxRetryWait,
	// Backoff, CheckRetry, Limiter. Its Address is not used: each call
	// goes to the address of its key ID (or Endpoint). The KMS keeps it
	// (api.NewClient does): do not modify it afterwards. Nil is
	// api.DefaultConfig().
	Vault *api.Config
	// Endpoint, when set, is the address (https://host:port) every call
	// goes to, whatever address the key ID names: a Vault agent or proxy,
	// a load balancer, a test server. Setting it also pins where the
	// token is sent: without it, the token goes to the host of each KEK's
	// key ID.
	Endpoint string
	// Token is the Vault token (X-Vault-Token); empty is VAULT_TOKEN.
	Token string
	// Namespace is the Vault Enterprise or HCP Vault namespace
	// (X-Vault-Namespace); empty is VAULT_NAMESPACE.
	Namespace string
	// Auth, when set, logs in to get the token (approle.NewAppRoleAuth,
	// kubernetes.NewKubernetesAuth, ...): before the first call to each
	// address, and again when Vault refuses the token (an expired
	// lease), instead of using Token.
	Auth api.AuthMethod
}

// maxConns bounds the Vault clients of a KMS: one per address of the key
// IDs used (key IDs come from the DEK Registry and are not trusted to be
// few). Calls to further addresses use a client made for the call.
const maxConns = 64

// KMS is HashiCorp Vault's transit engine as an [encryption.KMS]: it wraps
// DEKs with transit encrypt and unwraps them with transit decrypt under
// the KEK's transit key. It is safe for concurrent use.
type KMS struct {
	base      *api.Client
	endpoint  string
	token     string
	namespace string
	auth      api.AuthMethod

	mu    sync.Mutex
	conns map[string]*conn
}

var _ encryption.KMS = (*KMS)(nil)

// New returns the Vault KMS of cfg. It makes no call: the token is
// obtained (cfg.Auth) and keys are checked by the first Wrap or Unwrap.
func New(_ context.Context, cfg Config) (*KMS, error) {
	if cfg.Vault != nil && cfg.Vault.Error != nil {
		return nil, fmt.Errorf("%w: the Vault client configuration: %w", ErrConfig, cfg.Vault.Error)
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("%w: Endpoint is not http(s)://host[:port]", ErrConfig)
		}
	}
	base, err := api.NewClient(cfg.Vault)
	if err != nil {
		return nil, fmt.Errorf("%w: making the Vault client: %w", ErrConfig, err)
	}
	return &KMS{
		base: base, endpoint: cfg.Endpoint, token: cfg.Token, namespace: cfg.Namespace, auth: cfg.Auth,
		conns: map[string]*conn{},
	}, nil
}

// Type returns "hcvault".
func (*KMS) Type() string { return Type }

// Wrap encrypts dek with the transit key keyID (transit encrypt of its
// base64, without context or associated data, as Confluent's clients call
// it) and returns Vault's ciphertext (vault:v<N>:...) as bytes.
func (k *KMS) Wrap(ctx context.Context, keyID string, dek []byte) ([]byte, error) {
	const op = "encrypt"
	key, err := parseKeyID(keyID)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	s, err := k.call(ctx, op, keyID, key.address, key.encryptPath, map[string]any{
		"plaintext": base64.StdEncoding.EncodeToString(dek),
	})
	if err != nil {
		return nil, err
	}
	ct, _ := s.Data["ciphertext"].(string)
	if !isCiphertext([]byte(ct)) {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Vault has no ciphertext")}
	}
	return []byte(ct), nil
}

// Unwrap decrypts wrapped, a Vault ciphertext, with the transit key keyID
// (transit decrypt) and returns the DEK. Bytes that are not a Vault
// ciphertext are refused without a call ([ErrCiphertext]).
func (k *KMS) Unwrap(ctx context.Context, keyID string, wrapped []byte) ([]byte, error) {
	const op = "decrypt"
	key, err := parseKeyID(keyID)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	if !isCiphertext(wrapped) {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: ErrCiphertext}
	}
	s, err := k.call(ctx, op, keyID, key.address, key.decryptPath, map[string]any{
		"ciphertext": string(wrapped),
	})
	if err != nil {
		return nil, err
	}
	p, _ := s.Data["plaintext"].(string)
	dek, err := base64.StdEncoding.DecodeString(p)
	if err != nil || len(dek) == 0 {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Vault has no base64 plaintext")}
	}
	return dek, nil
}

// maxCiphertext bounds wrapped bytes sent to Vault: a wrapped DEK is a few
// hundred bytes.
const maxCiphertext = 64 << 10

// isCiphertext reports whether b looks like a transit ciphertext:
// "vault:v", then printable ASCII.
func isCiphertext(b []byte) bool {
	const p = "vault:v"
	if len(b) <= len(p) || len(b) > maxCiphertext || string(b[:len(p)]) != p {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// call writes data to path on the Vault at address with the KMS's token.
// A 403 answer is the key's refusal when the token itself is valid (its
// lookup-self works); when the token is refused, the KMS logs in again
// (with Auth) and retries once, else the error is an outage.
func (k *KMS) call(ctx context.Context, op, keyID, address, path string, data map[string]any) (*api.Secret, error) {
	c, err := k.conn(address)
	if err != nil {
		return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Err: err}
	}
	gen, err := c.ensureLogin(ctx)
	if err != nil {
		return nil, loginError(keyID, err)
	}
	for retried := false; ; retried = true {
		s, err := c.client.Logical().WriteWithContext(ctx, path, data)
		if err == nil {
			if s == nil {
				return nil, &Error{KMS: Type, Op: op, KeyID: keyID, Unavailable: true, Err: errors.New("the answer of Vault has no data")}
			}
			return s, nil
		}
		if statusOf(err) != http.StatusForbidden || rawAnswer(err) {
			return nil, callError(op, keyID, err)
		}
		_, lerr := c.client.Auth().Token().LookupSelfWithContext(ctx)
		switch {
		case lerr == nil:
			// A valid token without permission on this key's path.
			return nil, &Error{KMS: Type, Op: op, KeyID: keyID, StatusCode: http.StatusForbidden, Err: err}
		case statusOf(lerr) != http.StatusForbidden:
			return nil, &Error{KMS: Type, Op: op, KeyID: keyID, StatusCode: http.StatusForbidden, Unavailable: true,
				Err: fmt.Errorf("%w (and the token's lookup-self failed: %w)", err, lerr)}
		case c.auth == nil || retried:
			return nil, &Error{KMS: Type, Op: op, KeyID: keyID, StatusCode: http.StatusForbidden, Unavailable: true,
				Err: fmt.Errorf("the token is refused: %w", err)}
		}
		if gen, err = c.relogin(ctx, gen); err != nil {
			return nil, loginError(keyID, err)
		}
	}
}

// loginError is a failed login: always an outage (the credentials, not
// the key, are the problem).
func loginError(keyID string, err error) *Error {
	return &Error{KMS: Type, Op: "login", KeyID: keyID, StatusCode: statusOf(err), Unavailable: true, Err: err}
}

// conn returns the client of address (or of the endpoint).
func (k *KMS) conn(address string) (*conn, error) {
	if k.endpoint != "" {
		address = k.endpoint
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.conns[address]; ok {
		return c, nil
	}
	client, err := k.base.Clone()
	if err != nil {
		return nil, fmt.Errorf("%w: cloning the Vault client: %w", ErrConfig, err)
	}
	if err := client.SetAddress(address); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyID, err)
	}
	if k.token != "" {
		client.SetToken(k.token)
	}
	if k.namespace != "" {
		client.SetNamespace(k.namespace)
	}
	c := &conn{client: client, auth: k.auth, sem: make(chan struct{}, 1)}
	if len(k.conns) < maxConns {
		k.conns[address] = c
	}
	return c, nil
}

// conn is the Vault client of one address and its login state.
type conn struct {
	client *api.Client
	auth   api.AuthMethod
	sem    chan struct{} // held while logging in

	gmu sync.Mutex
	gen uint64 // logins made; 0 before the first
}

func (c *conn) generation() uint64 {
	c.gmu.Lock()
	defer c.gmu.Unlock()
	return c.gen
}

// ensureLogin logs in when there is an auth method and no login yet, and
// returns the login generation in use.
func (c *conn) ensureLogin(ctx context.Context) (uint64, error) {
	if c.auth == nil {
		return 0, nil
	}
	if g := c.generation(); g > 0 {
		return g, nil
	}
	return c.relogin(ctx, 0)
}

// relogin logs in again unless another caller did since generation seen.
// Waiting for another caller's login is bounded by ctx.
func (c *conn) relogin(ctx context.Context, seen uint64) (uint64, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-c.sem }()
	if g := c.generation(); g != seen {
		return g, nil
	}
	// Log in with a clone without a token, so that a refused token is
	// not sent along and calls in flight keep theirs until this works.
	lc, err := c.client.Clone()
	if err != nil {
		return 0, err
	}
	if err := lc.SetAddress(c.client.Address()); err != nil {
		return 0, err
	}
	lc.ClearToken()
	if ns := c.client.Namespace(); ns != "" {
		lc.SetNamespace(ns)
	}
	s, err := lc.Auth().Login(ctx, c.auth)
	if err != nil {
		return 0, err
	}
	if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
		return 0, errors.New("the login answered without a token")
	}
	c.client.SetToken(s.Auth.ClientToken)
	c.gmu.Lock()
	defer c.gmu.Unlock()
	c.gen++
	return c.gen, nil
}
