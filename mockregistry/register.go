package mockregistry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// registerRequest is the body of register, lookup and compatibility calls
// (RegisterSchemaRequest). Unknown fields are ignored, as by the real server.
type registerRequest struct {
	Schema     string               `json:"schema"`
	SchemaType registry.SchemaType  `json:"schemaType,omitempty"`
	References []registry.Reference `json:"references,omitempty"`
	Metadata   *registry.Metadata   `json:"metadata,omitempty"`
	RuleSet    *registry.RuleSet    `json:"ruleSet,omitempty"`
	ID         int                  `json:"id,omitempty"`
	Version    int                  `json:"version,omitempty"`
}

func (req *registerRequest) toSchema() registry.Schema {
	return registry.Schema{Schema: req.Schema, SchemaType: req.SchemaType.Normalized(), References: req.References, Metadata: req.Metadata, RuleSet: req.RuleSet}
}

// schemaJSON is a schema as the real server renders it (the Schema entity,
// RegisterSchemaResponse and SchemaString share these fields).
type schemaJSON struct {
	Subject    string               `json:"subject,omitempty"`
	Version    int                  `json:"version,omitempty"`
	ID         int                  `json:"id,omitempty"`
	GUID       string               `json:"guid,omitempty"`
	SchemaType registry.SchemaType  `json:"schemaType,omitzero"`
	References []registry.Reference `json:"references,omitempty"`
	Metadata   *registry.Metadata   `json:"metadata,omitempty"`
	RuleSet    *registry.RuleSet    `json:"ruleSet,omitempty"`
	Schema     string               `json:"schema"`
	MaxID      int                  `json:"maxId,omitempty"`
}

// render returns rec's JSON for subject version v (v may be nil), with the
// schema text in the requested server-side format.
func render(rec *schemaRec, q *qualified, v *versionRec, format string) schemaJSON {
	out := schemaJSON{
		ID:         rec.id,
		GUID:       rec.guid,
		SchemaType: rec.schema.SchemaType,
		References: rec.schema.References,
		Metadata:   rec.schema.Metadata,
		RuleSet:    rec.schema.RuleSet,
		Schema:     formatText(rec, format),
	}
	if q != nil {
		out.Subject = q.String()
	}
	if v != nil {
		out.Version = v.version
	}
	return out
}

// formatText renders rec's text in a server-side format ("serialized" for
// Protobuf); formats the schema does not know leave the text unchanged, as
// the real server ignores them.
func formatText(rec *schemaRec, format string) string {
	if format == "" || format == "default" {
		return rec.schema.Schema
	}
	if f, ok := rec.parsed.(compat.Formatter); ok {
		if text, err := f.Format(format); err == nil {
			return text
		}
	}
	return rec.schema.Schema
}

// parse validates s (resolving its references in context ctx) with the
// format of its type.
func (r *Registry) parse(ctx string, s registry.Schema) (compat.Schema, *apiError) {
	t := s.SchemaType.Normalized()
	switch t {
	case registry.Avro, registry.Protobuf, registry.JSON:
	default:
		return nil, errInvalidSchema("Invalid schema type " + string(t))
	}
	if strings.TrimSpace(s.Schema) == "" {
		return nil, errInvalidSchema("Empty schema")
	}
	f := r.formats[t]
	if f == nil {
		return nil, errInvalidSchema(fmt.Sprintf("no checker for schema type %s: the mock registry has no format for it (add one with mockregistry.WithFormats)", t))
	}
	deps, aerr := r.st.resolveDeps(ctx, s.References)
	if aerr != nil {
		return nil, aerr
	}
	parsed, err := f.Parse(s.Schema, deps)
	if err != nil {
		return nil, errInvalidSchema(fmt.Sprintf("Invalid schema of type %s, details: %s", t, err))
	}
	return parsed, nil
}

// resolveDeps resolves refs (and their references, transitively) in context
// ctx, dependencies first, with the reference rules the serializers use
// (compat.ResolveReferences). A referenced schema's own references are
// looked up in the referenced subject's context.
func (s *store) resolveDeps(ctx string, refs []registry.Reference) ([]compat.Dependency, *apiError) {
	var missing *apiError
	deps, err := compat.ResolveReferences(context.Background(), qualifyRefs(refs, ctx), func(_ context.Context, ref registry.Reference) (compat.Dependency, error) {
		q := parseQualified(ref.Subject, "")
		var v *versionRec
		if ref.Name != "" && (ref.Version > 0 || ref.Version == registry.Latest) {
			v = s.subject(q).lookupVersion(ref.Version, true)
		}
		if v == nil {
			missing = errInvalidSchema(fmt.Sprintf("Invalid schema: reference '%s' to subject '%s' version %d could not be resolved", ref.Name, q.name, ref.Version))
			return compat.Dependency{}, missing
		}
		dep := compat.Dependency{Name: ref.Name, Subject: q.name, Version: v.version, Schema: v.rec.schema}
		dep.Schema.References = qualifyRefs(v.rec.schema.References, q.ctx)
		return dep, nil
	})
	if missing != nil {
		return nil, missing
	}
	if err != nil {
		return nil, errInvalidSchema("Invalid schema: " + err.Error())
	}
	return deps, nil
}

