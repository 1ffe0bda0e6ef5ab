package mockregistry

import (
	"fmt"
	"net/http"

	"github.com/srkit-go/srkit/registry"
)

// listSubjects serves GET /subjects.
func (r *Registry) listSubjects(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []string{}
	for _, q := range r.subjectsMatching(req, boolParam(req, "deleted"), boolParam(req, "deletedOnly")) {
		out = append(out, q.String())
	}
	writeJSON(w, page(out, req))
}

// registerSchema serves POST /subjects/{subject}/versions.
func (r *Registry) registerSchema(w http.ResponseWriter, req *http.Request) {
	var body registerRequest
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	q := reqSubject(req)
	var out registerResponse
	var aerr *apiError
	r.withLock(func() {
		var a answer
		if a, aerr = r.registerOrForward(q, body, boolParam(req, "normalize")); aerr == nil {
			out = a.registerResponse(req.URL.Query().Get("format"))
		}
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, out)
}

// lookupSchema serves POST /subjects/{subject}.
func (r *Registry) lookupSchema(w http.ResponseWriter, req *http.Request) {
	var body registerRequest
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	q := reqSubject(req)
	var out schemaEntity
	var aerr *apiError
	r.withRLock(func() {
		var a answer
		if a, aerr = r.lookup(q, body, boolParam(req, "normalize"), boolParam(req, "deleted")); aerr == nil {
			out = a.entity(req.URL.Query().Get("format"))
		}
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, out)
}

// listVersions serves GET /subjects/{subject}/versions.
func (r *Registry) listVersions(w http.ResponseWriter, req *http.Request) {
	q := reqSubject(req)
	deleted, deletedOnly := boolParam(req, "deleted"), boolParam(req, "deletedOnly")
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.st.hasSubject(q, deleted || deletedOnly) {
		writeError(w, errSubjectNotFound(q.String()))
		return
	}
	out := []int{}
	for _, v := range r.st.subject(q).versions {
		switch {
		case deletedOnly && !v.deleted, !deletedOnly && !deleted && v.deleted:
			continue
		}
		out = append(out, v.version)
	}
	writeJSON(w, page(out, req))
}

// versionFor resolves the request's {subject} and {version} the way
// getSchemaByVersion does: 42202 for a malformed version, 40401 when the
// subject has no versions, 40402 when it lacks this one.
func (r *Registry) versionFor(req *http.Request, deleted bool) (qualified, *versionRec, *apiError) {
	q := reqSubject(req)
	n, aerr := parseVersion(req.PathValue("version"))
	if aerr != nil {
		return q, nil, aerr
	}
	v := r.st.subject(q).lookupVersion(n, deleted)
	if v == nil {
		if !r.st.hasSubject(q, deleted) {
			return q, nil, errSubjectNotFound(q.String())
		}
		return q, nil, errVersionNotFound(n)
	}
	return q, v, nil
}

// getVersion serves GET /subjects/{subject}/versions/{version}.
func (r *Registry) getVersion(w http.ResponseWriter, req *http.Request) {
	var out schemaEntity
	var aerr *apiError
	r.withRLock(func() {
		var q qualified
		var v *versionRec
		if q, v, aerr = r.versionFor(req, boolParam(req, "deleted")); aerr == nil {
			a := answerOf(v.rec, &q, v)
			out = a.entity(req.URL.Query().Get("format"))
		}
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, out)
}

// getVersionText serves GET /subjects/{subject}/versions/{version}/schema.
func (r *Registry) getVersionText(w http.ResponseWriter, req *http.Request) {
	var text string
	var aerr *apiError
	r.withRLock(func() {
		var v *versionRec
		if _, v, aerr = r.versionFor(req, boolParam(req, "deleted")); aerr == nil {
			a := answerOf(v.rec, nil, v)
			text = a.text(req.URL.Query().Get("format"))
		}
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write([]byte(text))
}

// referencedBy serves GET /subjects/{subject}/versions/{version}/referencedby.
func (r *Registry) referencedBy(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	q, v, aerr := r.versionFor(req, true)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, page(r.st.referencedBy(q, v.version, false), req))
}

// latestWithMetadata serves GET /subjects/{subject}/metadata: the latest
// version whose metadata properties hold every key=value pair given.
func (r *Registry) latestWithMetadata(w http.ResponseWriter, req *http.Request) {
	q := reqSubject(req)
	deleted := boolParam(req, "deleted")
	keys, values := req.URL.Query()["key"], req.URL.Query()["value"]
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.st.hasSubject(q, deleted) {
		writeError(w, errSubjectNotFound(q.String()))
		return
	}
	vs := r.st.subject(q).live(deleted)
next:
	for i := len(vs) - 1; i >= 0; i-- {
		for k, key := range keys {
			val := ""
			if k < len(values) {
				val = values[k]
			}
			md := vs[i].rec.schema.Metadata
			if md == nil {
				continue next
			}
			if got, ok := md.Properties[key]; !ok || got != val {
				continue next
			}
		}
		a := answerOf(vs[i].rec, &q, vs[i])
		writeJSON(w, a.entity(req.URL.Query().Get("format")))
		return
	}
	writeError(w, errSchemaNotFound())
}

// deleteSubject serves DELETE /subjects/{subject}: a soft delete of every
// live version, or with permanent=true the removal of every (already
// soft-deleted) version. It answers the deleted version numbers.
func (r *Registry) deleteSubject(w http.ResponseWriter, req *http.Request) {
	q := reqSubject(req)
	permanent := boolParam(req, "permanent")
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st
	sub := st.subject(q)
	if !st.hasSubject(q, true) {
		writeError(w, errSubjectNotFound(q.String()))
		return
	}
	live := sub.live(false)
	if !permanent && len(live) == 0 {
		writeError(w, errSubjectSoftDeleted(q.String()))
		return
	}
	if m := st.modeInScope(q); m == registry.ReadOnly || m == registry.ReadOnlyOverride {
		writeError(w, errNotPermitted(fmt.Sprintf("Subject %s in context %s is in read-only mode", q, contextLabel(q))))
		return
	}
	// As the real server: version by version, a live reference, then (for
	// a permanent delete) a version that is not soft-deleted, stop it.
	for _, v := range sub.live(permanent) {
		if refs := st.referencedBy(q, v.version, false); len(refs) > 0 {
			writeError(w, errReferenceExists(q.String(), v.version))
			return
		}
		if permanent && !v.deleted {
			writeError(w, errSubjectNotSoftDeleted(q.String()))
			return
		}
	}
	out := []int{}
	if !permanent {
		now := r.cfg.now().UnixMilli()
		for _, v := range live {
			v.deleted, v.ts = true, now
			out = append(out, v.version)
		}
		delete(st.configs, q.String())
		delete(st.modes, q.String())
	} else {
		for _, v := range sub.versions {
			out = append(out, v.version)
		}
		c := st.contexts[q.ctx]
		delete(c.subjects, q.name)
		delete(st.configs, q.String())
		delete(st.modes, q.String())
		st.dropUnused(c)
	}
	writeJSON(w, out)
}

// deleteVersion serves DELETE /subjects/{subject}/versions/{version}.
func (r *Registry) deleteVersion(w http.ResponseWriter, req *http.Request) {
	q := reqSubject(req)
	permanent := boolParam(req, "permanent")
	n, aerr := parseVersion(req.PathValue("version"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st
	sub := st.subject(q)
	var v *versionRec
	if n == registry.Latest && !permanent {
		v = sub.lookupVersion(n, false)
	} else {
		v = sub.lookupVersion(n, true)
		if v != nil && !permanent && v.deleted {
			writeError(w, errVersionSoftDeleted(q.String(), v.version))
			return
		}
	}
	if v == nil {
		if !st.hasSubject(q, true) {
			writeError(w, errSubjectNotFound(q.String()))
		} else {
			writeError(w, errVersionNotFound(n))
		}
		return
	}
	if m := st.modeInScope(q); m == registry.ReadOnly || m == registry.ReadOnlyOverride {
		writeError(w, errNotPermitted(fmt.Sprintf("Subject %s in context %s is in read-only mode", q, contextLabel(q))))
		return
	}
	if refs := st.referencedBy(q, v.version, false); len(refs) > 0 {
		writeError(w, errReferenceExists(q.String(), v.version))
		return
	}
	if permanent && !v.deleted {
		writeError(w, errVersionNotSoftDeleted(q.String(), v.version))
		return
	}
	if !permanent {
		v.deleted, v.ts = true, r.cfg.now().UnixMilli()
		writeJSON(w, v.version)
		return
	}
	for i, x := range sub.versions {
		if x == v {
			sub.versions = append(sub.versions[:i:i], sub.versions[i+1:]...)
			break
		}
	}
	c := st.contexts[q.ctx]
	if len(sub.versions) == 0 {
		delete(c.subjects, q.name)
	}
	st.dropUnused(c)
	writeJSON(w, v.version)
}
