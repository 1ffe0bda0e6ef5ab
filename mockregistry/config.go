package mockregistry

import (
	"net/http"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// configScope is what a /config or /mode request addresses.
type configScope struct {
	key string    // the configs/modes key: "" global, ":.ctx:" a context, else a qualified subject
	q   qualified // the subject (name "" for a context)
	// own is set for a subject or a context: the real server rewrites
	// /contexts/{ctx}/config to /config/:.ctx:, so a context's config and
	// mode behave like a subject's (40408/40409 on GET when unset, 40401
	// on DELETE).
	own bool
	// subject is set when a {subject} other than a bare context is named.
	subject bool
}

// scopeOf returns the scope a request addresses: the {subject}, else the
// request's context, else global.
func scopeOf(req *http.Request) configScope {
	if req.PathValue("subject") != "" {
		q := reqSubject(req)
		return configScope{key: q.String(), q: q, own: q.String() != "", subject: q.name != ""}
	}
	if ctx := reqContext(req); ctx != "" {
		return configScope{key: contextScope(ctx), q: qualified{ctx: ctx}, own: true}
	}
	return configScope{}
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
	sc := scopeOf(req)
	r.mu.RLock()
	defer r.mu.RUnlock()
	cfg, ok := r.st.configs[sc.key]
	switch {
	case ok:
	case boolParam(req, "defaultToGlobal") || !sc.own:
		cfg = r.st.configInScope(sc.q)
		if cfg.CompatibilityLevel == "" {
			cfg.CompatibilityLevel = r.st.compatibilityLevel(sc.q)
		}
	default:
		writeError(w, errSubjectCompatNotConfigured(sc.q.String()))
		return
	}
	writeJSON(w, cfg)
}

// putConfig serves PUT /config and /config/{subject}: it merges the set
// fields into the scope's config and answers the resulting config in the
// request's form ("compatibility"), as Confluent 8 does.
func (r *Registry) putConfig(w http.ResponseWriter, req *http.Request) {
	var body configUpdate
	if aerr := readJSON(req, &body); aerr != nil {
		writeError(w, aerr)
		return
	}
	sc := scopeOf(req)
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
	if sc.subject && !validSubject(sc.q) {
		writeError(w, errInvalidSubject(sc.q.String()))
		return
	}
	var cfg registry.Config
	r.withLock(func() {
		cfg = r.st.configs[sc.key]
		mergeConfigUpdate(&cfg, &body, level)
		r.st.configs[sc.key] = cfg
	})
	writeJSON(w, configUpdate{
		Compatibility:      cfg.CompatibilityLevel,
		Alias:              cfg.Alias,
		Normalize:          cfg.Normalize,
		ValidateFields:     cfg.ValidateFields,
		ValidateRules:      cfg.ValidateRules,
		CompatibilityGroup: cfg.CompatibilityGroup,
		DefaultMetadata:    cfg.DefaultMetadata,
		OverrideMetadata:   cfg.OverrideMetadata,
		DefaultRuleSet:     cfg.DefaultRuleSet,
		OverrideRuleSet:    cfg.OverrideRuleSet,
	})
}

// mergeConfigUpdate sets in cfg the fields the update sets.
func mergeConfigUpdate(cfg *registry.Config, body *configUpdate, level registry.CompatibilityLevel) {
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
}

// deleteConfig serves DELETE /config and /config/{subject}: it removes the
// scope's config (resets the global one to the registry's initial level)
// and answers the old one. A subject or context without a config of its
// own answers 40401, as the real server does.
func (r *Registry) deleteConfig(w http.ResponseWriter, req *http.Request) {
	sc := scopeOf(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.st.configs[sc.key]
	if !ok && sc.own {
		writeError(w, errSubjectNotFound(sc.q.String()))
		return
	}
	if sc.key == "" {
		r.st.configs[""] = registry.Config{CompatibilityLevel: r.st.defaultLevel}
	} else {
		delete(r.st.configs, sc.key)
	}
	writeJSON(w, old)
}

type modeBody struct {
	Mode registry.Mode `json:"mode"`
}

// getMode serves GET /mode and /mode/{subject}.
func (r *Registry) getMode(w http.ResponseWriter, req *http.Request) {
	sc := scopeOf(req)
	r.mu.RLock()
	defer r.mu.RUnlock()
	m, ok := r.st.modes[sc.key]
	switch {
	case ok:
	case boolParam(req, "defaultToGlobal") || !sc.own:
		m = r.st.modeInScope(sc.q)
	default:
		writeError(w, errSubjectModeNotConfigured(sc.q.String()))
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
	sc := scopeOf(req)
	if sc.subject && !validSubject(sc.q) {
		writeError(w, errInvalidSubject(sc.q.String()))
		return
	}
	m := registry.Mode(strings.ToUpper(string(body.Mode)))
	if !m.Valid() {
		writeError(w, errInvalidMode())
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m == registry.Import && !boolParam(req, "force") && r.hasSchemasIn(sc) {
		writeError(w, errNotPermitted("Cannot import since found existing subjects"))
		return
	}
	r.st.modes[sc.key] = m
	writeJSON(w, modeBody{m})
}

// hasSchemasIn reports whether the mode scope holds any subject version.
func (r *Registry) hasSchemasIn(sc configScope) bool {
	if sc.subject {
		return r.st.hasSubject(sc.q, true)
	}
	for name, c := range r.st.contexts {
		if sc.key != "" && name != sc.q.ctx {
			continue
		}
		if len(c.subjects) > 0 {
			return true
		}
	}
	return false
}

// deleteMode serves DELETE /mode and /mode/{subject}: it removes the scope's
// mode (resets the global one to READWRITE) and answers the old one. A
// subject or context without a mode of its own answers 40401, as the real
// server does.
func (r *Registry) deleteMode(w http.ResponseWriter, req *http.Request) {
	sc := scopeOf(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.st.modes[sc.key]
	if !ok && sc.own {
		writeError(w, errSubjectNotFound(sc.q.String()))
		return
	}
	if sc.key == "" {
		r.st.modes[""] = registry.ReadWrite
	} else {
		delete(r.st.modes, sc.key)
	}
	if !ok {
		old = registry.ReadWrite
	}
	writeJSON(w, modeBody{old})
}

// listContexts serves GET /contexts: "." and every context that holds
// subjects, sorted, filtered by contextPrefix.
func (r *Registry) listContexts(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	prefix := req.URL.Query().Get("contextPrefix")
	out := []string{}
	if strings.HasPrefix(".", prefix) {
		out = append(out, ".")
	}
	for _, name := range r.st.contextNames() {
		if name != "" && len(r.st.contexts[name].subjects) > 0 && strings.HasPrefix(name, prefix) {
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