// qualifyRefs returns refs with each subject qualified by context ctx
// (unless it names its own), so that resolving them later finds them there.
func qualifyRefs(refs []registry.Reference, ctx string) []registry.Reference {
	if len(refs) == 0 {
		return nil
	}
	out := make([]registry.Reference, len(refs))
	for i, ref := range refs {
		ref.Subject = parseQualified(ref.Subject, ctx).String()
		out[i] = ref
	}
	return out
}

// register registers req under q (POST /subjects/{q}/versions). The caller
// holds r.mu for writing.
func (r *Registry) register(q qualified, req registerRequest, normalize bool) (schemaJSON, *apiError) {
	st := r.st
	if !validSubject(q) {
		return schemaJSON{}, errInvalidSubject(q.String())
	}
	if err := validateRuleSet(req.RuleSet); err != nil {
		return schemaJSON{}, err
	}
	mode := st.modeInScope(q)
	switch {
	case mode == registry.ReadOnly || mode == registry.ReadOnlyOverride:
		return schemaJSON{}, errNotPermitted(fmt.Sprintf("Subject %s is in read-only mode", q))
	case req.ID > 0 && mode != registry.Import:
		return schemaJSON{}, errNotPermitted(fmt.Sprintf("Subject %s is not in import mode", q))
	case req.ID <= 0 && mode == registry.Import:
		return schemaJSON{}, errNotPermitted(fmt.Sprintf("Subject %s is not in read-write mode", q))
	}
	cfg := st.configInScope(q)
	if cfg.Normalize != nil && *cfg.Normalize {
		normalize = true
	}
	sub := st.subject(q)
	live := sub.live(false)

	// Metadata and rules: inherit the latest version's, then apply the
	// config's defaults and overrides.
	s := req.toSchema()
	if s.Metadata == nil && len(live) > 0 {
		s.Metadata = live[len(live)-1].rec.schema.Metadata
	}
	if s.RuleSet == nil && len(live) > 0 {
		s.RuleSet = live[len(live)-1].rec.schema.RuleSet
	}
	s.Metadata = mergeMetadata(mergeMetadata(cfg.DefaultMetadata, s.Metadata), cfg.OverrideMetadata)
	s.RuleSet = mergeRuleSet(mergeRuleSet(cfg.DefaultRuleSet, s.RuleSet), cfg.OverrideRuleSet)

	parsed, aerr := r.parse(q.ctx, s)
	if aerr != nil {
		return schemaJSON{}, aerr
	}
	if normalize {
		s.Schema = parsed.Normalized()
	} else {
		s.Schema = parsed.Canonical()
	}
	key := identity(s)

	// The same schema registered again returns the existing version.
	for i := len(live) - 1; i >= 0; i-- {
		if v := live[i]; v.rec.key == key {
			if req.ID > 0 && req.ID != v.rec.id {
				return schemaJSON{}, errIDDoesNotMatch(fmt.Sprintf("Schema already registered with id %d instead of input id %d", v.rec.id, req.ID))
			}
			return render(v.rec, &q, v, ""), nil
		}
	}

	// IMPORT mode takes history as it is: no compatibility check.
	if msgs := r.checkCompatibility(q, cfg, st.compatibilityLevel(q), s, parsed, live); len(msgs) > 0 && mode != registry.Import {
		return schemaJSON{}, errIncompatible(q.String(), msgs)
	}

	c := st.context(q.ctx, true)
	rec := c.byKey[key]
	switch {
	case req.ID > 0 && rec != nil && rec.id != req.ID:
		return schemaJSON{}, errIDDoesNotMatch(fmt.Sprintf("Schema already registered with id %d instead of input id %d", rec.id, req.ID))
	case req.ID > 0 && rec == nil && c.byID[req.ID] != nil:
		return schemaJSON{}, errIDDoesNotMatch(fmt.Sprintf("Overwrite new schema with id %d is not permitted.", req.ID))
	}
	version := 1
	if sub != nil && len(sub.versions) > 0 {
		version = sub.versions[len(sub.versions)-1].version + 1
	}
	if req.Version > 0 {
		if mode != registry.Import && req.Version != version {
			return schemaJSON{}, errInvalidSchema(fmt.Sprintf("Version is not one more than previous version: %d", req.Version))
		}
		if sub.find(req.Version) != nil {
			return schemaJSON{}, errInvalidSchema(fmt.Sprintf("Version %d already exists in subject %s", req.Version, q))
		}
		if req.Version < version && mode == registry.Import {
			return schemaJSON{}, errInvalidSchema(fmt.Sprintf("Version %d is lower than the latest version of subject %s", req.Version, q))
		}
		version = req.Version
	}
	if rec == nil {
		id := req.ID
		if id <= 0 {
			id = c.nextID
		}
		guid := st.guidByKey[key]
		if guid == "" {
			guid = newGUID()
			st.guidByKey[key] = guid
		}
		rec = &schemaRec{ctx: q.ctx, id: id, guid: guid, key: key, schema: s, parsed: parsed}
		c.byID[id] = rec
		c.byKey[key] = rec
		if id >= c.nextID {
			c.nextID = id + 1
		}
	}
	if sub == nil {
		sub = &subjectRec{name: q.name}
		c.subjects[q.name] = sub
	}
	v := &versionRec{version: version, rec: rec, ts: r.cfg.now().UnixMilli()}
	sub.versions = append(sub.versions, v)
	return render(rec, &q, v, ""), nil
}

