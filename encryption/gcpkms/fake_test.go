package gcpkms

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGCP is Google's OAuth token endpoint (the JWT-bearer grant of
// service accounts) and Cloud KMS's REST API (POST
// /v1/{name}:encrypt and :decrypt) on 127.0.0.1. The token endpoint
// verifies the service account's signed JWT with its public key and issues
// access tokens; Cloud KMS accepts only those, as bearer tokens, and checks
// the account's permission on the key, the request's checksums, and
// answers with checksums of its own.
type fakeGCP struct {
	srv *httptest.Server

	mu       sync.Mutex
	accounts map[string]fakeAccount // client email → its key
	tokens   map[string]string      // access token → client email
	keys     map[string]*fakeKey    // CryptoKey name → key
	faults   []fakeFault
	corrupt  bool   // answers with a checksum that does not match
	answerAs string // Encrypt answers naming this key version (a KMS that misbehaves)
	requests []fakeRequest
	next     int
}

type fakeAccount struct {
	keyID string
	pub   *rsa.PublicKey
}

type fakeKey struct {
	name     string
	aead     cipher.AEAD
	allowed  map[string]bool // client emails that may use the key
	disabled bool
}

type fakeFault struct {
	status int
	code   string
}

// fakeRequest is one request as the fake understood it.
type fakeRequest struct {
	Op            string // "token", "encrypt", "decrypt"
	Path          string
	Email         string // the account of the bearer token, or of the JWT
	Token         string
	Name          string
	RequestParams string // x-goog-request-params
	HasAAD        bool
	PlaintextCRC  bool
	CiphertextCRC bool
	Scope, Aud    string // the JWT's claims (token requests)
}

func newFakeGCP(t *testing.T) *fakeGCP {
	t.Helper()
	f := &fakeGCP{accounts: map[string]fakeAccount{}, tokens: map[string]string{}, keys: map[string]*fakeKey{}}
	// Plain HTTP: the client library's transports (the token fetch and the
	// KMS calls) trust the system's roots only; WithHTTPClient would
	// replace its authenticating transport.
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGCP) tokenURL() string { return f.srv.URL + "/token" }

// addAccount makes a service account known; its key file's fields are
// returned.
func (f *fakeGCP) addAccount(email string) serviceAccountKey {
	priv := testRSAKeys()[0]
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := fmt.Sprintf("key-id-%d", f.next)
	f.accounts[email] = fakeAccount{keyID: id, pub: &priv.PublicKey}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	return serviceAccountKey{
		ClientID: fmt.Sprintf("1000%d", f.next), ClientEmail: email, PrivateKeyID: id,
		PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
}

// serviceAccountKey is what a service account's JSON key file holds.
type serviceAccountKey struct{ ClientID, ClientEmail, PrivateKeyID, PrivateKey string }

// addKey creates a CryptoKey that the accounts given may use.
func (f *fakeGCP) addKey(location, ring, key string, allowed ...string) string {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	b, _ := aes.NewCipher(k)
	g, _ := cipher.NewGCM(b)
	name := "projects/srkit-test/locations/" + location + "/keyRings/" + ring + "/cryptoKeys/" + key
	f.mu.Lock()
	defer f.mu.Unlock()
	fk := &fakeKey{name: name, aead: g, allowed: map[string]bool{}}
	for _, a := range allowed {
		fk.allowed[a] = true
	}
	f.keys[name] = fk
	return name
}

func (f *fakeGCP) fail(status int, code string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.faults = append(f.faults, fakeFault{status, code})
	}
}

