// Package fakeaws is a protocol-level fake of AWS KMS and STS for the tests
// of package awskms and of its interop module: it speaks the real wire API
// on 127.0.0.1 and verifies every request's SigV4 signature.
package fakeaws

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is AWS KMS (JSON 1.1, X-Amz-Target TrentService.Encrypt and
// TrentService.Decrypt) and STS (Query protocol, AssumeRole) on 127.0.0.1.
// It verifies every request's SigV4 signature against the credentials it
// knows, as AWS does, and keeps what each request said so that tests can
// assert the wire.
type Server struct {
	// Srv is the HTTPS server (its URL is the endpoint).
	Srv *httptest.Server

	mu       sync.Mutex
	creds    map[string]fakeCred // access key ID → its secret and session token
	keys     map[string]*fakeKey // key ARN → key
	aliases  map[string]string   // alias ARN → key ARN
	roles    map[string]string   // role ARN → the external ID it requires ("" none)
	faults   []fakeFault         // answered, in order, before any real work
	requests []Request           // every request, in order
	issued   map[string]string   // temporary access key ID → the session name it was issued for
	sloppy   bool                // Decrypt ignores KeyId (a KMS that misbehaves)
	next     int
}

type fakeCred struct{ secret, token string }

type fakeKey struct {
	arn, region string
	aead        cipher.AEAD
	denied      map[string]bool // access key IDs refused with AccessDeniedException
	disabled    bool
}

type fakeFault struct {
	status int
	code   string
}

// Request is one request as the fake understood it.
type Request struct {
	Op           string // "Encrypt", "Decrypt", "AssumeRole"
	AccessKeyID  string
	Region       string
	Service      string
	Token        string
	KeyID        string
	HasContext   bool
	Algorithm    string
	RoleARN      string
	Session      string
	ExternalID   string
	SignedHeader []string
}

// New starts a server that t closes.
func New(t testing.TB) *Server {
	t.Helper()
	f := &Server{
		creds: map[string]fakeCred{}, keys: map[string]*fakeKey{}, aliases: map[string]string{},
		roles: map[string]string{}, issued: map[string]string{},
	}
	f.Srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Srv.Close)
	return f
}

// AddCreds makes an access key known.
func (f *Server) AddCreds(akid, secret string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creds[akid] = fakeCred{secret: secret}
}

// AddKey creates a symmetric key; its ARN is returned.
func (f *Server) AddKey(region, id string) string {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	b, _ := aes.NewCipher(k)
	g, _ := cipher.NewGCM(b)
	a := "arn:aws:kms:" + region + ":111122223333:key/" + id
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[a] = &fakeKey{arn: a, region: region, aead: g, denied: map[string]bool{}}
	return a
}

// AddAlias points an alias at a key; the alias ARN is returned.
func (f *Server) AddAlias(keyARN, name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := f.keys[keyARN]
	a := "arn:aws:kms:" + k.region + ":111122223333:alias/" + name
	f.aliases[a] = keyARN
	return a
}

// Deny makes the key refuse the access key ID (AccessDeniedException).
func (f *Server) Deny(keyARN, akid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[keyARN].denied[akid] = true
}

// AddRole makes a role assumable, with the external ID it requires ("" none).
func (f *Server) AddRole(roleARN, externalID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roles[roleARN] = externalID
}

// Fail makes the next requests answer status and code, one fault each.
func (f *Server) Fail(status int, code string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.faults = append(f.faults, fakeFault{status, code})
	}
}

// Log returns every request so far, in order.
func (f *Server) Log() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// SetSloppy makes Decrypt ignore the KeyId it is given (a KMS that
// misbehaves), to test the client's own check.
func (f *Server) SetSloppy(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sloppy = on
}

// Disable disables a key (DisabledException).
func (f *Server) Disable(keyARN string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[keyARN].disabled = true
}

