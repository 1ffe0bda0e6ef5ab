package mockregistry

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// idSubject returns the "subject" an ID look-up runs with, as the server
// sees it after its ContextFilter: a /contexts/{ctx} path qualifies it
// with the context (and makes it present even when the query has none).
// present is false when there is none at all.
func idSubject(req *http.Request) (subject string, present bool) {
	vals, present := req.URL.Query()["subject"]
	if present {
		subject = vals[0]
	}
	if ctx := req.PathValue("context"); ctx != "" {
		present = true
		if !strings.HasPrefix(subject, ":.") {
			if c := normalizeContext(ctx); c != "" {
				subject = contextScope(c) + subject
			}
		}
	}
	return subject, present
}

// versionByID is getSchemaKeyUsingContexts: the subject version that the
// server reads schema {id} from. A subject hint names the version of that
// subject; an unqualified hint of the default context is also tried in
// every other context; else (or without a hint) the ID's first subject
// version in the hint's context (the server takes a hash map's first
// entry; the mock the first subject in name order).
func (r *Registry) versionByID(req *http.Request) (*schemaRec, qualified, *versionRec, *apiError) {
	raw := req.PathValue("id")
	id, err := strconv.Atoi(raw)
	if err != nil {
		return nil, qualified{}, nil, errHTTP(http.StatusNotFound)
	}
	subject, present := idSubject(req)
	hint := parseQualified(subject, "")
	if present && hint.name != "" {
		if rec, v := r.st.idUnderSubject(hint, id); rec != nil {
			return rec, hint, v, nil
		}
		if hint.ctx == "" {
			for _, name := range r.st.contextNames() {
				if name == "" {
					continue
				}
				q := qualified{name, hint.name}
				if rec, v := r.st.idUnderSubject(q, id); rec != nil {
					return rec, q, v, nil
				}
			}
		}
	}
	if rec, q, v := r.st.firstUse(hint.ctx, id); rec != nil {
		return rec, q, v, nil
	}
	return nil, qualified{}, nil, errSchemaIDNotFound(raw)
}