func (f *fakeGCP) set(fn func(f *fakeGCP)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeGCP) log() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeGCP) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/token" {
		f.token(w, r, body)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	name, op, ok2 := strings.Cut(path, ":")
	req := fakeRequest{Op: op, Path: r.URL.Path, Name: name, RequestParams: r.Header.Get("X-Goog-Request-Params")}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	req.Token, req.Email = tok, f.tokens[tok]
	var in struct {
		Name                        string
		Plaintext, Ciphertext       []byte
		PlaintextCrc32c             *string
		CiphertextCrc32c            *string
		AdditionalAuthenticatedData []byte
	}
	jerr := json.Unmarshal(body, &in)
	req.HasAAD, req.PlaintextCRC, req.CiphertextCRC = len(in.AdditionalAuthenticatedData) > 0, in.PlaintextCrc32c != nil, in.CiphertextCrc32c != nil
	f.requests = append(f.requests, req)
	switch {
	case !ok || !ok2 || (op != "encrypt" && op != "decrypt"):
		f.answerError(w, 404, "NOT_FOUND", "no such method")
		return
	case req.Email == "":
		f.answerError(w, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	case jerr != nil || in.Name != name:
		f.answerError(w, 400, "INVALID_ARGUMENT", "invalid JSON payload")
		return
	}
	if len(f.faults) > 0 {
		ft := f.faults[0]
		f.faults = f.faults[1:]
		f.answerError(w, ft.status, ft.code, "injected fault")
		return
	}
	k := f.keys[name]
	perm := "cloudkms.cryptoKeyVersions.useToEncrypt"
	if op == "decrypt" {
		perm = "cloudkms.cryptoKeyVersions.useToDecrypt"
	}
	if k == nil || !k.allowed[req.Email] {
		f.answerError(w, 403, "PERMISSION_DENIED", fmt.Sprintf("Permission '%s' denied on resource '%s' (or it may not exist).", perm, name))
		return
	}
	if k.disabled {
		f.answerError(w, 400, "FAILED_PRECONDITION", name+"/cryptoKeyVersions/1 is not enabled, current state is: DISABLED.")
		return
	}
	crc := func(b []byte) string {
		c := checksum(b)
		if f.corrupt {
			c++
		}
		return strconv.FormatInt(c, 10)
	}
	if op == "encrypt" {
		if in.PlaintextCrc32c != nil && *in.PlaintextCrc32c != strconv.FormatInt(checksum(in.Plaintext), 10) {
			f.answerError(w, 400, "INVALID_ARGUMENT", "The checksum in field plaintext_crc32c did not match the data in field plaintext.")
			return
		}
		nonce := make([]byte, k.aead.NonceSize())
		_, _ = rand.Read(nonce)
		ct := binary.BigEndian.AppendUint32(nil, 1) // the key version
		ct = append(ct, nonce...)
		ct = k.aead.Seal(ct, nonce, in.Plaintext, append([]byte(name), in.AdditionalAuthenticatedData...))
		answerName := name + "/cryptoKeyVersions/1"
		if f.answerAs != "" {
			answerName = f.answerAs
		}
		f.answer(w, map[string]any{
			"name": answerName, "ciphertext": ct, "ciphertextCrc32c": crc(ct),
			"verifiedPlaintextCrc32c": in.PlaintextCrc32c != nil, "protectionLevel": 1,
		})
		return
	}
	if in.CiphertextCrc32c != nil && *in.CiphertextCrc32c != strconv.FormatInt(checksum(in.Ciphertext), 10) {
		f.answerError(w, 400, "INVALID_ARGUMENT", "The checksum in field ciphertext_crc32c did not match the data in field ciphertext.")
		return
	}
	ct := in.Ciphertext
	var pt []byte
	err = fmt.Errorf("short")
	if len(ct) >= 4+k.aead.NonceSize() {
		pt, err = k.aead.Open(nil, ct[4:4+k.aead.NonceSize()], ct[4+k.aead.NonceSize():], append([]byte(name), in.AdditionalAuthenticatedData...))
	}
	if err != nil {
		f.answerError(w, 400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid.")
		return
	}
	f.answer(w, map[string]any{"plaintext": pt, "plaintextCrc32c": crc(pt), "usedPrimary": true, "protectionLevel": 1})
}

// token is the JWT-bearer grant (RFC 7523) as Google's OAuth endpoint
// serves it to service accounts.
func (f *fakeGCP) token(w http.ResponseWriter, r *http.Request, body []byte) {
	form, _ := url.ParseQuery(string(body))
	req := fakeRequest{Op: "token", Path: r.URL.Path}
	defer func() { f.requests = append(f.requests, req) }()
	oauthError := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthError("unsupported_grant_type", "Invalid grant_type")
		return
	}
	parts := strings.Split(form.Get("assertion"), ".")
	if len(parts) != 3 {
		oauthError("invalid_grant", "Invalid JWT")
		return
	}
	var hdr struct{ Alg, Kid, Typ string }
	var claims struct {
		Iss, Scope, Aud, Sub string
		Exp, Iat             int64
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(cb, &claims) != nil {
		oauthError("invalid_grant", "Invalid JWT")
		return
	}
	req.Email, req.Scope, req.Aud = claims.Iss, claims.Scope, claims.Aud
	acct, ok := f.accounts[claims.Iss]
	if !ok || hdr.Alg != "RS256" || hdr.Kid != acct.keyID {
		oauthError("invalid_grant", "Invalid JWT Signature.")
		return
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(acct.pub, crypto.SHA256, h[:], sig) != nil {
		oauthError("invalid_grant", "Invalid JWT Signature.")
		return
	}
	now := time.Now().Unix()
	if claims.Aud != f.tokenURL() || claims.Exp < now || claims.Iat > now+300 || claims.Exp-claims.Iat > 3600 {
		oauthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
		return
	}
	if !strings.Contains(claims.Scope, "https://www.googleapis.com/auth/cloud-platform") && !strings.Contains(claims.Scope, "https://www.googleapis.com/auth/cloudkms") {
		oauthError("invalid_scope", "Invalid OAuth scope")
		return
	}
	f.next++
	tok := fmt.Sprintf("ya29.fake-access-token-%d", f.next)
	f.tokens[tok] = claims.Iss
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer"})
}

func (f *fakeGCP) answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGCP) answerError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": status, "message": msg, "status": code}})
}

// otherPrivateKey is the PEM of a key no account has.
func otherPrivateKey() string {
	der, _ := x509.MarshalPKCS8PrivateKey(testRSAKeys()[1])
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// testRSAKeys are the RSA keys of the tests: the first for every account
// (generating one per account would cost seconds under the race
// detector), the second for none.
var testRSAKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var ks [2]*rsa.PrivateKey
	for i := range ks {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks[i] = k
	}
	return ks
})
