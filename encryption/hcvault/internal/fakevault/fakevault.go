// Package fakevault is a protocol-level fake of HashiCorp Vault's HTTP API
// for the tests of package hcvault and of its interop module: the transit
// engine's encrypt and decrypt, token lookup-self and AppRole login, as
// the real server answers them. It is not a Vault: keys live in memory,
// and policies are lists of allowed paths.
package fakevault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Server is a protocol-level fake of Vault's HTTP API on 127.0.0.1: the
// transit engine's encrypt and decrypt (AES-256-GCM, vault:v1:base64
// ciphertexts, any mount path), token lookup-self, and AppRole login. It
// checks X-Vault-Token against the tokens it knows and their policies, and
// X-Vault-Namespace, answering as Vault does: 403
// {"errors":["permission denied"]} for an unknown token or a path the
// token's policy lacks, 400 for bad input. Its methods are safe for
// concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	namespace string                     // required X-Vault-Namespace, "" for none
	keys      map[string]cipher.AEAD     // "<mount>/<name>" → key (version 1)
	tokens    map[string]map[string]bool // token → paths its policy allows ("*" all)
	roles     map[string]string          // AppRole role ID → secret ID
	logins    int
	requests  []Request
	fault     func(r *http.Request) (int, string)
}

// Request is what the fake saw of one request.
type Request struct {
	Method, Path, Token, Namespace string
	Body                           map[string]any
}

// New starts a fake over plain HTTP, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	f := newServer(t)
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// NewTLS starts a fake over TLS with httptest's certificate for 127.0.0.1
// (see CAFile), closed when the test ends.
func NewTLS(t testing.TB) *Server {
	t.Helper()
	f := newServer(t)
	f.srv = httptest.NewUnstartedServer(f)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

func newServer(t testing.TB) *Server {
	return &Server{t: t, keys: map[string]cipher.AEAD{}, tokens: map[string]map[string]bool{}, roles: map[string]string{}}
}

// URL is the fake's address (http://127.0.0.1:port).
func (f *Server) URL() string { return f.srv.URL }

// Close stops the fake: it is then unreachable.
func (f *Server) Close() { f.srv.Close() }

// CAFile writes the TLS fake's certificate as a PEM CA file and returns
// its path.
func (f *Server) CAFile(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// KeyID is the key ID of the transit key name under mount.
func (f *Server) KeyID(mount, name string) string {
	return f.srv.URL + "/" + mount + "/keys/" + name
}

// AddKey creates a transit key.
func (f *Server) AddKey(mount, name string) {
	k := make([]byte, 32)
	rand.Read(k)
	b, _ := aes.NewCipher(k)
	a, _ := cipher.NewGCM(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[mount+"/"+name] = a
}

// AddToken adds a token whose policy allows paths (without /v1/; "*" for
// every path).
func (f *Server) AddToken(token string, paths ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
	}
	f.tokens[token] = m
}

// Revoke forgets a token (as Vault forgets an expired one).
func (f *Server) Revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, token)
}

// AddRole adds an AppRole role ID and its secret ID; each login issues a
// new token hvs.approle-token-<n> allowed every path.
func (f *Server) AddRole(roleID, secretID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roles[roleID] = secretID
}

// SetNamespace makes ns the namespace every request must name.
func (f *Server) SetNamespace(ns string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.namespace = ns
}

// SetFault makes fault answer requests before the fake: it returns a
// status and body, or status 0 to let the fake answer. Nil removes it.
func (f *Server) SetFault(fault func(r *http.Request) (int, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// Logins is the number of AppRole logins that succeeded.
func (f *Server) Logins() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins
}

// Requests are the requests the fake saw, in order.
func (f *Server) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Encrypt is what Vault answers to transit encrypt of plaintext with the
// key: the ciphertext another client stored.
func (f *Server) Encrypt(mount, name string, plaintext []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.keys[mount+"/"+name]
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	return "vault:v1:" + base64.StdEncoding.EncodeToString(a.Seal(nonce, nonce, plaintext, nil))
}

func vaultError(w http.ResponseWriter, status int, msgs ...string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": msgs})
}

func vaultData(w http.ResponseWriter, data map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"request_id": "11111111-2222-3333-4444-555555555555", "lease_id": "", "renewable": false,
		"lease_duration": 0, "data": data, "wrap_info": nil, "warnings": nil, "auth": nil,
	})
}

