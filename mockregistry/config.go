package mockregistry

import (
	"net/http"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// configScope returns the config/mode key a request addresses: the
// {subject}, else the request's context, else global; and the subject for
// messages.
func configScope(req *http.Request) (key string, q qualified, isSubject bool) {
	if req.PathValue("subject") != "" {
		q = reqSubject(req)
		return q.String(), q, true
	}
	if ctx := reqContext(req); ctx != "" {
		return contextScope(ctx), qualified{ctx: ctx}, false
	}
	return "", qualified{}, false
}

// configUpdate is the body of PUT /config (ConfigUpdateRequest). The level
// is read from "compatibility" (and, leniently, "compatibilityLevel").
type configUpdate struct {
	Compatibility      registry.CompatibilityLevel `json:"compatibility,omitempty"`
	CompatibilityLevel registry.CompatibilityLevel `json:"compatibilityLevel,omitempty"`
	Alias              string                      `json:"alias,omitempty"`
	Normalize          *bool                       `json:"normalize,omitempty"`
	ValidateFields     *bool                       `json:"validateFields,omitempty"`
	ValidateRules      *bool                       `json:"validateRules,omitempty"`
	CompatibilityGroup string                      `json:"compatibilityGroup,omitempty"`
	DefaultMetadata    *registry.Metadata          `json:"defaultMetadata,omitempty"`
	OverrideMetadata   *registry.Metadata          `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     *registry.RuleSet           `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    *registry.RuleSet           `json:"overrideRuleSet,omitempty"`
}

// getConfig serves GET /config and /config/{subject}.
func (r *Registry) getConfig(w http.ResponseWriter, req *http.Request) {
	key, q, isSubject := configScope(req)
	r.mu.RLock()
	defer r.mu.RUnlock()
	cfg, ok := r.st.configs[key]
	switch {
	case ok:
	case boolParam(req, "defaultToGlobal") || !isSubject:
		cfg = r.st.configInScope(q)
		if cfg.CompatibilityLevel == "" {
			cfg.CompatibilityLevel = r.st.compatibilityLevel(q)
		}
	default:
		writeError(w, errSubjectCompatNotConfigured(q.String()))
		return
	}
	writeJSON(w, cfg)
}

// putConfig serves PUT /config and /config/{subject}: it merges the set
// fields into the scope's config and echoes the request.
func (r *Registry) putConfig(w http.ResponseWriter, req *http.Request) {
	var body configUpdate
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	key, q, isSubject := configScope(req)
	if isSubject && !validSubject(q) {
		writeError(w, errInvalidSubject(q.String()))
		return
	}
	level := body.Compatibility
	if level == "" {
		level = body.CompatibilityLevel
	}
	if level != "" {
		level = registry.CompatibilityLevel(strings.ToUpper(string(level)))
		if !level.Valid() {
			writeError(w, errInvalidCompatibility())
			return
		}
	}
	if aerr := validateRuleSet(body.DefaultRuleSet); aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := validateRuleSet(body.OverrideRuleSet); aerr != nil {
		writeError(w, aerr)
		return
	}
	r.mu.Lock()
	cfg := r.st.configs[key]
	if level != "" {
		cfg.CompatibilityLevel = level
	}
	if body.Alias != "" {
		cfg.Alias = body.Alias
	}
	if body.Normalize != nil {
		cfg.Normalize = body.Normalize
	}
	if body.ValidateFields != nil {
		cfg.ValidateFields = body.ValidateFields
	}
	if body.ValidateRules != nil {
		cfg.ValidateRules = body.ValidateRules
	}
	if body.CompatibilityGroup != "" {
		cfg.CompatibilityGroup = body.CompatibilityGroup
	}
	if body.DefaultMetadata != nil {
		cfg.DefaultMetadata = body.DefaultMetadata
	}
	if body.OverrideMetadata != nil {
		cfg.OverrideMetadata = body.OverrideMetadata
	}
	if body.DefaultRuleSet != nil {
		cfg.DefaultRuleSet = body.DefaultRuleSet
	}
	if body.OverrideRuleSet != nil {
		cfg.OverrideRuleSet = body.OverrideRuleSet
	}
	r.st.configs[key] = cfg
	r.mu.Unlock()
	body.Compatibility, body.CompatibilityLevel = level, ""
	writeJSON(w, body)
}

// deleteConfig serves DELETE /config and /config/{subject}: it removes the
// scope's config (resets the global one to BACKWARD) and answers the old one.
func (r *Registry) deleteConfig(w http.ResponseWriter, req *http.Request) {
	key, q, isSubject := configScope(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.st.configs[key]
	if !ok && isSubject {
		writeError(w, errSubjectCompatNotConfigured(q.String()))
		return
	}
	if key == "" {
		r.st.configs[""] = registry.Config{CompatibilityLevel: registry.Backward}
	} else {
		delete(r.st.configs, key)
	}
	writeJSON(w, old)
}

type modeBody struct {
	Mode registry.Mode `json:"mode"`
}

// getMode serves GET /mode and /mode/{subject}.
func (r *Registry) getMode(w http.ResponseWriter, req *http.Request) {
	key, q, isSubject := configScope(req)
	r.mu.RLock()
	defer r.mu.RUnlock()
	m, ok := r.st.modes[key]
	switch {
	case ok:
	case boolParam(req, "defaultToGlobal") || !isSubject:
		m = r.st.modeInScope(q)
	default:
		writeError(w, errSubjectModeNotConfigured(q.String()))
		return
	}
	writeJSON(w, modeBody{m})
}

// putMode serves PUT /mode and /mode/{subject}. IMPORT needs an empty scope
// unless force=true.
func (r *Registry) putMode(w http.ResponseWriter, req *http.Request) {
	var body modeBody
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	key, q, isSubject := configScope(req)
	if isSubject && !validSubject(q) {
		writeError(w, errInvalidSubject(q.String()))
		return
	}
	m := registry.Mode(strings.ToUpper(string(body.Mode)))
	if !m.Valid() {
		writeError(w, errInvalidMode())
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m == registry.Import && !boolParam(req, "force") && r.hasSchemasIn(key, q, isSubject) {
		writeError(w, errNotPermitted("Cannot import since found existing subjects"))
		return
	}
	r.st.modes[key] = m
	writeJSON(w, modeBody{m})
}

// hasSchemasIn reports whether the mode scope holds any subject version.
func (r *Registry) hasSchemasIn(key string, q qualified, isSubject bool) bool {
	if isSubject {
		return r.st.hasSubject(q, true)
	}
	for name, c := range r.st.contexts {
		if key != "" && name != q.ctx {
			continue
		}
		if len(c.subjects) > 0 {
			return true
		}
	}
	return false
}

// deleteMode serves DELETE /mode and /mode/{subject}: it removes the scope's
// mode (resets the global one to READWRITE) and answers the old one.
func (r *Registry) deleteMode(w http.ResponseWriter, req *http.Request) {
	key, q, isSubject := configScope(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.st.modes[key]
	if !ok && isSubject {
		writeError(w, errSubjectModeNotConfigured(q.String()))
		return
	}
	if key == "" {
		r.st.modes[""] = registry.ReadWrite
	} else {
		delete(r.st.modes, key)
	}
	if !ok {
		old = registry.ReadWrite
	}
	writeJSON(w, modeBody{old})
}

// listContexts serves GET /contexts: "." and every context that holds
// subjects, sorted.
func (r *Registry) listContexts(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []string{"."}
	for _, name := range r.st.contextNames() {
		if name != "" && len(r.st.contexts[name].subjects) > 0 {
			out = append(out, name)
		}
	}
	writeJSON(w, page(out, req))
}

// deleteContext serves DELETE /contexts/{context}: only an empty context
// can be deleted.
func (r *Registry) deleteContext(w http.ResponseWriter, req *http.Request) {
	ctx := reqContext(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.st.contexts[ctx]; c != nil && len(c.subjects) > 0 {
		writeError(w, errContextNotEmpty(req.PathValue("context")))
		return
	}
	if ctx != "" {
		delete(r.st.contexts, ctx)
		delete(r.st.configs, contextScope(ctx))
		delete(r.st.modes, contextScope(ctx))
	}
	w.WriteHeader(http.StatusNoContent)
}
