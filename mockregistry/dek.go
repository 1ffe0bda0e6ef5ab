package mockregistry

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/srkit-go/srkit/registry"
)

// The DEK Registry (/dek-registry/v1), after Confluent's DekRegistryResource.
//
// A KEK names a key in a KMS; a DEK is a data key wrapped by a KEK, kept per
// (KEK, subject, algorithm, version). The mock has no KMS: for a shared KEK
// it cannot wrap or unwrap keys, so a DEK created without key material gets
// random "keyMaterial" (a serialized Tink AesGcmKey or AesSivKey for its
// algorithm, base64) and an empty "encryptedKeyMaterial", and every read of
// that DEK answers the same keyMaterial. DEKs created with
// encryptedKeyMaterial keep it and have no keyMaterial.

// minDekVersion is a DEK's first version: the one GET .../deks/{subject}
// answers and a create without a version makes.
const minDekVersion = 1

// The DEK algorithms (DekFormat).
const (
	dekAES128GCM = "AES128_GCM"
	dekAES256GCM = "AES256_GCM"
	dekAES256SIV = "AES256_SIV"
)

// kekJSON is the Kek entity.
type kekJSON struct {
	Name     string            `json:"name"`
	KmsType  string            `json:"kmsType"`
	KmsKeyID string            `json:"kmsKeyId"`
	KmsProps map[string]string `json:"kmsProps,omitempty"`
	Doc      string            `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	Ts       int64             `json:"ts"`
	Deleted  bool              `json:"deleted"`
}

// dekJSON is the Dek entity.
type dekJSON struct {
	KekName              string `json:"kekName"`
	Subject              string `json:"subject"`
	Version              int    `json:"version"`
	Algorithm            string `json:"algorithm"`
	EncryptedKeyMaterial string `json:"encryptedKeyMaterial,omitempty"`
	KeyMaterial          string `json:"keyMaterial,omitempty"`
	Ts                   int64  `json:"ts"`
	Deleted              bool   `json:"deleted"`
}

type dekID struct {
	kek, subject, algorithm string
	version                 int
}

// dekStore is the DEK Registry state; Registry.dekMu guards it.
type dekStore struct {
	keks map[string]*kekJSON
	deks map[dekID]*dekJSON
}

func newDekStore() *dekStore {
	return &dekStore{keks: map[string]*kekJSON{}, deks: map[dekID]*dekJSON{}}
}

func (r *Registry) dekRoutes(mux *http.ServeMux) {
	const p = "/dek-registry/v1/keks"
	mux.HandleFunc("GET "+p, r.listKeks)
	mux.HandleFunc("POST "+p, r.createKek)
	mux.HandleFunc("GET "+p+"/{name}", r.getKek)
	mux.HandleFunc("PUT "+p+"/{name}", r.putKek)
	mux.HandleFunc("DELETE "+p+"/{name}", r.deleteKek)
	mux.HandleFunc("POST "+p+"/{name}/test", r.testKek)
	mux.HandleFunc("POST "+p+"/{name}/undelete", r.undeleteKek)
	mux.HandleFunc("GET "+p+"/{name}/deks", r.listDekSubjects)
	mux.HandleFunc("POST "+p+"/{name}/deks", r.createDek)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}", r.getDek)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}", r.createDek)
	mux.HandleFunc("DELETE "+p+"/{name}/deks/{subject}", r.deleteDek)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}/undelete", r.undeleteDek)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}/versions", r.listDekVersions)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}/versions/{version}", r.getDek)
	mux.HandleFunc("DELETE "+p+"/{name}/deks/{subject}/versions/{version}", r.deleteDek)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}/versions/{version}/undelete", r.undeleteDek)
}

// checkKekName applies the real server's name rule: a letter or '_', then
// letters, digits, '_' or '-', at most 64 Java chars. Java tests each
// UTF-16 unit, so a character outside the BMP is never a letter.
func checkKekName(name string) *apiError {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return errInvalidKey("name")
	}
	for i, c := range name {
		ok := c <= 0xFFFF && (unicode.IsLetter(c) || c == '_' || (i > 0 && (unicode.IsDigit(c) || c == '-')))
		if !ok {
			return errInvalidKey("name")
		}
	}
	return nil
}

func checkDekSubject(subject string) *apiError {
	if subject == "" {
		return errInvalidKey("subject")
	}
	for _, c := range subject {
		if unicode.IsControl(c) {
			return errInvalidKey("subject")
		}
	}
	return nil
}

// dekAlgorithm reads the algorithm query parameter (AES256_GCM when absent).
func dekAlgorithm(req *http.Request) (string, *apiError) {
	a := req.URL.Query().Get("algorithm")
	if a == "" {
		return dekAES256GCM, nil
	}
	switch a {
	case dekAES128GCM, dekAES256GCM, dekAES256SIV:
		return a, nil
	}
	return "", errHTTP(http.StatusNotFound)
}

// kek returns the KEK, nil when absent or soft-deleted (unless
// deleted is set).
func (d *dekStore) kek(name string, deleted bool) *kekJSON {
	k := d.keks[name]
	if k == nil || (k.Deleted && !deleted) {
		return nil
	}
	return k
}

// versions returns the DEK versions of (kek, subject, algorithm), oldest
// first, soft-deleted ones included when deleted is set.
func (d *dekStore) versions(kek, subject, algorithm string, deleted bool) []*dekJSON {
	var out []*dekJSON
	for id, k := range d.deks {
		if id.kek == kek && id.subject == subject && id.algorithm == algorithm && (deleted || !k.Deleted) {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// dekFor returns version (registry.Latest for the latest) of the DEK, or
// nil.
func (d *dekStore) dekFor(kek, subject, algorithm string, version int, deleted bool) *dekJSON {
	vs := d.versions(kek, subject, algorithm, deleted)
	if len(vs) == 0 {
		return nil
	}
	if version == registry.Latest {
		return vs[len(vs)-1]
	}
	for _, k := range vs {
		if k.Version == version {
			return k
		}
	}
	return nil
}

func copyKek(k *kekJSON) kekJSON {
	out := *k
	if k.KmsProps != nil {
		out.KmsProps = make(map[string]string, len(k.KmsProps))
		for key, v := range k.KmsProps {
			out.KmsProps[key] = v
		}
	}
	return out
}

// newKeyMaterial returns a fresh DEK for algorithm as Confluent's clients
// expect it: base64 of a serialized Tink AesGcmKey or AesSivKey proto
// (version 0, field 2 = the key bytes).
func newKeyMaterial(algorithm string) string {
	n := 32
	switch algorithm {
	case dekAES128GCM:
		n = 16
	case dekAES256SIV:
		n = 64
	}
	key := make([]byte, 2+n)
	key[0], key[1] = 0x12, byte(n)
	_, _ = rand.Read(key[2:])
	return base64.StdEncoding.EncodeToString(key)
}
