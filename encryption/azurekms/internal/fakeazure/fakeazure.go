// Package fakeazure is a protocol-level fake of Microsoft Entra ID and
// Azure Key Vault for the tests of package azurekms and of its interop
// module, answering as the services do. It is not Azure: keys live in
// memory, and permissions are lists of operations per application.
package fakeazure

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Server is a protocol-level fake of Microsoft Entra ID and Azure Key
// Vault over TLS on 127.0.0.1. Every host name reaches it (through
// [Server.Transport], or through the CONNECT proxy of [Server.Proxy]):
// login.srkit.test and login.microsoftonline.com are Entra ID (OpenID
// configuration, instance discovery, the client-credentials token
// endpoint), <vault>.vault.azure.net are vaults, and 127.0.0.1 is the
// vault "endpoint".
//
// Key Vault answers as the service does: a request without a bearer token
// gets 401 with the WWW-Authenticate challenge (authorization = the
// tenant's authority at login.srkit.test, resource =
// https://vault.azure.net), a token it did not issue gets 401, an
// application without the operation's permission 403 Forbidden, an
// unknown key 404 KeyNotFound, bytes that do not decrypt 400 BadParameter.
// encrypt/decrypt and wrapkey/unwrapkey are RSA-OAEP-256 with the key's
// version (the current one for a versionless path), with base64url
// values, and require api-version. Its methods are safe for concurrent
// use.
type Server struct {
	t      testing.TB
	srv    *httptest.Server
	tenant string

	mu         sync.Mutex
	apps       map[string]string          // client ID → client secret
	perms      map[string]map[string]bool // client ID → operations allowed (nil: all)
	tokens     map[string]string          // access token → client ID
	vaults     map[string]map[string][]key
	issued     int
	requests   []Request
	tokenForms []url.Values
	fault      func(r *http.Request) (int, string)
}

type key struct {
	version string
	priv    *rsa.PrivateKey
}

// Request is what the fake saw of one Key Vault request.
type Request struct {
	Method, Host, Path, APIVersion, Auth string
	Alg                                  string
	Value                                []byte
}

// rsaKeys are generated once per process (2048-bit keys take a while
// under the race detector); AddKey takes one of them.
var rsaKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	var ks []*rsa.PrivateKey
	for range 3 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks = append(ks, k)
	}
	return ks
})

// Tenant is the fake's Microsoft Entra ID tenant.
const Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

// New starts a fake, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	f := &Server{t: t, tenant: Tenant, apps: map[string]string{}, perms: map[string]map[string]bool{},
		tokens: map[string]string{}, vaults: map[string]map[string][]key{}}
	f.srv = newTLSServer(t, f)
	return f
}

// URL is the fake's address as the vault "endpoint" (https://127.0.0.1:port).
func (f *Server) URL() string { return f.srv.URL }

// Close stops the fake: it is then unreachable.
func (f *Server) Close() { f.srv.Close() }

// AddKey adds a version of key name in vault (the vault's DNS label), an
// RSA-2048 key (keyIndex 0, 1 or 2 of the process's keys), and returns its
// version; the last added is the current one.
func (f *Server) AddKey(vault, name string, keyIndex int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.vaults[vault] == nil {
		f.vaults[vault] = map[string][]key{}
	}
	v := make([]byte, 16)
	rand.Read(v)
	version := hex.EncodeToString(v)
	f.vaults[vault][name] = append(f.vaults[vault][name], key{version: version, priv: rsaKeys()[keyIndex]})
	return version
}

// AddApp adds a Microsoft Entra ID application allowed ops on every key
// ("encrypt", "decrypt", "wrapkey", "unwrapkey"; none given: all).
func (f *Server) AddApp(clientID, secret string, ops ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apps[clientID] = secret
	if len(ops) > 0 {
		m := map[string]bool{}
		for _, o := range ops {
			m[o] = true
		}
		f.perms[clientID] = m
	}
}

// SetFault makes fault answer requests before the fake: it returns a
// status and body, or status 0 to let the fake answer. Nil removes it.
func (f *Server) SetFault(fault func(r *http.Request) (int, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// Requests are the Key Vault requests the fake saw, in order.
func (f *Server) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// TokenForms are the token requests' forms, in order.
func (f *Server) TokenForms() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.tokenForms...)
}

// Encrypt is what Key Vault answers to encrypt with a key version: the
// bytes another client stored.
func (f *Server) Encrypt(vault, name, version string, plaintext []byte) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.vaults[vault][name] {
		if k.version == version {
			out, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &k.priv.PublicKey, plaintext, nil)
			if err != nil {
				f.t.Fatal(err)
			}
			return out
		}
	}
	f.t.Fatalf("no key %s/%s/%s", vault, name, version)
	return nil
}

