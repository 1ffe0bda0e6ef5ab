package mockregistry

import (
	"net/http"
	"sort"
	"strconv"
)

// DEK handlers of the DEK Registry.

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
		body.Version = minDekVersion
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

// getDek serves GET .../deks/{subject} (version 1, as the real server
// answers and confluent-kafka-go's GetDek expects) and
// .../deks/{subject}/versions/{version} ("latest" or -1 for the latest).
func (r *Registry) getDek(w http.ResponseWriter, req *http.Request) {
	t, aerr := parseDekTarget(req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	deleted := boolParam(req, "deleted")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(t.kek, deleted) == nil {
		writeError(w, errKeyNotFound(t.kek))
		return
	}
	d := r.dek.dekFor(t.kek, t.subject, t.algorithm, t.version, deleted)
	if d == nil {
		writeError(w, errKeyNotFound(t.subject))
		return
	}
	writeJSON(w, *d)
}

// dekTarget is what a DEK request's path and query name.
type dekTarget struct {
	kek, subject, algorithm string
	version                 int  // minDekVersion when the path names none
	hasVersion              bool // the path has a {version}
}

// parseDekTarget reads a DEK request's path and query, checking them in the
// real server's order: the algorithm (JAX-RS converts query parameters
// before the resource method runs), the KEK name, the subject, the version.
func parseDekTarget(req *http.Request) (dekTarget, *apiError) {
	var t dekTarget
	var aerr *apiError
	if t.algorithm, aerr = dekAlgorithm(req); aerr != nil {
		return t, aerr
	}
	t.kek, t.subject = req.PathValue("name"), req.PathValue("subject")
	if aerr = checkKekName(t.kek); aerr != nil {
		return t, aerr
	}
	if aerr = checkDekSubject(t.subject); aerr != nil {
		return t, aerr
	}
	t.version = minDekVersion
	if v := req.PathValue("version"); v != "" {
		t.hasVersion = true
		if t.version, aerr = parseVersion(v); aerr != nil {
			return t, aerr
		}
	}
	return t, nil
}

// listDekVersions serves GET .../deks/{subject}/versions.
func (r *Registry) listDekVersions(w http.ResponseWriter, req *http.Request) {
	t, aerr := parseDekTarget(req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	deleted := boolParam(req, "deleted")
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(t.kek, deleted) == nil {
		writeError(w, errKeyNotFound(t.kek))
		return
	}
	out := []int{}
	for _, d := range r.dek.versions(t.kek, t.subject, t.algorithm, deleted) {
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
	t, aerr := parseDekTarget(req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	if r.dek.kek(t.kek, true) == nil {
		writeError(w, errKeyNotFound(t.kek))
		return
	}
	var ds []*dekJSON
	if !t.hasVersion {
		ds = r.dek.versions(t.kek, t.subject, t.algorithm, true)
	} else if d := r.dek.dekFor(t.kek, t.subject, t.algorithm, t.version, true); d != nil {
		ds = []*dekJSON{d}
	}
	if len(ds) == 0 {
		writeError(w, errKeyNotFound(t.subject))
		return
	}
	if aerr := change(ds, boolParam(req, "permanent")); aerr != nil {
		writeError(w, aerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
