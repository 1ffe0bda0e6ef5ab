package mockregistry

import (
	"crypto/rand"
	"encoding/base64"
	"maps"
	"net/http"
	"sort"
	"unicode"

	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
)

// The DEK Registry (/dek-registry/v1), after Confluent's DekRegistryResource
// and AbstractDekRegistry.
//
// A KEK names a key in a KMS; a DEK is a data key wrapped by a KEK, kept per
// (KEK, subject, algorithm, version). The mock has no KMS: for a shared KEK
// it cannot wrap or unwrap keys, so a DEK created without key material gets
// random raw key material (a serialized Tink AesGcmKey or AesSivKey for its
// algorithm, base64) and no encryptedKeyMaterial, and every read of that DEK
// answers the same keyMaterial, as the real server answers the material it
// unwraps. DEKs created with encryptedKeyMaterial keep it and have no
// keyMaterial.

// minDekVersion is a DEK's first version: the one GET .../deks/{subject}
// answers and a create without a version makes.
const minDekVersion = 1

// kekNameMaxLength is the longest KEK name, in Java chars.
const kekNameMaxLength = 256

// The DEK algorithms (DekFormat), in the enum's order.
const (
	dekAES128GCM = "AES128_GCM"
	dekAES256GCM = "AES256_GCM"
	dekAES256SIV = "AES256_SIV"
)

// kekRec is a stored KEK (KeyEncryptionKey).
type kekRec struct {
	name, kmsType, kmsKeyID string
	kmsProps                map[string]string // never nil
	doc                     *string
	shared, deleted         bool
	ts, offset              int64
}

// equivalent is KeyEncryptionKey.isEquivalent: everything but deleted.
func (k *kekRec) equivalent(o *kekRec) bool {
	return k.shared == o.shared && k.name == o.name && k.kmsType == o.kmsType && k.kmsKeyID == o.kmsKeyID &&
		maps.Equal(k.kmsProps, o.kmsProps) && ptrEqual(k.doc, o.doc)
}

// dekRec is a stored DEK (DataEncryptionKey).
type dekRec struct {
	kek, subject, algorithm string
	version                 int
	encrypted               *string
	// keyMaterial is the raw key the mock made for a shared KEK (the real
	// server would keep it wrapped in encrypted); "" for none.
	keyMaterial string
	deleted     bool
	ts, offset  int64
}

// equivalent is DataEncryptionKey.isEquivalent: the identity and the
// encrypted key material. A key the mock made for a shared KEK counts as
// having material (the server's would), so no request matches it.
func (d *dekRec) equivalent(o *dekRec) bool {
	if d.keyMaterial != "" || o.keyMaterial != "" {
		return false
	}
	return d.kek == o.kek && d.subject == o.subject && d.algorithm == o.algorithm && d.version == o.version &&
		ptrEqual(d.encrypted, o.encrypted)
}

type dekID struct {
	kek, subject, algorithm string
	version                 int
}

func (d *dekRec) id() dekID { return dekID{d.kek, d.subject, d.algorithm, d.version} }

// dekStore is the DEK Registry state; Registry.dekMu guards it.
type dekStore struct {
	keks map[string]*kekRec
	deks map[dekID]*dekRec
	seq  int64 // the offset of the last write, as the server's Kafka topic would have it
}

func newDekStore() *dekStore {
	return &dekStore{keks: map[string]*kekRec{}, deks: map[dekID]*dekRec{}}
}

// putKek stores k as a new write (putKey): it gets the time and the next
// offset.
func (r *Registry) putKek(k *kekRec) {
	r.dek.seq++
	k.ts, k.offset = r.cfg.now().UnixMilli(), r.dek.seq
	r.dek.keks[k.name] = k
}

// putDek stores d as a new write.
func (r *Registry) putDek(d *dekRec) {
	r.dek.seq++
	d.ts, d.offset = r.cfg.now().UnixMilli(), r.dek.seq
	r.dek.deks[d.id()] = d
}

