package mockregistry

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"

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
// letters, digits, '_' or '-', at most 64 characters.
func checkKekName(name string) *apiError {
	if name == "" || len(name) > 64 {
		return errInvalidKey("name")
	}
	for i, c := range name {
		ok := unicode.IsLetter(c) || c == '_' || (i > 0 && (unicode.IsDigit(c) || c == '-'))
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

// dekFor resolves {version} (latest when absent) of the request's DEK.
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

// listKeks serves GET /dek-registry/v1/keks.
func (r *Registry) listKeks(w http.ResponseWriter, req *http.Request) {
	deleted := boolParam(req, "deleted")
	prefix := req.URL.Query().Get("subjectPrefix")
	r.dekMu.Lock()
	out := []string{}
	for name, k := range r.dek.keks {
		if (deleted || !k.Deleted) && strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	r.dekMu.Unlock()
	sort.Strings(out)
	writeJSON(w, page(out, req))
}

// createKek serves POST /dek-registry/v1/keks.
func (r *Registry) createKek(w http.ResponseWriter, req *http.Request) {
	var body struct {
		Name     string            `json:"name"`
		KmsType  string            `json:"kmsType"`
		KmsKeyID string            `json:"kmsKeyId"`
		KmsProps map[string]string `json:"kmsProps"`
		Doc      string            `json:"doc"`
		Shared   bool              `json:"shared"`
		Deleted  bool              `json:"deleted"`
	}
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := checkKekName(body.Name); aerr != nil {
		writeError(w, aerr)
		return
	}
	if body.KmsKeyID == "" {
		writeError(w, errInvalidKey("kmsKeyId"))
		return
	}
	if body.KmsType == "" {
		writeError(w, errInvalidKey("kmsType"))
		return
	}
	k := &kekJSON{Name: body.Name, KmsType: normalizeKmsType(body.KmsType), KmsKeyID: body.KmsKeyID, KmsProps: body.KmsProps,
		Doc: body.Doc, Shared: body.Shared, Deleted: body.Deleted, Ts: r.cfg.now().UnixMilli()}
	if len(k.KmsProps) == 0 {
		k.KmsProps = nil
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	// As in the real server, create also undeletes an equivalent soft-deleted KEK.
	if old := r.dek.keks[body.Name]; old != nil && (old.Deleted == body.Deleted || !kekEquivalent(old, k)) {
		writeError(w, errKeyExists(body.Name))
		return
	}
	r.dek.keks[body.Name] = k
	writeJSON(w, copyKek(k))
}

func kekEquivalent(a, b *kekJSON) bool {
	return a.KmsType == b.KmsType && a.KmsKeyID == b.KmsKeyID && jsonEqual(a.KmsProps, b.KmsProps) && a.Doc == b.Doc && a.Shared == b.Shared
}

// normalizeKmsType maps aws-*, azure-* and gcp-* types to the names the real
// server stores.
func normalizeKmsType(t string) string {
	l := strings.ToLower(t)
	switch {
	case strings.HasPrefix(l, "aws"):
		return "aws-kms"
	case strings.HasPrefix(l, "azure"):
		return "azure-kms"
	case strings.HasPrefix(l, "gcp"):
		return "gcp-kms"
	}
	return t
}

// getKek serves GET /dek-registry/v1/keks/{name}.
func (r *Registry) getKek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	k := r.dek.kek(name, boolParam(req, "deleted"))
	var out kekJSON
	if k != nil {
		out = copyKek(k)
	}
	r.dekMu.Unlock()
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	writeJSON(w, out)
}

// testKek serves POST /dek-registry/v1/keks/{name}/test. The mock has no KMS
// to test against; it answers the KEK.
func (r *Registry) testKek(w http.ResponseWriter, req *http.Request) { r.getKek(w, req) }

// putKek serves PUT /dek-registry/v1/keks/{name}: kmsProps, doc and shared
// can change.
func (r *Registry) putKek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	var body struct {
		KmsProps map[string]string `json:"kmsProps"`
		Doc      *string           `json:"doc"`
		Shared   *bool             `json:"shared"`
	}
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, false)
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	n := copyKek(k)
	if body.KmsProps != nil {
		n.KmsProps = body.KmsProps
	}
	if body.Doc != nil {
		n.Doc = *body.Doc
	}
	if body.Shared != nil {
		n.Shared = *body.Shared
	}
	if !kekEquivalent(k, &n) {
		n.Ts = r.cfg.now().UnixMilli()
		*k = n
	}
	writeJSON(w, copyKek(k))
}

// deleteKek serves DELETE /dek-registry/v1/keks/{name}: 204 on success.
func (r *Registry) deleteKek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	permanent := boolParam(req, "permanent")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, true)
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	for id, d := range r.dek.deks {
		// A soft delete needs no live DEK; a permanent one no DEK at all.
		if id.kek == name && (permanent || !d.Deleted) {
			writeError(w, errKeyReferenceExists(name))
			return
		}
	}
	if permanent {
		if !k.Deleted {
			writeError(w, errKeyNotSoftDeleted(name))
			return
		}
		delete(r.dek.keks, name)
	} else if !k.Deleted {
		k.Deleted = true
		k.Ts = r.cfg.now().UnixMilli()
	}
	w.WriteHeader(http.StatusNoContent)
}

