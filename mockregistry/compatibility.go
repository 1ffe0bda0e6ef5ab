package mockregistry

import (
	"fmt"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// checkCompatibility checks the new schema s (parsed) against previous, the
// subject's live versions oldest first, at level, the way Confluent's
// CompatibilityChecker does: non-transitive levels compare with the newest
// version only; transitive levels walk from newest to oldest and stop at the
// first incompatible version. It returns nil when compatible, else the
// verbose messages, ending with the {validateFields, compatibility} summary.
// With a compatibilityGroup configured, only versions whose metadata
// property of that name equals the new schema's are compared.
func (r *Registry) checkCompatibility(q qualified, cfg registry.Config, level registry.CompatibilityLevel, s registry.Schema, parsed compat.Schema, previous []*versionRec) []string {
	if group := cfg.CompatibilityGroup; group != "" {
		want := metadataProperty(s.Metadata, group)
		kept := previous[:0:0]
		for _, v := range previous {
			if metadataProperty(v.rec.schema.Metadata, group) == want {
				kept = append(kept, v)
			}
		}
		previous = kept
	}
	if len(previous) == 0 || level == registry.None || level == "" {
		return nil
	}
	transitive := false
	switch level {
	case registry.BackwardTransitive, registry.ForwardTransitive, registry.FullTransitive:
		transitive = true
	default:
		previous = previous[len(previous)-1:]
	}
	var msgs []string
	for i := len(previous) - 1; i >= 0; i-- {
		msgs = checkPair(level, s, parsed, previous[i])
		if len(msgs) > 0 || !transitive {
			break
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	validate := false
	if cfg.ValidateFields != nil {
		validate = *cfg.ValidateFields
	}
	return append(msgs, fmt.Sprintf("{validateFields: '%t', compatibility: '%s'}", validate, level))
}

// checkPair checks the new schema against one earlier version with the
// level's strategy (compat.CheckVersion: SchemaValidatorBuilder's canRead,
// canBeRead and mutualRead) and appends the old version and schema, as the
// real server does.
func checkPair(level registry.CompatibilityLevel, s registry.Schema, parsed compat.Schema, old *versionRec) []string {
	var msgs []string
	if old.rec.schema.SchemaType.Normalized() != s.SchemaType.Normalized() {
		msgs = []string{"Incompatible because of different schema type"}
	} else {
		msgs = compat.CheckVersion(level, parsed, old.rec.parsed)
	}
	if len(msgs) == 0 {
		return nil
	}
	msgs = append(msgs, fmt.Sprintf("{oldSchemaVersion: %d}", old.version))
	text := old.rec.schema.Schema
	if len(text) <= maxSchemaLog {
		return append(msgs, "{oldSchema: '"+text+"'}")
	}
	return append(msgs, fmt.Sprintf("{oldSchema: <truncated to %d characters> '%s'}", maxSchemaLog, text[:maxSchemaLog]))
}

// maxSchemaLog is how much of the old schema a message quotes.
const maxSchemaLog = 10 * 1024

func metadataProperty(md *registry.Metadata, name string) string {
	if md == nil {
		return ""
	}
	return md.Properties[name]
}

// mergeMetadata returns base overlaid with over: tags and properties of over
// win per key, sensitive names are united. Neither argument is modified.
func mergeMetadata(base, over *registry.Metadata) *registry.Metadata {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	out := &registry.Metadata{}
	if len(base.Tags)+len(over.Tags) > 0 {
		out.Tags = map[string][]string{}
		for k, v := range base.Tags {
			out.Tags[k] = v
		}
		for k, v := range over.Tags {
			out.Tags[k] = v
		}
	}
	if len(base.Properties)+len(over.Properties) > 0 {
		out.Properties = map[string]string{}
		for k, v := range base.Properties {
			out.Properties[k] = v
		}
		for k, v := range over.Properties {
			out.Properties[k] = v
		}
	}
	seen := map[string]bool{}
	for _, s := range append(append([]string(nil), base.Sensitive...), over.Sensitive...) {
		if !seen[s] {
			seen[s] = true
			out.Sensitive = append(out.Sensitive, s)
		}
	}
	return out
}

// mergeRuleSet returns base overlaid with over: in each phase, a rule of
// over replaces the rule of base with the same name, new rules are added at
// the end. Neither argument is modified.
func mergeRuleSet(base, over *registry.RuleSet) *registry.RuleSet {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	return &registry.RuleSet{
		MigrationRules: mergeRules(base.MigrationRules, over.MigrationRules),
		DomainRules:    mergeRules(base.DomainRules, over.DomainRules),
		EncodingRules:  mergeRules(base.EncodingRules, over.EncodingRules),
	}
}

func mergeRules(base, over []registry.Rule) []registry.Rule {
	if len(base)+len(over) == 0 {
		return nil
	}
	out := make([]registry.Rule, 0, len(base)+len(over))
	replaced := map[string]bool{}
	for _, r := range over {
		replaced[r.Name] = true
	}
	for _, r := range base {
		if !replaced[r.Name] {
			out = append(out, r)
		}
	}
	return append(out, over...)
}
