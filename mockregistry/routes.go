package mockregistry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// routes builds the REST API's mux. Every Schema Registry path is also served
// under /contexts/{context}/, which runs it in that schema context.
func (r *Registry) routes() http.Handler {
	mux := http.NewServeMux()
	both := func(method, path string, h func(http.ResponseWriter, *http.Request)) {
		mux.HandleFunc(method+" "+path, h)
		mux.HandleFunc(method+" /contexts/{context}"+path, h)
	}
	mux.HandleFunc("GET /{$}", r.root)
	mux.HandleFunc("POST /{$}", r.root)

	both("GET", "/schemas", r.listSchemas)
	both("GET", "/schemas/types", r.schemaTypes)
	both("GET", "/schemas/ids/{id}", r.schemaByID)
	both("GET", "/schemas/ids/{id}/schema", r.schemaTextByID)
	both("GET", "/schemas/ids/{id}/subjects", r.subjectsByID)
	both("GET", "/schemas/ids/{id}/versions", r.versionsByID)
	both("GET", "/schemas/guids/{guid}", r.schemaByGUID)
	both("GET", "/schemas/guids/{guid}/ids", r.idsByGUID)

	both("GET", "/subjects", r.listSubjects)
	both("POST", "/subjects/{subject}", r.lookupSchema)
	both("DELETE", "/subjects/{subject}", r.deleteSubject)
	both("GET", "/subjects/{subject}/metadata", r.latestWithMetadata)
	both("GET", "/subjects/{subject}/versions", r.listVersions)
	both("POST", "/subjects/{subject}/versions", r.registerSchema)
	both("GET", "/subjects/{subject}/versions/{version}", r.getVersion)
	both("GET", "/subjects/{subject}/versions/{version}/schema", r.getVersionText)
	both("GET", "/subjects/{subject}/versions/{version}/referencedby", r.referencedBy)
	both("DELETE", "/subjects/{subject}/versions/{version}", r.deleteVersion)

	both("POST", "/compatibility/subjects/{subject}/versions", r.compatibilityAll)
	both("POST", "/compatibility/subjects/{subject}/versions/{version}", r.compatibilityVersion)

	both("GET", "/config", r.getConfig)
	both("PUT", "/config", r.putConfig)
	both("DELETE", "/config", r.deleteConfig)
	both("GET", "/config/{subject}", r.getConfig)
	both("PUT", "/config/{subject}", r.putConfig)
	both("DELETE", "/config/{subject}", r.deleteConfig)
	both("GET", "/mode", r.getMode)
	both("PUT", "/mode", r.putMode)
	both("DELETE", "/mode", r.deleteMode)
	both("GET", "/mode/{subject}", r.getMode)
	both("PUT", "/mode/{subject}", r.putMode)
	both("DELETE", "/mode/{subject}", r.deleteMode)

	mux.HandleFunc("GET /contexts", r.listContexts)
	mux.HandleFunc("DELETE /contexts/{context}", r.deleteContext)

	mux.HandleFunc("GET /associations/subjects/{subject}", r.noAssociations)
	mux.HandleFunc("GET /associations/resources/{id}", r.noAssociations)
	mux.HandleFunc("GET /associations/resources/{namespace}/{name}", r.noAssociations)

	mux.HandleFunc("GET /v1/metadata/id", r.serverID)
	mux.HandleFunc("GET /v1/metadata/version", r.serverVersion)

	r.dekRoutes(mux)
	h := r.logRequests(recoverPanics(r.middleware(defaultContextPaths(jsonErrors(mux)))))
	return capBodies(h, r.limits.MaxRequestBytes)
}

// recoverPanics answers a panic in a handler (a bug, for example in a
// format given with WithFormats) with a 500 and error code 50001 instead of
// crashing the process that serves the registry in-process.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeError(w, &apiError{status: http.StatusInternalServerError, code: int(registry.ErrStoreError),
					msg: fmt.Sprintf("mockregistry: internal error: %v", v)})
			}
		}()
		next.ServeHTTP(w, req)
	})
}

// defaultContextPaths serves "/contexts/./..." (the default context, which
// clients such as franz-go's name ".") as the path without the prefix, and
// "/contexts/." as "/contexts/:.:". http.ServeMux would otherwise redirect
// them to a cleaned path that names no context.
func defaultContextPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p, ok := stripDefaultContext(req.URL.Path)
		if !ok {
			next.ServeHTTP(w, req)
			return
		}
		u := *req.URL
		u.Path = p
		u.RawPath, _ = stripDefaultContext(u.RawPath)
		// The server's ContextFilter gives an ID look-up under a context
		// path a "subject" (the context's prefix, "" for the default one).
		if strings.HasPrefix(p, "/schemas/ids/") {
			if qv := u.Query(); !qv.Has("subject") {
				qv.Set("subject", "")
				u.RawQuery = qv.Encode()
			}
		}
		r2 := req.Clone(req.Context())
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// stripDefaultContext rewrites a path that starts with the default
// context's prefix "/contexts/.".
func stripDefaultContext(p string) (string, bool) {
	const dot = "/contexts/."
	switch {
	case p == dot || p == dot+"/":
		return "/contexts/:.:", true
	case strings.HasPrefix(p, dot+"/"):
		return p[len(dot):], true
	}
	return p, false
}

// jsonErrors answers paths and methods the mux does not serve with the JSON
// error body the real server (Jersey) sends.
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h, pattern := mux.Handler(req)
		if pattern != "" {
			mux.ServeHTTP(w, req) // sets the path values
			return
		}
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, req)
		status := rec.status
		if status == 0 || status == http.StatusOK {
			status = http.StatusNotFound
		}
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		writeError(w, errHTTP(status))
	})
}

// statusRecorder captures the status a handler writes and drops the body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
}

// reqContext returns the schema context a request runs in: the
// /contexts/{context} path prefix, else the default context.
func reqContext(req *http.Request) string { return normalizeContext(req.PathValue("context")) }

// reqSubject returns the request's {subject} qualified in the request's
// context.
func reqSubject(req *http.Request) qualified {
	return parseQualified(req.PathValue("subject"), reqContext(req))
}

// boolParam reads a boolean query parameter as JAX-RS does: "true" in any
// case is true, anything else false.
func boolParam(req *http.Request, name string) bool {
	return strings.EqualFold(req.URL.Query().Get(name), "true")
}

// parseVersion parses a {version} path segment: "latest", -1 or 1..2^31-1.
func parseVersion(s string) (int, *apiError) {
	if strings.EqualFold(s, "latest") {
		return registry.Latest, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || (n < 1 && n != -1) {
		return 0, errInvalidVersion(s)
	}
	return int(n), nil
}

// readJSON decodes the request body into v. An empty body is an error.
func readJSON(req *http.Request, v any) *apiError {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return errReadBody(err)
	}
	if strings.TrimSpace(string(body)) == "" {
		return &apiError{status: http.StatusUnprocessableEntity, code: http.StatusUnprocessableEntity, msg: "Request body is missing"}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errBadJSON(err)
	}
	return nil
}

func (r *Registry) root(w http.ResponseWriter, _ *http.Request) { writeJSON(w, struct{}{}) }

func (r *Registry) serverID(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]string{"scope": "", "id": "mockregistry"})
}

func (r *Registry) serverVersion(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]string{"version": "8.0.0-mockregistry", "commitId": "mockregistry"})
}

// noAssociations answers association look-ups. The mock keeps no
// associations: every look-up answers an empty list, as the real server does
// for a resource or subject without associations.
func (r *Registry) noAssociations(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, []registry.Association{})
}
