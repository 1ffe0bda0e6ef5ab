package mockregistry

import (
	"encoding/json"
	"maps"
	"net/http"
	"sort"
	"strings"
)

// KEK handlers of the DEK Registry.

// listKeks serves GET /dek-registry/v1/keks: the KEK names, or with
// subjectPrefix (repeatable) the names of the KEKs that have a DEK whose
// subject starts with one of the prefixes, as getKekNames does.
func (r *Registry) listKeks(w http.ResponseWriter, req *http.Request) {
	deleted := boolParam(req, "deleted")
	prefixes, byPrefix := req.URL.Query()["subjectPrefix"]
	r.dekMu.Lock()
	seen := map[string]bool{}
	out := []string{}
	if !byPrefix {
		for name, k := range r.dek.keks {
			if deleted || !k.deleted {
				out = append(out, name)
			}
		}
	} else {
		for id, d := range r.dek.deks {
			if (deleted || !d.deleted) && !seen[id.kek] && hasAnyPrefix(id.subject, prefixes) {
				seen[id.kek] = true
				out = append(out, id.kek)
			}
		}
	}
	r.dekMu.Unlock()
	sort.Strings(out)
	writeJSON(w, page(out, req))
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// createKek serves POST /dek-registry/v1/keks.
func (r *Registry) createKek(w http.ResponseWriter, req *http.Request) {
	var body struct {
		Name     string            `json:"name"`
		KmsType  *string           `json:"kmsType"`
		KmsKeyID string            `json:"kmsKeyId"`
		KmsProps map[string]string `json:"kmsProps"`
		Doc      *string           `json:"doc"`
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
	switch {
	case body.KmsKeyID == "":
		writeError(w, errInvalidKey("kmsKeyId"))
		return
	case body.KmsType == nil:
		writeError(w, errInvalidKey("kmsType"))
		return
	case !validKmsKeyID(*body.KmsType, body.KmsKeyID):
		writeError(w, errInvalidKey("kmsKeyId"))
		return
	}
	k := &kekRec{name: body.Name, kmsType: normalizeKmsType(*body.KmsType), kmsKeyID: body.KmsKeyID,
		kmsProps: maps.Clone(body.KmsProps), doc: body.Doc, shared: body.Shared, deleted: body.Deleted}
	if k.kmsProps == nil {
		k.kmsProps = map[string]string{}
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	// As in the real server, create also undeletes an equivalent soft-deleted KEK.
	if old := r.dek.keks[body.Name]; old != nil && (old.deleted == body.Deleted || !old.equivalent(k)) {
		writeError(w, errKeyExists(body.Name))
		return
	}
	r.putKek(k)
	writeJSON(w, k.entity())
}

// validKmsKeyID is CreateKekRequest.validate: the key ID's form for the
// cloud KMS types (as sent, before normalization).
func validKmsKeyID(kmsType, keyID string) bool {
	switch kmsType {
	case "aws-kms":
		return strings.HasPrefix(keyID, "arn:aws:kms:")
	case "azure-kms":
		return strings.HasPrefix(keyID, "https://")
	case "gcp-kms":
		return strings.HasPrefix(keyID, "projects/")
	case "hcvault":
		return strings.HasPrefix(keyID, "https://") || strings.HasPrefix(keyID, "http://")
	}
	return true
}

// normalizeKmsType maps aws*, azure* and gcp* types to the names the real
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
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, boolParam(req, "deleted"))
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	writeJSON(w, k.entity())
}

// testKek serves POST /dek-registry/v1/keks/{name}/test. Only a shared KEK
// can be tested (42271 "shared" otherwise); the mock has no KMS to test
// against and answers the stored KEK, as the server does after its test.
func (r *Registry) testKek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, false)
	switch {
	case k == nil:
		writeError(w, errKeyNotFound(name))
	case !k.shared:
		writeError(w, errInvalidKey("shared"))
	default:
		writeJSON(w, kekStored{Name: k.name, KmsType: k.kmsType, KmsKeyID: k.kmsKeyID, KmsProps: javaProps(k.kmsProps),
			Doc: k.doc, Shared: k.shared, Deleted: k.deleted, Type: "KEK", Offset: k.offset, Ts: k.ts})
	}
}

// putKekHandler serves PUT /dek-registry/v1/keks/{name}: the fields the
// request has (kmsProps, doc, shared; null clears kmsProps and doc) change;
// an update that changes nothing keeps the KEK (and its ts) as it is.
func (r *Registry) putKekHandler(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	var body map[string]json.RawMessage
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := checkKekName(name); aerr != nil {
		writeError(w, aerr)
		return
	}
	var props map[string]string
	var doc *string
	var shared *bool
	for field, dst := range map[string]any{"kmsProps": &props, "doc": &doc, "shared": &shared} {
		if raw, ok := body[field]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				writeError(w, errBadJSON(err))
				return
			}
		}
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	old := r.dek.kek(name, false)
	if old == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	n := *old
	if _, ok := body["kmsProps"]; ok {
		n.kmsProps = maps.Clone(props)
		if n.kmsProps == nil {
			n.kmsProps = map[string]string{}
		}
	}
	if _, ok := body["doc"]; ok {
		n.doc = doc
	}
	if _, ok := body["shared"]; ok {
		n.shared = shared != nil && *shared
	}
	if n.equivalent(old) {
		writeJSON(w, old.entity())
		return
	}
	r.putKek(&n)
	writeJSON(w, n.entity())
}

// deleteKek serves DELETE /dek-registry/v1/keks/{name}: 204 on success.
// A KEK with DEKs cannot be deleted (live DEKs stop a soft delete, any DEK
// a permanent one: 42272), and a permanent delete needs a soft delete
// first (40471).
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
	if len(r.dek.deksOf(name, permanent)) > 0 {
		writeError(w, errKeyReferenceExists(name))
		return
	}
	switch {
	case permanent && !k.deleted:
		writeError(w, errKeyNotSoftDeleted(name))
		return
	case permanent:
		delete(r.dek.keks, name)
	case !k.deleted:
		n := *k
		n.deleted = true
		r.putKek(&n)
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
	if k.deleted {
		n := *k
		n.deleted = false
		r.putKek(&n)
	}
	w.WriteHeader(http.StatusNoContent)
}
