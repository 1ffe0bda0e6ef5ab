package mockregistry

import (
	"context"
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
	ID         *int                 `json:"id,omitempty"`
	Version    *int                 `json:"version,omitempty"`
}

func (req *registerRequest) toSchema() registry.Schema {
	return registry.Schema{Schema: req.Schema, SchemaType: req.SchemaType.Normalized(), References: req.References,
		Metadata: entityMetadata(req.Metadata), RuleSet: entityRuleSet(req.RuleSet)}
}

// candidate is a schema on its way through register or lookup: the server's
// Schema entity made from the request (new Schema(subject, request)).
type candidate struct {
	s       registry.Schema
	version int // 0 when the request has none, -1 for "latest"
	id      int // -1 when the request has none
}

func (req *registerRequest) candidate() candidate {
	c := candidate{s: req.toSchema(), id: -1}
	if req.Version != nil {
		c.version = *req.Version
	}
	if req.ID != nil {
		c.id = *req.ID
	}
	return c
}

// canonicalize parses c (canonicalizeSchema): its text becomes the
// format's canonical text, or the normalized one.
func (r *Registry) canonicalize(ctx string, c *candidate, normalize bool) (compat.Schema, *apiError) {
	parsed, aerr := r.parse(ctx, c.s)
	if aerr != nil {
		return nil, aerr
	}
	if normalize {
		c.s.Schema = parsed.Normalized()
	} else {
		c.s.Schema = parsed.Canonical()
	}
	return parsed, nil
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
