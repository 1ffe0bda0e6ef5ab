package mockregistry

import (
	"net/http"

	"github.com/srkit-go/srkit/registry"
)

// compatibilityResponse is CompatibilityCheckResponse.
type compatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// compatibilityAll serves POST /compatibility/subjects/{subject}/versions:
// the check register would make, against the versions the subject's level
// names.
func (r *Registry) compatibilityAll(w http.ResponseWriter, req *http.Request) {
	r.compatibility(w, req, false)
}

// compatibilityVersion serves POST
// /compatibility/subjects/{subject}/versions/{version}: the check against
// that one version ("latest" with no versions is compatible).
func (r *Registry) compatibilityVersion(w http.ResponseWriter, req *http.Request) {
	r.compatibility(w, req, true)
}

func (r *Registry) compatibility(w http.ResponseWriter, req *http.Request, oneVersion bool) {
	q := reqSubject(req)
	version := 0
	if oneVersion {
		var aerr *apiError
		if version, aerr = parseVersion(req.PathValue("version")); aerr != nil {
			writeError(w, aerr)
			return
		}
	}
	var body registerRequest
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	verbose := boolParam(req, "verbose")
	r.mu.RLock()
	defer r.mu.RUnlock()
	st := r.st
	previous := st.subject(q).live(false)
	if oneVersion {
		v := st.subject(q).lookupVersion(version, false)
		switch {
		case v != nil:
			previous = []*versionRec{v}
		case version == registry.Latest:
			previous = nil
		default:
			writeError(w, errVersionNotFound(version))
			return
		}
	}
	cfg := st.configInScope(q)
	s := body.toSchema()
	if s.Metadata == nil && len(previous) > 0 {
		s.Metadata = previous[len(previous)-1].rec.schema.Metadata
	}
	s.Metadata = mergeMetadata(mergeMetadata(cfg.DefaultMetadata, s.Metadata), cfg.OverrideMetadata)
	parsed, aerr := r.parse(q.ctx, s)
	if aerr != nil {
		if verbose {
			writeJSON(w, compatibilityResponse{IsCompatible: false, Messages: []string{aerr.msg}})
			return
		}
		writeError(w, aerr)
		return
	}
	msgs := r.checkCompatibility(q, cfg, st.compatibilityLevel(q), s, parsed, previous)
	out := compatibilityResponse{IsCompatible: len(msgs) == 0}
	if verbose {
		out.Messages = msgs
	}
	writeJSON(w, out)
}