// ServeHTTP answers as Entra ID and Key Vault do.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	f.mu.Lock()
	fault := f.fault
	f.mu.Unlock()
	if fault != nil {
		if status, body := fault(r); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
	}
	switch {
	case host == "login.srkit.test" || host == "login.microsoftonline.com":
		f.serveEntra(w, r, host)
	case strings.HasSuffix(host, ".vault.azure.net"):
		f.serveVault(w, r, strings.TrimSuffix(host, ".vault.azure.net"))
	case host == "127.0.0.1":
		f.serveVault(w, r, "endpoint")
	default:
		http.Error(w, "unknown host "+host, http.StatusBadGateway)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serveEntra is Microsoft Entra ID's OpenID configuration, instance
// discovery and client-credentials token endpoint.
func (f *Server) serveEntra(w http.ResponseWriter, r *http.Request, host string) {
	base := "https://" + host + "/" + f.tenant
	switch r.URL.Path {
	case "/common/discovery/instance":
		writeJSON(w, 200, map[string]any{
			"tenant_discovery_endpoint": base + "/v2.0/.well-known/openid-configuration", "api-version": "1.1",
			"metadata": []any{map[string]any{"preferred_network": host, "preferred_cache": host, "aliases": []string{host}}},
		})
	case "/" + f.tenant + "/v2.0/.well-known/openid-configuration":
		writeJSON(w, 200, map[string]any{
			"token_endpoint": base + "/oauth2/v2.0/token", "authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"issuer": base + "/v2.0", "token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
		})
	case "/" + f.tenant + "/oauth2/v2.0/token":
		if r.Method != http.MethodPost || r.ParseForm() != nil {
			writeJSON(w, 400, map[string]any{"error": "invalid_request"})
			return
		}
		form := r.PostForm
		f.mu.Lock()
		defer f.mu.Unlock()
		f.tokenForms = append(f.tokenForms, form)
		id := form.Get("client_id")
		if want, ok := f.apps[id]; !ok || want != form.Get("client_secret") || form.Get("grant_type") != "client_credentials" {
			writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_codes": []int{7000215},
				"error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."})
			return
		}
		if !strings.Contains(" "+form.Get("scope")+" ", " https://vault.azure.net/.default ") {
			writeJSON(w, 400, map[string]any{"error": "invalid_scope", "error_description": "AADSTS70011: The provided value for the input parameter 'scope' is not valid."})
			return
		}
		f.issued++
		token := fmt.Sprintf("eyJ0eXAiOiJKV1QifQ.fake-access-token-%d", f.issued)
		f.tokens[token] = id
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})
	default:
		writeJSON(w, 404, map[string]any{"error": "not_found"})
	}
}

func kvError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

// serveVault is Key Vault's key operations.
func (f *Server) serveVault(w http.ResponseWriter, r *http.Request, vault string) {
	var body struct {
		Alg   string `json:"alg"`
		Value string `json:"value"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	value, valueErr := base64.RawURLEncoding.DecodeString(body.Value)
	req := Request{Method: r.Method, Host: r.Host, Path: r.URL.Path, APIVersion: r.URL.Query().Get("api-version"),
		Auth: r.Header.Get("Authorization"), Alg: body.Alg, Value: value}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()

	token, hasBearer := strings.CutPrefix(req.Auth, "Bearer ")
	challenge := fmt.Sprintf(`Bearer authorization="https://login.srkit.test/%s", resource="https://vault.azure.net"`, f.tenant)
	if !hasBearer {
		w.Header().Set("WWW-Authenticate", challenge)
		kvError(w, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.")
		return
	}
	f.mu.Lock()
	app, known := f.tokens[token]
	perms := f.perms[app]
	f.mu.Unlock()
	if !known {
		w.Header().Set("WWW-Authenticate", challenge)
		kvError(w, 401, "Unauthorized", "AKV10032: Invalid issuer.")
		return
	}
	if req.APIVersion == "" {
		kvError(w, 400, "BadParameter", "The 'api-version' query parameter is missing.")
		return
	}
	// /keys/{name}/{version}/{op}, /keys/{name}//{op} or /keys/{name}/{op}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) < 3 || len(parts) > 4 || parts[0] != "keys" || r.Method != http.MethodPost {
		kvError(w, 400, "BadParameter", "Method or path not supported.")
		return
	}
	name, op, version := parts[1], parts[len(parts)-1], ""
	if len(parts) == 4 {
		version = parts[2]
	}
	if perms != nil && !perms[op] {
		writeJSON(w, 403, map[string]any{"error": map[string]any{"code": "Forbidden",
			"message":    fmt.Sprintf("The user, group or application 'appid=%s' does not have keys %s permission on key vault '%s'.", app, op, vault),
			"innererror": map[string]any{"code": "ForbiddenByPolicy"}}})
		return
	}
	f.mu.Lock()
	versions := f.vaults[vault][name]
	f.mu.Unlock()
	var k *key
	for i := range versions {
		if versions[i].version == version || (version == "" && i == len(versions)-1) {
			k = &versions[i]
		}
	}
	if k == nil {
		kvError(w, 404, "KeyNotFound", fmt.Sprintf("A key with (name/id) %s was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command.", name))
		return
	}
	if body.Alg != "RSA-OAEP-256" || valueErr != nil {
		kvError(w, 400, "BadParameter", "Invalid parameter.")
		return
	}
	var out []byte
	var err error
	switch op {
	case "encrypt", "wrapkey":
		out, err = rsa.EncryptOAEP(sha256.New(), rand.Reader, &k.priv.PublicKey, value, nil)
	case "decrypt", "unwrapkey":
		out, err = rsa.DecryptOAEP(sha256.New(), nil, k.priv, value, nil)
	default:
		kvError(w, 400, "BadParameter", "Unknown operation.")
		return
	}
	if err != nil {
		kvError(w, 400, "BadParameter", "The parameter is incorrect.")
		return
	}
	kid := "https://" + vault + ".vault.azure.net/keys/" + name + "/" + k.version
	writeJSON(w, 200, map[string]any{"kid": kid, "value": base64.RawURLEncoding.EncodeToString(out)})
}
