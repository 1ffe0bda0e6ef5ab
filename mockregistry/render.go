package mockregistry

import (
	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
)

// The answers below are Confluent Schema Registry 8's entities, field for
// field and in the order Jackson writes them (@JsonInclude(NON_EMPTY): no
// null, empty string or empty list; false and 0 are written).

// answer is a schema to answer with: what the server's Schema entity holds
// at the end of a register, lookup or read.
type answer struct {
	subject string
	version int
	id      int
	s       registry.Schema // type, text, references, metadata, rule set
	parsed  compat.Schema   // s parsed, for format=...
	// stored is set when the answer is the stored version itself
	// (toSchemaEntity: it then has ts and deleted).
	stored  bool
	ts      int64
	deleted bool
}

// answerOf returns version v of subject q (v may be nil: the schema alone)
// as the server reads it from its store.
func answerOf(rec *schemaRec, q *qualified, v *versionRec) answer {
	a := answer{id: rec.id, s: rec.schema, parsed: rec.parsed, stored: v != nil}
	if q != nil {
		a.subject = q.String()
	}
	if v != nil {
		a.version, a.ts, a.deleted = v.version, v.ts, v.deleted
	}
	return a
}

func (a *answer) guid() string { return guidOf(schemaHash(a.s)) }

func (a *answer) text(format string) string {
	if format == "" || format == "default" || a.parsed == nil {
		return a.s.Schema
	}
	if f, ok := a.parsed.(compat.Formatter); ok {
		if text, err := f.Format(format); err == nil {
			return text
		}
	}
	return a.s.Schema
}

func (a *answer) schemaType() registry.SchemaType { return a.s.SchemaType.Normalized() }

func (a *answer) tsPtr() *int64 {
	if !a.stored {
		return nil
	}
	return &a.ts
}

func (a *answer) deletedPtr() *bool {
	if !a.stored {
		return nil
	}
	return &a.deleted
}

// schemaEntity is the Schema entity: version reads, lookups, listings.
// Jackson puts its creator's properties first (the creator names the rule
// set "ruleset", which no getter has), so "ruleSet" comes last.
type schemaEntity struct {
	Subject    string               `json:"subject,omitempty"`
	Version    int                  `json:"version,omitempty"`
	ID         int                  `json:"id,omitempty"`
	GUID       string               `json:"guid,omitempty"`
	SchemaType registry.SchemaType  `json:"schemaType,omitempty"`
	References []registry.Reference `json:"references,omitempty"`
	Metadata   jsonMetadata         `json:"metadata,omitzero"`
	Schema     string               `json:"schema,omitempty"`
	Ts         *int64               `json:"ts,omitempty"`
	Deleted    *bool                `json:"deleted,omitempty"`
	RuleSet    jsonRuleSet          `json:"ruleSet,omitzero"`
}

func (a *answer) entity(format string) schemaEntity {
	return schemaEntity{
		Subject: a.subject, Version: a.version, ID: a.id, GUID: a.guid(), SchemaType: a.schemaType(),
		References: a.s.References, Metadata: jsonMetadata{a.s.Metadata}, Schema: a.text(format),
		Ts: a.tsPtr(), Deleted: a.deletedPtr(), RuleSet: jsonRuleSet{a.s.RuleSet},
	}
}

// schemaString is the SchemaString entity: GET /schemas/ids/{id} and
// /schemas/guids/{guid}.
type schemaString struct {
	Subject    string               `json:"subject,omitempty"`
	Version    int                  `json:"version,omitempty"`
	GUID       string               `json:"guid,omitempty"`
	SchemaType registry.SchemaType  `json:"schemaType,omitempty"`
	Schema     string               `json:"schema,omitempty"`
	References []registry.Reference `json:"references,omitempty"`
	Metadata   jsonMetadata         `json:"metadata,omitzero"`
	RuleSet    jsonRuleSet          `json:"ruleSet,omitzero"`
	MaxID      int                  `json:"maxId,omitempty"`
	Ts         *int64               `json:"ts,omitempty"`
	Deleted    *bool                `json:"deleted,omitempty"`
}

// schemaString renders a as SchemaString; withSubject keeps the subject and
// version (the server keeps them when the request names a subject).
func (a *answer) schemaString(format string, withSubject bool) schemaString {
	out := schemaString{
		GUID: a.guid(), SchemaType: a.schemaType(), Schema: a.text(format), References: a.s.References,
		Metadata: jsonMetadata{a.s.Metadata}, RuleSet: jsonRuleSet{a.s.RuleSet}, Ts: a.tsPtr(), Deleted: a.deletedPtr(),
	}
	if withSubject {
		out.Subject, out.Version = a.subject, a.version
	}
	return out
}

