package mockregistry

import (
	"maps"
	"net/http"
	"sort"
	"strings"
)

// KEK handlers of the DEK Registry.

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
	return a.KmsType == b.KmsType && a.KmsKeyID == b.KmsKeyID && maps.Equal(a.KmsProps, b.KmsProps) && a.Doc == b.Doc && a.Shared == b.Shared
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