func (r *Registry) dekRoutes(mux *http.ServeMux) {
	const p = "/dek-registry/v1/keks"
	mux.HandleFunc("GET "+p, r.listKeks)
	mux.HandleFunc("POST "+p, r.createKek)
	mux.HandleFunc("GET "+p+"/{name}", r.getKek)
	mux.HandleFunc("PUT "+p+"/{name}", r.putKekHandler)
	mux.HandleFunc("DELETE "+p+"/{name}", r.deleteKek)
	mux.HandleFunc("POST "+p+"/{name}/test", r.testKek)
	mux.HandleFunc("POST "+p+"/{name}/undelete", r.undeleteKek)
	mux.HandleFunc("GET "+p+"/{name}/deks", r.listDekSubjects)
	mux.HandleFunc("POST "+p+"/{name}/deks", r.createDek)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}", r.getDek)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}", r.createDek)
	mux.HandleFunc("DELETE "+p+"/{name}/deks/{subject}", r.deleteDeks)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}/undelete", r.undeleteDeks)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}/versions", r.listDekVersions)
	mux.HandleFunc("GET "+p+"/{name}/deks/{subject}/versions/{version}", r.getDek)
	mux.HandleFunc("DELETE "+p+"/{name}/deks/{subject}/versions/{version}", r.deleteDekVersion)
	mux.HandleFunc("POST "+p+"/{name}/deks/{subject}/versions/{version}/undelete", r.undeleteDekVersion)
}