// undeleteKek serves POST /dek-registry/v1/keks/{name}/undelete.
func (r *Registry) undeleteKek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, true)
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	if k.Deleted {
		k.Deleted = false
		k.Ts = r.cfg.now().UnixMilli()
	}
	w.WriteHeader(http.StatusNoContent)
}

// listDekSubjects serves GET /dek-registry/v1/keks/{name}/deks.
func (r *Registry) listDekSubjects(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	deleted := boolParam(req, "deleted")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(name, deleted) == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	seen := map[string]bool{}
	out := []string{}
	for id, d := range r.dek.deks {
		if id.kek == name && (deleted || !d.Deleted) && !seen[id.subject] {
			seen[id.subject] = true
			out = append(out, id.subject)
		}
	}
	sort.Strings(out)
	writeJSON(w, page(out, req))
}

// createDek serves POST /dek-registry/v1/keks/{name}/deks (and the same
// with the subject in the path).
func (r *Registry) createDek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	var body struct {
		Subject              string `json:"subject"`
		Version              int    `json:"version"`
		Algorithm            string `json:"algorithm"`
		EncryptedKeyMaterial string `json:"encryptedKeyMaterial"`
		Deleted              bool   `json:"deleted"`
	}
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	if s := req.PathValue("subject"); s != "" {
		body.Subject = s
	}
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := checkDekSubject(body.Subject); aerr != nil {
		writeError(w, aerr)
		return
	}
	switch body.Algorithm {
	case "":
		body.Algorithm = dekAES256GCM
	case dekAES128GCM, dekAES256GCM, dekAES256SIV:
	default:
		writeError(w, errInvalidKey("algorithm"))
		return
	}
	if body.Version == 0 {
		body.Version = 1
	}
	if body.Version < 0 {
		writeError(w, errInvalidVersion(strconv.Itoa(body.Version)))
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, body.Deleted)
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	d := &dekJSON{KekName: name, Subject: body.Subject, Version: body.Version, Algorithm: body.Algorithm,
		EncryptedKeyMaterial: body.EncryptedKeyMaterial, Deleted: body.Deleted, Ts: r.cfg.now().UnixMilli()}
	if d.EncryptedKeyMaterial == "" {
		if !k.Shared {
			writeError(w, errInvalidKey("encryptedKeyMaterial"))
			return
		}
		d.KeyMaterial = newKeyMaterial(d.Algorithm)
	}
	id := dekID{name, body.Subject, body.Algorithm, body.Version}
	if old := r.dek.deks[id]; old != nil {
		same := old.EncryptedKeyMaterial == d.EncryptedKeyMaterial || (d.EncryptedKeyMaterial == "" && k.Shared)
		if old.Deleted == d.Deleted || !same {
			writeError(w, errKeyExists(body.Subject))
			return
		}
		// Create acts as undelete of an equivalent soft-deleted DEK.
		d.KeyMaterial = old.KeyMaterial
	}
	r.dek.deks[id] = d
	writeJSON(w, *d)
}

