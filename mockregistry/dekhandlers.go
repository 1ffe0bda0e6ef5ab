package mockregistry

import (
	"net/http"
	"sort"

	"github.com/srkit-go/srkit/registry"
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
	for _, d := range r.dek.deksOf(name, deleted) {
		if !seen[d.subject] {
			seen[d.subject] = true
			out = append(out, d.subject)
		}
	}
	sort.Strings(out)
	writeJSON(w, page(out, req))
}

// createDek serves POST /dek-registry/v1/keks/{name}/deks (subject in the
// body) and POST .../deks/{subject}, as createDek does: 40971 when the
// version exists (unless the request undeletes an equivalent soft-deleted
// one, or rewrap=true); under a shared KEK a request without key material
// gets fresh key material (the old version's on a rewrap), under another
// KEK it needs encryptedKeyMaterial (42271).
func (r *Registry) createDek(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	var body struct {
		Subject              string  `json:"subject"`
		Version              *int    `json:"version"`
		Algorithm            string  `json:"algorithm"`
		EncryptedKeyMaterial *string `json:"encryptedKeyMaterial"`
		Deleted              bool    `json:"deleted"`
	}
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	switch body.Algorithm {
	case "", dekAES128GCM, dekAES256GCM, dekAES256SIV:
	default:
		writeError(w, errInvalidKey("algorithm"))
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
	rewrap := boolParam(req, "rewrap")
	// In IMPORT mode the server does not unwrap the new key for its answer.
	var importMode bool
	r.withRLock(func() { importMode = r.st.modeInScope(parseQualified(body.Subject, "")) == registry.Import })

	r.dekMu.Lock()
	defer r.dekMu.Unlock()
	k := r.dek.kek(name, body.Deleted)
	if k == nil {
		writeError(w, errKeyNotFound(name))
		return
	}
	d := &dekRec{kek: name, subject: body.Subject, algorithm: orDefaultAlgorithm(body.Algorithm), version: minDekVersion,
		encrypted: body.EncryptedKeyMaterial, deleted: body.Deleted}
	if body.Version != nil {
		d.version = *body.Version
	}
	old := r.dek.deks[d.id()]
	if !rewrap && old != nil && (old.deleted == d.deleted || !old.equivalent(d)) {
		writeError(w, errKeyExists(body.Subject))
		return
	}
	switch {
	case d.encrypted != nil:
		if k.shared && old != nil {
			writeError(w, errKeyExists(body.Subject))
			return
		}
	case k.shared:
		if old != nil && old.keyMaterial != "" {
			d.keyMaterial = old.keyMaterial
		} else {
			d.keyMaterial = newKeyMaterial(d.algorithm)
		}
	default:
		writeError(w, errInvalidKey("encryptedKeyMaterial"))
		return
	}
	r.putDek(d)
	writeJSON(w, d.entity(k.shared && !importMode))
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
	writeJSON(w, d.entity(r.dek.kek(t.kek, true).shared))
}

// dekTarget is what a DEK request's path and query name.
type dekTarget struct {
	kek, subject, algorithm string // algorithm "" when the query has none
	version                 int    // minDekVersion when the path names none
	hasVersion              bool   // the path has a {version}
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
		out = append(out, d.version)
	}
	writeJSON(w, page(out, req))
}

// dekChange runs one DEK delete or undelete: it resolves the request's
// target under the lock, answers 40470 for a missing KEK or DEK (version
// "latest" included), then applies change and answers 204.
func (r *Registry) dekChange(w http.ResponseWriter, req *http.Request, change func(t dekTarget, permanent bool) *apiError) {
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
	version := registry.Latest
	if t.hasVersion {
		version = t.version
	}
	if r.dek.dekFor(t.kek, t.subject, t.algorithm, version, true) == nil {
		writeError(w, errKeyNotFound(t.subject))
		return
	}
	if aerr := change(t, boolParam(req, "permanent")); aerr != nil {
		writeError(w, aerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteDeks serves DELETE .../deks/{subject}: every version of the
// algorithm, soft or (when all are soft-deleted) permanent.
func (r *Registry) deleteDeks(w http.ResponseWriter, req *http.Request) {
	r.dekChange(w, req, func(t dekTarget, permanent bool) *apiError {
		ds := r.dek.versions(t.kek, t.subject, t.algorithm, permanent)
		if permanent {
			for _, d := range ds {
				if !d.deleted {
					return errKeyNotSoftDeleted(d.subject)
				}
			}
			for _, d := range ds {
				delete(r.dek.deks, d.id())
			}
			return nil
		}
		for _, d := range ds {
			r.setDekDeleted(d, true)
		}
		return nil
	})
}

// deleteDekVersion serves DELETE .../deks/{subject}/versions/{version}.
// As the server, "latest" (or -1) names an existing version for the
// existence check but then no stored key: nothing is deleted.
func (r *Registry) deleteDekVersion(w http.ResponseWriter, req *http.Request) {
	r.dekChange(w, req, func(t dekTarget, permanent bool) *apiError {
		d := r.dek.deks[dekID{t.kek, t.subject, orDefaultAlgorithm(t.algorithm), t.version}]
		switch {
		case d == nil:
		case permanent && !d.deleted:
			return errKeyNotSoftDeleted(t.subject)
		case permanent:
			delete(r.dek.deks, d.id())
		default:
			r.setDekDeleted(d, true)
		}
		return nil
	})
}

// undeleteDeks serves POST .../deks/{subject}/undelete: every version of
// the algorithm; the KEK must not be soft-deleted (40472).
func (r *Registry) undeleteDeks(w http.ResponseWriter, req *http.Request) {
	r.dekChange(w, req, func(t dekTarget, _ bool) *apiError {
		if r.dek.keks[t.kek].deleted {
			return errKeySoftDeleted(t.kek)
		}
		for _, d := range r.dek.versions(t.kek, t.subject, t.algorithm, true) {
			r.setDekDeleted(d, false)
		}
		return nil
	})
}

// undeleteDekVersion serves POST .../deks/{subject}/versions/{version}/undelete
// ("latest" undeletes nothing, as in the server).
func (r *Registry) undeleteDekVersion(w http.ResponseWriter, req *http.Request) {
	r.dekChange(w, req, func(t dekTarget, _ bool) *apiError {
		if r.dek.keks[t.kek].deleted {
			return errKeySoftDeleted(t.kek)
		}
		if d := r.dek.deks[dekID{t.kek, t.subject, orDefaultAlgorithm(t.algorithm), t.version}]; d != nil {
			r.setDekDeleted(d, false)
		}
		return nil
	})
}

// setDekDeleted writes d again with deleted set to v, when that changes it.
func (r *Registry) setDekDeleted(d *dekRec, v bool) {
	if d.deleted == v {
		return
	}
	n := *d
	n.deleted = v
	r.putDek(&n)
}
