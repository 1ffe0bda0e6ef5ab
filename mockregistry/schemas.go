package mockregistry

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// idContext returns the context an ID look-up runs in: the "subject" query
// parameter's context when it names one, else the request's context.
func idContext(req *http.Request) string {
	if s := req.URL.Query().Get("subject"); s != "" {
		return parseQualified(s, reqContext(req)).ctx
	}
	return reqContext(req)
}

// recByID finds the {id} of the request in its context. As the real
// server (getSchemaKeyUsingContexts), a "subject" hint in the default
// context outside a /contexts/{ctx} path also finds the ID in the other
// contexts when the default context lacks it; without a hint only the
// default context counts.
func (r *Registry) recByID(req *http.Request) (*schemaRec, *apiError) {
	raw := req.PathValue("id")
	id, err := strconv.Atoi(raw)
	if err != nil {
		return nil, errHTTP(http.StatusNotFound)
	}
	hint := parseQualified(req.URL.Query().Get("subject"), "")
	lenient := req.PathValue("context") == "" && hint.ctx == "" && hint.name != ""
	rec := r.st.schemaByID(idContext(req), id, lenient)
	if rec == nil {
		return nil, errSchemaIDNotFound(raw)
	}
	return rec, nil
}

// schemaByID serves GET /schemas/ids/{id}.
func (r *Registry) schemaByID(w http.ResponseWriter, req *http.Request) {
	var out schemaJSON
	var aerr *apiError
	r.withRLock(func() {
		var rec *schemaRec
		if rec, aerr = r.recByID(req); aerr != nil {
			return
		}
		out = render(rec, nil, nil, req.URL.Query().Get("format"))
		out.ID = 0 // the real server's SchemaString has no "id"
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
		var rec *schemaRec
		if rec, aerr = r.recByID(req); aerr == nil {
			text = formatText(rec, req.URL.Query().Get("format"))
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
	rec, aerr := r.recByID(req)
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
	writeJSON(w, render(recs[0], nil, nil, req.URL.Query().Get("format")))
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
	out := []schemaJSON{}
	for _, q := range r.subjectsMatching(req, deleted, false) {
		vs := r.st.subject(q).live(deleted)
		if latestOnly && len(vs) > 0 {
			vs = vs[len(vs)-1:]
		}
		for _, v := range vs {
			qq := q
			out = append(out, render(v.rec, &qq, v, req.URL.Query().Get("format")))
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

// formatByID renders the schema id of context ctx in the request's
// "format", or returns text when the request names none.
func (r *Registry) formatByID(ctx string, id int, req *http.Request, text string) string {
	f := req.URL.Query().Get("format")
	if f == "" {
		return text
	}
	if rec := r.st.schemaByID(ctx, id, false); rec != nil {
		return formatText(rec, f)
	}
	return text
}