// registerResponse is RegisterSchemaResponse.
type registerResponse struct {
	ID         int                  `json:"id"`
	Version    int                  `json:"version,omitempty"`
	GUID       string               `json:"guid,omitempty"`
	SchemaType registry.SchemaType  `json:"schemaType,omitempty"`
	References []registry.Reference `json:"references,omitempty"`
	Metadata   jsonMetadata         `json:"metadata,omitzero"`
	RuleSet    jsonRuleSet          `json:"ruleSet,omitzero"`
	Schema     string               `json:"schema,omitempty"`
	Ts         *int64               `json:"ts,omitempty"`
	Deleted    *bool                `json:"deleted,omitempty"`
}

func (a *answer) registerResponse(format string) registerResponse {
	return registerResponse{
		ID: a.id, Version: a.version, GUID: a.guid(), SchemaType: a.schemaType(), References: a.s.References,
		Metadata: jsonMetadata{a.s.Metadata}, RuleSet: jsonRuleSet{a.s.RuleSet}, Schema: a.text(format),
		Ts: a.tsPtr(), Deleted: a.deletedPtr(),
	}
}

// jsonMetadata writes a Metadata entity: tags, properties and sensitive in
// Java's sorted order, empty ones left out ({} when all are empty).
type jsonMetadata struct{ md *registry.Metadata }

func (j jsonMetadata) IsZero() bool { return j.md == nil }

func (j jsonMetadata) MarshalJSON() ([]byte, error) {
	md := entityMetadata(j.md)
	if md == nil {
		return []byte("null"), nil
	}
	b := []byte{'{'}
	b = appendTags(b, "tags", md.Tags)
	b = appendStringMap(b, "properties", md.Properties)
	b = appendStrings(b, "sensitive", md.Sensitive)
	return append(b, '}'), nil
}

// jsonRuleSet writes a RuleSet entity; every rule has its kind, mode and
// disabled flag, as the server's Rule entity.
type jsonRuleSet struct{ rs *registry.RuleSet }

func (j jsonRuleSet) IsZero() bool { return j.rs == nil }

func (j jsonRuleSet) MarshalJSON() ([]byte, error) {
	rs := entityRuleSet(j.rs)
	if rs == nil {
		return []byte("null"), nil
	}
	b := []byte{'{'}
	b = appendRules(b, "migrationRules", rs.MigrationRules)
	b = appendRules(b, "domainRules", rs.DomainRules)
	b = appendRules(b, "encodingRules", rs.EncodingRules)
	if rs.EnableAt != "" {
		b = appendKey(b, "enableAt")
		b = jsontree.AppendString(b, rs.EnableAt)
	}
	return append(b, '}'), nil
}

func appendRules(b []byte, key string, rules []registry.Rule) []byte {
	if len(rules) == 0 {
		return b
	}
	b = appendKey(b, key)
	b = append(b, '[')
	for i, r := range rules {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendStr(b, "name", r.Name)
		b = appendStr(b, "doc", r.Doc)
		b = appendStr(b, "kind", string(r.Kind))
		b = appendStr(b, "mode", string(r.Mode))
		b = appendStr(b, "type", r.Type)
		b = appendStrings(b, "tags", r.Tags)
		b = appendStringMap(b, "params", r.Params)
		b = appendStr(b, "expr", r.Expr)
		b = appendStr(b, "onSuccess", r.OnSuccess)
		b = appendStr(b, "onFailure", r.OnFailure)
		b = appendKey(b, "disabled")
		if r.Disabled {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendKey appends "key": after a comma unless b just opened an object.
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = jsontree.AppendString(b, key)
	return append(b, ':')
}

func appendStr(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return jsontree.AppendString(appendKey(b, key), v)
}

func appendStrings(b []byte, key string, vs []string) []byte {
	if len(vs) == 0 {
		return b
	}
	b = append(appendKey(b, key), '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontree.AppendString(b, v)
	}
	return append(b, ']')
}

func appendStringMap(b []byte, key string, m map[string]string) []byte {
	if len(m) == 0 {
		return b
	}
	b = append(appendKey(b, key), '{')
	for _, k := range javaSortedKeys(m) {
		b = appendKey(b, k)
		b = jsontree.AppendString(b, m[k])
	}
	return append(b, '}')
}

func appendTags(b []byte, key string, m map[string][]string) []byte {
	if len(m) == 0 {
		return b
	}
	b = append(appendKey(b, key), '{')
	for _, k := range javaSortedKeys(m) {
		b = appendKey(b, k)
		b = append(b, '[')
		for i, v := range m[k] {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsontree.AppendString(b, v)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