// lookup finds req among q's versions (POST /subjects/{q}).
func (r *Registry) lookup(q qualified, req registerRequest, normalize, deleted bool) (schemaJSON, *apiError) {
	st := r.st
	if !st.hasSubject(q, deleted) {
		return schemaJSON{}, errSubjectNotFound(q.String())
	}
	if cfg := st.configInScope(q); cfg.Normalize != nil && *cfg.Normalize {
		normalize = true
	}
	s := req.toSchema()
	parsed, aerr := r.parse(q.ctx, s)
	if aerr != nil {
		return schemaJSON{}, aerr
	}
	text := parsed.Canonical()
	if normalize {
		text = parsed.Normalized()
	}
	vs := st.subject(q).live(deleted)
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		old := v.rec
		oldText := old.schema.Schema
		if normalize {
			oldText = old.parsed.Normalized()
		}
		if (oldText != text && old.parsed.Canonical() != text) || old.schema.SchemaType.Normalized() != s.SchemaType.Normalized() {
			continue
		}
		if !refsEqual(old.schema.References, s.References) {
			continue
		}
		if s.Metadata != nil && !jsonEqual(old.schema.Metadata, s.Metadata) {
			continue
		}
		if s.RuleSet != nil && !jsonEqual(old.schema.RuleSet, s.RuleSet) {
			continue
		}
		return render(old, &q, v, ""), nil
	}
	return schemaJSON{}, errSchemaNotFound()
}

// identity is the key under which two registrations are the same schema:
// type, stored text, references, metadata and rules.
func identity(s registry.Schema) string {
	refs, _ := json.Marshal(s.References)
	md, _ := json.Marshal(s.Metadata)
	rs, _ := json.Marshal(s.RuleSet)
	return string(s.SchemaType.Normalized()) + "\x00" + s.Schema + "\x00" + string(refs) + "\x00" + string(md) + "\x00" + string(rs)
}

func refsEqual(a, b []registry.Reference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// jsonEqual compares two values by their JSON encoding (maps encode sorted).
func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// validateRuleSet applies the real server's RuleSet.validate checks: every
// rule has a name, names are unique, kinds and modes are known.
func validateRuleSet(rs *registry.RuleSet) *apiError {
	if rs == nil {
		return nil
	}
	names := map[string]bool{}
	check := func(rules []registry.Rule, migration bool) *apiError {
		for _, rule := range rules {
			if rule.Name == "" {
				return errInvalidRuleSet("Missing rule name")
			}
			if names[rule.Name] {
				return errInvalidRuleSet("Found rule with duplicate name '" + rule.Name + "'")
			}
			names[rule.Name] = true
			if rule.Type == "" {
				return errInvalidRuleSet("Missing rule type")
			}
			switch rule.Kind {
			case "", registry.RuleKindCondition, registry.RuleKindTransform:
			default:
				return errInvalidRuleSet("Invalid rule kind " + string(rule.Kind))
			}
			switch rule.Mode {
			case "":
			case registry.RuleModeUpgrade, registry.RuleModeDowngrade, registry.RuleModeUpDown:
				if !migration {
					return errInvalidRuleSet("Domain rules can only have modes WRITE, READ, or WRITEREAD")
				}
			case registry.RuleModeWrite, registry.RuleModeRead, registry.RuleModeWriteRead:
				if migration {
					return errInvalidRuleSet("Migration rules can only have modes UPGRADE, DOWNGRADE, or UPDOWN")
				}
			default:
				return errInvalidRuleSet("Invalid rule mode " + string(rule.Mode))
			}
		}
		return nil
	}
	if err := check(rs.MigrationRules, true); err != nil {
		return err
	}
	if err := check(rs.DomainRules, false); err != nil {
		return err
	}
	return check(rs.EncodingRules, false)
}
