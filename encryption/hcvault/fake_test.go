package hcvault_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeVault is a protocol-level fake of Vault's HTTP API on 127.0.0.1: the
// transit engine's encrypt and decrypt (AES-256-GCM, vault:v<N>:base64
// ciphertexts, any mount path), token lookup-self, and AppRole login. It
// checks X-Vault-Token against the tokens it knows and their policies, and
// X-Vault-Namespace when it has one, answering as Vault does: 403
// {"errors":["permission denied"]} for an unknown token or a path the
// token's policy lacks, 400 for bad input.
type fakeVault struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	namespace string                     // required X-Vault-Namespace, "" for none
	keys      map[string]cipher.AEAD     // "<mount>/<name>" → key (version 1)
	tokens    map[string]map[string]bool // token → paths its policy allows ("*" all)
	roles     map[string]string          // AppRole role ID → secret ID
	logins    int
	requests  []fakeRequest
	// fault, when set, answers a request instead of the fake (status and
	// body); it returns status 0 to let the fake answer.
	fault func(r *http.Request) (int, string)
}

// fakeRequest is what the fake saw of one request.
type fakeRequest struct {
	Method, Path, Token, Namespace string
	Body                           map[string]any
}

func newFakeVault(t *testing.T) *fakeVault {
	t.Helper()
	f := &fakeVault{t: t, keys: map[string]cipher.AEAD{}, tokens: map[string]map[string]bool{}, roles: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// keyID is the key ID of the transit key name under mount.
func (f *fakeVault) keyID(mount, name string) string {
	return f.srv.URL + "/" + mount + "/keys/" + name
}

// addKey creates a transit key.
func (f *fakeVault) addKey(mount, name string) {
	k := make([]byte, 32)
	rand.Read(k)
	b, _ := aes.NewCipher(k)
	a, _ := cipher.NewGCM(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[mount+"/"+name] = a
}

// addToken adds a token whose policy allows paths (without /v1/).
func (f *fakeVault) addToken(token string, paths ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
	}
	f.tokens[token] = m
}

func (f *fakeVault) revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, token)
}

func (f *fakeVault) seen() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

// encrypt is what Vault answers to transit encrypt of plaintext with the
// key: the ciphertext another client stored.
func (f *fakeVault) encrypt(mount, name string, plaintext []byte) string {
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

func (f *fakeVault) serve(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if r.Body != nil {
		json.NewDecoder(r.Body).Decode(&body)
	}
	token, ns := r.Header.Get("X-Vault-Token"), r.Header.Get("X-Vault-Namespace")
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{Method: r.Method, Path: r.URL.Path, Token: token, Namespace: ns, Body: body})
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
func (f *fakeVault) login(w http.ResponseWriter, body map[string]any) {
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