// Token returns the session token issued with a temporary access key ID.
func (f *Server) Token(akid string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.creds[akid].token
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	target := r.Header.Get("X-Amz-Target")
	var form url.Values
	if target == "" {
		form, _ = url.ParseQuery(string(body))
	}
	query := target == ""
	sig, err := verifySigV4(r, body, time.Now(), func(akid string) (string, bool) {
		c, ok := f.creds[akid]
		return c.secret, ok
	})
	req := Request{Op: strings.TrimPrefix(target, "TrentService."), Token: r.Header.Get("X-Amz-Security-Token")}
	if query {
		req.Op = form.Get("Action")
	}
	if sig != nil {
		req.AccessKeyID, req.Region, req.Service, req.SignedHeader = sig.accessKeyID, sig.region, sig.service, sig.signedHeaders
	}
	if err != nil {
		f.requests = append(f.requests, req)
		se := err.(*sigv4Error)
		f.answerError(w, query, 400, se.code, se.msg)
		return
	}
	if want := f.creds[sig.accessKeyID].token; want != req.Token {
		f.requests = append(f.requests, req)
		f.answerError(w, query, 400, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	if query {
		f.assumeRole(w, form, sig, req)
		return
	}
	if sig.service != "kms" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		f.requests = append(f.requests, req)
		f.answerError(w, false, 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'.")
		return
	}
	var in struct {
		KeyId               string
		Plaintext           []byte
		CiphertextBlob      []byte
		EncryptionContext   map[string]string
		EncryptionAlgorithm string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		f.requests = append(f.requests, req)
		f.answerError(w, false, 400, "SerializationException", "cannot parse the request")
		return
	}
	req.KeyID, req.HasContext, req.Algorithm = in.KeyId, in.EncryptionContext != nil, in.EncryptionAlgorithm
	f.requests = append(f.requests, req)
	if len(f.faults) > 0 {
		ft := f.faults[0]
		f.faults = f.faults[1:]
		f.answerError(w, false, ft.status, ft.code, "injected fault")
		return
	}
	switch target {
	case "TrentService.Encrypt":
		k, code, msg := f.key(in.KeyId, sig)
		if k == nil {
			f.answerError(w, false, 400, code, msg)
			return
		}
		nonce := make([]byte, k.aead.NonceSize())
		_, _ = rand.Read(nonce)
		blob := binary.BigEndian.AppendUint16(nil, uint16(len(k.arn)))
		blob = append(blob, k.arn...)
		blob = append(blob, nonce...)
		blob = k.aead.Seal(blob, nonce, in.Plaintext, contextAAD(in.EncryptionContext))
		f.answer(w, map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case "TrentService.Decrypt":
		b := in.CiphertextBlob
		if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
			f.answerError(w, false, 400, "InvalidCiphertextException", "")
			return
		}
		n := int(binary.BigEndian.Uint16(b))
		blobKey, rest := string(b[2:2+n]), b[2+n:]
		k, code, msg := f.key(blobKey, sig)
		if k == nil {
			f.answerError(w, false, 400, code, msg)
			return
		}
		if in.KeyId != "" && !f.sloppy {
			asked, code, msg := f.key(in.KeyId, sig)
			if asked == nil {
				f.answerError(w, false, 400, code, msg)
				return
			}
			if asked != k {
				f.answerError(w, false, 400, "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
				return
			}
		}
		if len(rest) < k.aead.NonceSize() {
			f.answerError(w, false, 400, "InvalidCiphertextException", "")
			return
		}
		pt, err := k.aead.Open(nil, rest[:k.aead.NonceSize()], rest[k.aead.NonceSize():], contextAAD(in.EncryptionContext))
		if err != nil {
			f.answerError(w, false, 400, "InvalidCiphertextException", "")
			return
		}
		f.answer(w, map[string]any{"Plaintext": pt, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	default:
		f.answerError(w, false, 400, "UnknownOperationException", "")
	}
}

// key resolves a key ID in the signing region and checks the caller may
// use it.
func (f *Server) key(id string, sig *sigv4) (*fakeKey, string, string) {
	keyARN := id
	if a, ok := f.aliases[id]; ok {
		keyARN = a
	} else if !strings.HasPrefix(id, "arn:") {
		keyARN = "arn:aws:kms:" + sig.region + ":111122223333:" + id
		if strings.HasPrefix(id, "alias/") {
			keyARN = f.aliases[keyARN]
		} else if !strings.HasPrefix(id, "key/") {
			keyARN = "arn:aws:kms:" + sig.region + ":111122223333:key/" + id
		}
	}
	k := f.keys[keyARN]
	if k == nil || k.region != sig.region {
		return nil, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", id)
	}
	if k.denied[sig.accessKeyID] {
		return nil, "AccessDeniedException", "User is not authorized to perform kms:Encrypt or kms:Decrypt on this resource"
	}
	if k.disabled {
		return nil, "DisabledException", keyARN + " is disabled."
	}
	return k, "", ""
}

// contextAAD is an encryption context as associated data: bound to the
// ciphertext, as AWS binds it.
func contextAAD(c map[string]string) []byte {
	var b []byte
	for _, k := range slices.Sorted(maps.Keys(c)) {
		b = append(b, k...)
		b = append(b, 0)
		b = append(b, c[k]...)
		b = append(b, 0)
	}
	return b
}

func (f *Server) assumeRole(w http.ResponseWriter, form url.Values, sig *sigv4, req Request) {
	req.RoleARN, req.Session, req.ExternalID = form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("ExternalId")
	f.requests = append(f.requests, req)
	if req.Op != "AssumeRole" || form.Get("Version") != "2011-06-15" || sig.service != "sts" {
		f.answerError(w, true, 400, "InvalidAction", "not AssumeRole")
		return
	}
	ext, ok := f.roles[req.RoleARN]
	if !ok || ext != req.ExternalID {
		f.answerError(w, true, 403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: "+req.RoleARN)
		return
	}
	f.next++
	akid := fmt.Sprintf("ASIAFAKE%08d", f.next)
	c := fakeCred{secret: fmt.Sprintf("temporary-secret-%d", f.next), token: fmt.Sprintf("session-token-%d", f.next)}
	f.creds[akid] = c
	f.issued[akid] = req.Session
	type xcreds struct {
		AccessKeyId, SecretAccessKey, SessionToken, Expiration string
	}
	var out struct {
		XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
		Result  struct {
			Credentials     xcreds
			AssumedRoleUser struct{ Arn, AssumedRoleId string }
		} `xml:"AssumeRoleResult"`
		Meta struct{ RequestId string } `xml:"ResponseMetadata"`
	}
	out.Result.Credentials = xcreds{akid, c.secret, c.token, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
	out.Result.AssumedRoleUser.Arn = "arn:aws:sts::111122223333:assumed-role/r/" + req.Session
	out.Result.AssumedRoleUser.AssumedRoleId = "AROAFAKE:" + req.Session
	out.Meta.RequestId = "req-sts"
	w.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(w).Encode(out)
}

func (f *Server) answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "req-kms")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Server) answerError(w http.ResponseWriter, query bool, status int, code, msg string) {
	if query {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-sts</RequestId></ErrorResponse>`, code, msg)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "req-kms")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.kms#" + code, "message": msg})
}