// getDek serves GET .../deks/{subject} (the latest version) and
// .../deks/{subject}/versions/{version}.
func (r *Registry) getDek(w http.ResponseWriter, req *http.Request) {
	name, subject := req.PathValue("name"), req.PathValue("subject")
	version, aerr := dekVersion(req)
	if aerr == nil {
		aerr = checkKekName(name)
	}
	if aerr == nil {
		aerr = checkDekSubject(subject)
	}
	alg := ""
	if aerr == nil {
		alg, aerr = dekAlgorithm(req)
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	deleted := boolParam(req, "deleted")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(name, deleted) == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	d := r.dek.dekFor(name, subject, alg, version, deleted)
	if d == nil {
		writeError(w, errKeyNotFound(subject))
		return
	}
	writeJSON(w, *d)
}

// dekVersion reads {version} of a DEK path; absent means latest.
func dekVersion(req *http.Request) (int, *apiError) {
	v := req.PathValue("version")
	if v == "" {
		return registry.Latest, nil
	}
	return parseVersion(v)
}

// listDekVersions serves GET .../deks/{subject}/versions.
func (r *Registry) listDekVersions(w http.ResponseWriter, req *http.Request) {
	name, subject := req.PathValue("name"), req.PathValue("subject")
	aerr := checkKekName(name)
	if aerr == nil {
		aerr = checkDekSubject(subject)
	}
	alg := ""
	if aerr == nil {
		alg, aerr = dekAlgorithm(req)
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	deleted := boolParam(req, "deleted")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(name, deleted) == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	out := []int{}
	for _, d := range r.dek.versions(name, subject, alg, deleted) {
		out = append(out, d.Version)
	}
	writeJSON(w, page(out, req))
}

// deleteDek serves DELETE .../deks/{subject} (every version) and
// .../deks/{subject}/versions/{version}: 204 on success.
func (r *Registry) deleteDek(w http.ResponseWriter, req *http.Request) {
	r.changeDeks(w, req, func(ds []*dekJSON, permanent bool) *apiError {
		if permanent {
			for _, d := range ds {
				if !d.Deleted {
					return errKeyNotSoftDeleted(d.Subject)
				}
			}
			for _, d := range ds {
				delete(r.dek.deks, dekID{d.KekName, d.Subject, d.Algorithm, d.Version})
			}
			return nil
		}
		for _, d := range ds {
			if !d.Deleted {
				d.Deleted = true
				d.Ts = r.cfg.now().UnixMilli()
			}
		}
		return nil
	})
}

// undeleteDek serves POST .../deks/{subject}/undelete and
// .../deks/{subject}/versions/{version}/undelete: 204 on success; the KEK
// must not be soft-deleted.
func (r *Registry) undeleteDek(w http.ResponseWriter, req *http.Request) {
	r.changeDeks(w, req, func(ds []*dekJSON, _ bool) *apiError {
		if k := r.dek.kek(req.PathValue("name"), true); k.Deleted {
			return errKeySoftDeleted(k.Name)
		}
		for _, d := range ds {
			if d.Deleted {
				d.Deleted = false
				d.Ts = r.cfg.now().UnixMilli()
			}
		}
		return nil
	})
}

// changeDeks resolves the DEKs a delete or undelete names (all versions, or
// the {version}) and applies change to them under the lock.
func (r *Registry) changeDeks(w http.ResponseWriter, req *http.Request, change func([]*dekJSON, bool) *apiError) {
	name, subject := req.PathValue("name"), req.PathValue("subject")
	aerr := checkKekName(name)
	if aerr == nil {
		aerr = checkDekSubject(subject)
	}
	version := 0
	if aerr == nil && req.PathValue("version") != "" {
		version, aerr = parseVersion(req.PathValue("version"))
	}
	alg := ""
	if aerr == nil {
		alg, aerr = dekAlgorithm(req)
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(name, true) == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	var ds []*dekJSON
	if version == 0 {
		ds = r.dek.versions(name, subject, alg, true)
	} else if d := r.dek.dekFor(name, subject, alg, version, true); d != nil {
		ds = []*dekJSON{d}
	}
	if len(ds) == 0 {
		writeError(w, errKeyNotFound(subject))
		return
	}
	if aerr := change(ds, boolParam(req, "permanent")); aerr != nil {
		writeError(w, aerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
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