// checkKekName applies the real server's name rule: a letter or '_', then
// letters, digits, '_' or '-', at most 256 Java chars. Java tests each
// UTF-16 unit, so a character outside the BMP is never a letter.
func checkKekName(name string) *apiError {
	n := 0
	for _, c := range name {
		n++
		if c > 0xFFFF {
			n++
		}
	}
	if name == "" || n > kekNameMaxLength {
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

// checkDekSubject rejects an empty subject or one with ISO control
// characters.
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

// dekAlgorithm reads the algorithm query parameter ("" when absent; the
// operations take AES256_GCM then). An unknown value answers 404, as
// JAX-RS does for a parameter it cannot convert.
func dekAlgorithm(req *http.Request) (string, *apiError) {
	a := req.URL.Query().Get("algorithm")
	switch a {
	case "", dekAES128GCM, dekAES256GCM, dekAES256SIV:
		return a, nil
	}
	return "", errHTTP(http.StatusNotFound)
}

func orDefaultAlgorithm(a string) string {
	if a == "" {
		return dekAES256GCM
	}
	return a
}

// kek returns the KEK, nil when absent or soft-deleted (unless deleted is
// set).
func (d *dekStore) kek(name string, deleted bool) *kekRec {
	k := d.keks[name]
	if k == nil || (k.deleted && !deleted) {
		return nil
	}
	return k
}

// versions returns the DEK versions of (kek, subject, algorithm), oldest
// first, soft-deleted ones included when deleted is set.
func (d *dekStore) versions(kek, subject, algorithm string, deleted bool) []*dekRec {
	algorithm = orDefaultAlgorithm(algorithm)
	var out []*dekRec
	for id, k := range d.deks {
		if id.kek == kek && id.subject == subject && id.algorithm == algorithm && (deleted || !k.deleted) {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// dekFor is getDek: version (registry.Latest for the latest) of the DEK, or
// nil.
func (d *dekStore) dekFor(kek, subject, algorithm string, version int, deleted bool) *dekRec {
	if version == registry.Latest {
		vs := d.versions(kek, subject, algorithm, deleted)
		if len(vs) == 0 {
			return nil
		}
		return vs[len(vs)-1]
	}
	k := d.deks[dekID{kek, subject, orDefaultAlgorithm(algorithm), version}]
	if k == nil || (k.deleted && !deleted) {
		return nil
	}
	return k
}

// deksOf returns the DEKs of a KEK, soft-deleted ones when deleted is set.
func (d *dekStore) deksOf(kek string, deleted bool) []*dekRec {
	var out []*dekRec
	for id, k := range d.deks {
		if id.kek == kek && (deleted || !k.deleted) {
			out = append(out, k)
		}
	}
	return out
}

// newKeyMaterial returns a fresh raw DEK for algorithm as Tink's key
// managers make it (Registry.newKeyData): a serialized AesGcmKey {version 0,
// key_value (field 3) = 16 or 32 random bytes} or AesSivKey {version 0,
// key_value (field 2) = 64 random bytes}, base64.
func newKeyMaterial(algorithm string) string {
	tag, n := byte(0x1a), 32
	switch algorithm {
	case dekAES128GCM:
		n = 16
	case dekAES256SIV:
		tag, n = 0x12, 64
	}
	key := make([]byte, 2+n)
	key[0], key[1] = tag, byte(n)
	_, _ = rand.Read(key[2:])
	return base64.StdEncoding.EncodeToString(key)
}

// kekEntity is the Kek entity (@JsonInclude(NON_NULL)): kmsProps always,
// doc when set, deleted only when true.
type kekEntity struct {
	Name     string    `json:"name"`
	KmsType  string    `json:"kmsType"`
	KmsKeyID string    `json:"kmsKeyId"`
	KmsProps javaProps `json:"kmsProps"`
	Doc      *string   `json:"doc,omitempty"`
	Shared   bool      `json:"shared"`
	Ts       int64     `json:"ts"`
	Deleted  *bool     `json:"deleted,omitempty"`
}

func (k *kekRec) entity() kekEntity {
	return kekEntity{Name: k.name, KmsType: k.kmsType, KmsKeyID: k.kmsKeyID, KmsProps: javaProps(k.kmsProps),
		Doc: k.doc, Shared: k.shared, Ts: k.ts, Deleted: trueOrNil(k.deleted)}
}

// kekStored is the stored KeyEncryptionKey itself, which POST
// .../keks/{name}/test answers: its creator's properties, then type,
// offset and ts.
type kekStored struct {
	Name     string    `json:"name"`
	KmsType  string    `json:"kmsType"`
	KmsKeyID string    `json:"kmsKeyId"`
	KmsProps javaProps `json:"kmsProps"`
	Doc      *string   `json:"doc,omitempty"`
	Shared   bool      `json:"shared"`
	Deleted  bool      `json:"deleted"`
	Type     string    `json:"type"`
	Offset   int64     `json:"offset"`
	Ts       int64     `json:"ts"`
}

// dekEntity is the Dek entity (@JsonInclude(NON_NULL)).
type dekEntity struct {
	KekName              string  `json:"kekName"`
	Subject              string  `json:"subject"`
	Version              int     `json:"version"`
	Algorithm            string  `json:"algorithm"`
	EncryptedKeyMaterial *string `json:"encryptedKeyMaterial,omitempty"`
	KeyMaterial          *string `json:"keyMaterial,omitempty"`
	Ts                   int64   `json:"ts"`
	Deleted              *bool   `json:"deleted,omitempty"`
}

// entity renders d; withKey adds the raw key material the mock holds (the
// server adds it for a shared KEK).
func (d *dekRec) entity(withKey bool) dekEntity {
	out := dekEntity{KekName: d.kek, Subject: d.subject, Version: d.version, Algorithm: d.algorithm,
		EncryptedKeyMaterial: d.encrypted, Ts: d.ts, Deleted: trueOrNil(d.deleted)}
	if withKey && d.keyMaterial != "" {
		km := d.keyMaterial
		out.KeyMaterial = &km
	}
	return out
}

func trueOrNil(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

// javaProps is a string map written in Java's TreeMap order ({} when
// empty).
type javaProps map[string]string

func (m javaProps) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range javaSortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontree.AppendString(b, k)
		b = append(b, ':')
		b = jsontree.AppendString(b, m[k])
	}
	return append(b, '}'), nil
}

func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