// schemaByID serves GET /schemas/ids/{id}: SchemaString, with the subject
// and version it was read from when the request names a subject (any
// /contexts/{ctx} path does).
func (r *Registry) schemaByID(w http.ResponseWriter, req *http.Request) {
	var out schemaString
	var aerr *apiError
	r.withRLock(func() {
		rec, q, v, err := r.versionByID(req)
		if aerr = err; aerr != nil {
			return
		}
		_, present := idSubject(req)
		a := answerOf(rec, &q, v)
		out = a.schemaString(req.URL.Query().Get("format"), present)
		if boolParam(req, "fetchMaxId") {
			for id := range r.st.contexts[rec.ctx].byID {
				out.MaxID = max(out.MaxID, id)
			}
		}
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, out)
}

// schemaTextByID serves GET /schemas/ids/{id}/schema: the bare schema text.
func (r *Registry) schemaTextByID(w http.ResponseWriter, req *http.Request) {
	var text string
	var aerr *apiError
	r.withRLock(func() {
		rec, q, v, err := r.versionByID(req)
		if aerr = err; aerr == nil {
			a := answerOf(rec, &q, v)
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

// subjectsByID serves GET /schemas/ids/{id}/subjects.
func (r *Registry) subjectsByID(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	usages, aerr := r.usagesByID(req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	out := []string{}
	for _, sv := range usages {
		if len(out) == 0 || out[len(out)-1] != sv.Subject {
			out = append(out, sv.Subject)
		}
	}
	writeJSON(w, page(out, req))
}

// versionsByID serves GET /schemas/ids/{id}/versions.
func (r *Registry) versionsByID(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	usages, aerr := r.usagesByID(req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, page(usages, req))
}

// usagesByID lists the subject versions that use the request's {id}
// (soft-deleted ones with deleted=true), as the real server's
// listVersionsForId: an unknown ID answers 40403 "Schema not found" (no
// ID in the message), a schema only soft-deleted versions use an empty
// list.
func (r *Registry) usagesByID(req *http.Request) ([]registry.SubjectVersion, *apiError) {
	rec, _, _, aerr := r.versionByID(req)
	if aerr != nil {
		if aerr.code == int(registry.ErrSchemaNotFound) {
			aerr = errSchemaNotFound()
		}
		return nil, aerr
	}
	return r.st.usages(rec, boolParam(req, "deleted")), nil
}

// schemaByGUID serves GET /schemas/guids/{guid}.
func (r *Registry) schemaByGUID(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	recs := r.st.byGUID(strings.ToLower(req.PathValue("guid")))
	if len(recs) == 0 {
		writeError(w, errSchemaIDNotFound(req.PathValue("guid")))
		return
	}
	rec, q, v := r.st.firstUse(recs[0].ctx, recs[0].id)
	a := answerOf(rec, &q, v)
	writeJSON(w, a.schemaString(req.URL.Query().Get("format"), false))
}

// idsByGUID serves GET /schemas/guids/{guid}/ids: the schema's ID in each
// context that holds it.
func (r *Registry) idsByGUID(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	recs := r.st.byGUID(strings.ToLower(req.PathValue("guid")))
	if len(recs) == 0 {
		writeError(w, errSchemaIDNotFound(req.PathValue("guid")))
		return
	}
	type contextID struct {
		Context string `json:"context"`
		ID      int    `json:"id"`
	}
	out := []contextID{}
	for _, rec := range recs {
		ctx := rec.ctx
		if ctx == "" {
			ctx = "."
		}
		out = append(out, contextID{ctx, rec.id})
	}
	writeJSON(w, out)
}

// schemaTypes serves GET /schemas/types.
func (r *Registry) schemaTypes(w http.ResponseWriter, _ *http.Request) {
	out := []string{}
	for _, t := range []registry.SchemaType{registry.JSON, registry.Protobuf, registry.Avro} {
		if r.formats[t] != nil {
			out = append(out, string(t))
		}
	}
	writeJSON(w, out)
}

// listSchemas serves GET /schemas: every subject version, sorted by subject
// and version, filtered by subjectPrefix, deleted and latestOnly.
func (r *Registry) listSchemas(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	deleted := boolParam(req, "deleted")
	latestOnly := boolParam(req, "latestOnly")
	out := []schemaEntity{}
	for _, q := range r.subjectsMatching(req, deleted, false) {
		vs := r.st.subject(q).live(deleted)
		if latestOnly && len(vs) > 0 {
			vs = vs[len(vs)-1:]
		}
		for _, v := range vs {
			a := answerOf(v.rec, &q, v)
			out = append(out, a.entity(req.URL.Query().Get("format")))
		}
	}
	writeJSON(w, page(out, req))
}

// subjectsMatching lists the subjects a listing request names, sorted by
// qualified name, with live versions (or soft-deleted ones when deleted is
// set, or only soft-deleted ones when deletedOnly is set). As in the real
// server, subjectPrefix matches qualified names (":.ctx:name"), ":*:" (the
// default of GET /subjects) matches every context, ":.:" the default one,
// and a /contexts/{ctx} path qualifies a subjectPrefix that names no
// context with that context.
func (r *Registry) subjectsMatching(req *http.Request, deleted, deletedOnly bool) []qualified {
	prefix := req.URL.Query().Get("subjectPrefix")
	onlyCtx, restrict := reqContext(req), req.PathValue("context") != ""
	anyCtx := false
	switch {
	case strings.HasPrefix(prefix, ":*:"):
		prefix, anyCtx, restrict = prefix[3:], true, false
	case strings.HasPrefix(prefix, ":.:"):
		prefix, onlyCtx, restrict = prefix[3:], "", true
	case strings.HasPrefix(prefix, ":"):
		restrict = false // a qualified prefix names its own context
	}
	var out []qualified
	for _, name := range r.st.contextNames() {
		if restrict && name != onlyCtx {
			continue
		}
		for sname, sub := range r.st.contexts[name].subjects {
			q := qualified{name, sname}
			if restrict || anyCtx {
				if !strings.HasPrefix(sname, prefix) {
					continue
				}
			} else if !strings.HasPrefix(q.String(), prefix) {
				continue
			}
			if listed(sub, deleted, deletedOnly) {
				out = append(out, q)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// listed reports whether a listing shows the subject: it has live versions,
// or soft-deleted ones when deleted is set, or only those with deletedOnly.
func listed(sub *subjectRec, deleted, deletedOnly bool) bool {
	nLive, nDeleted := 0, 0
	for _, v := range sub.versions {
		if v.deleted {
			nDeleted++
		} else {
			nLive++
		}
	}
	if deletedOnly {
		return nDeleted > 0
	}
	return nLive > 0 || (deleted && nDeleted > 0)
}

// page applies the offset and limit query parameters to a listing.
func page[T any](items []T, req *http.Request) []T {
	if items == nil {
		items = []T{}
	}
	q := req.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if offset > 0 {
		if offset >= len(items) {
			return []T{}
		}
		items = items[offset:]
	}
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}