// ServeHTTP answers as Vault does.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if r.Body != nil {
		json.NewDecoder(r.Body).Decode(&body)
	}
	token, ns := r.Header.Get("X-Vault-Token"), r.Header.Get("X-Vault-Namespace")
	f.mu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Token: token, Namespace: ns, Body: body})
	fault, namespace := f.fault, f.namespace
	f.mu.Unlock()
	if fault != nil {
		if status, b := fault(r); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, b)
			return
		}
	}
	if r.Header.Get("X-Vault-Request") != "true" {
		vaultError(w, http.StatusPreconditionFailed, "missing X-Vault-Request header")
		return
	}
	if ns != namespace {
		// Another namespace has no such mounts or tokens.
		vaultError(w, http.StatusForbidden, "permission denied")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	switch {
	case path == "auth/approle/login" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		f.login(w, body)
		return
	case path == "auth/token/lookup-self" && r.Method == http.MethodGet:
		f.mu.Lock()
		_, ok := f.tokens[token]
		f.mu.Unlock()
		if !ok {
			vaultError(w, http.StatusForbidden, "permission denied")
			return
		}
		vaultData(w, map[string]any{"id": "redacted", "policies": []string{"default"}, "ttl": 3600})
		return
	}
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		vaultError(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	parts := strings.Split(path, "/")
	n := len(parts)
	if n < 3 || (parts[n-2] != "encrypt" && parts[n-2] != "decrypt") {
		vaultError(w, http.StatusNotFound, "no handler for route \""+path+"\"")
		return
	}
	f.mu.Lock()
	policy, ok := f.tokens[token]
	allowed := ok && (policy["*"] || policy[path])
	a := f.keys[strings.Join(parts[:n-2], "/")+"/"+parts[n-1]]
	f.mu.Unlock()
	if !allowed {
		vaultError(w, http.StatusForbidden, "1 error occurred:\n\t* permission denied\n\n")
		return
	}
	if a == nil {
		vaultError(w, http.StatusBadRequest, "encryption key not found")
		return
	}
	if parts[n-2] == "encrypt" {
		p, _ := body["plaintext"].(string)
		pt, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			vaultError(w, http.StatusBadRequest, "failed to base64-decode plaintext")
			return
		}
		nonce := make([]byte, a.NonceSize())
		rand.Read(nonce)
		vaultData(w, map[string]any{"ciphertext": "vault:v1:" + base64.StdEncoding.EncodeToString(a.Seal(nonce, nonce, pt, nil)), "key_version": 1})
		return
	}
	c, _ := body["ciphertext"].(string)
	rest, ok := strings.CutPrefix(c, "vault:v")
	ver, b64, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		vaultError(w, http.StatusBadRequest, "invalid ciphertext: no prefix")
		return
	}
	if v, err := strconv.Atoi(ver); err != nil || v != 1 {
		vaultError(w, http.StatusBadRequest, "invalid ciphertext: wrong version")
		return
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) < a.NonceSize() {
		vaultError(w, http.StatusBadRequest, "invalid ciphertext: could not decode")
		return
	}
	pt, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], nil)
	if err != nil {
		vaultError(w, http.StatusBadRequest, "cipher: message authentication failed")
		return
	}
	vaultData(w, map[string]any{"plaintext": base64.StdEncoding.EncodeToString(pt)})
}

// login is AppRole login: a new token allowed every path.
func (f *Server) login(w http.ResponseWriter, body map[string]any) {
	role, _ := body["role_id"].(string)
	secret, _ := body["secret_id"].(string)
	f.mu.Lock()
	defer f.mu.Unlock()
	if want, ok := f.roles[role]; !ok || want != secret || secret == "" {
		vaultError(w, http.StatusBadRequest, "invalid role or secret ID")
		return
	}
	f.logins++
	token := fmt.Sprintf("hvs.approle-token-%d", f.logins)
	f.tokens[token] = map[string]bool{"*": true}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"request_id": "11111111-2222-3333-4444-555555555555", "data": nil, "warnings": nil,
		"auth": map[string]any{"client_token": token, "accessor": "acc", "policies": []string{"default", "kek"},
			"token_policies": []string{"default", "kek"}, "lease_duration": 3600, "renewable": true},
	})
}
