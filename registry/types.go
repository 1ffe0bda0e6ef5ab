package registry

import (
	"encoding/json"
	"strconv"
	"strings"
)

// SchemaType names a schema format as the registry spells it. Confluent
// Schema Registry 7.x omits "schemaType" for Avro and 8.x always sends it
// ("AVRO" included), so the empty value also means Avro: the client reads
// both as "" (so that answers of either version compare equal), never
// sends "schemaType" for Avro, and compares types with [SchemaType.Normalized].
type SchemaType string

// UnmarshalJSON reads a schema type, "AVRO" (any case) as "", the form
// that omits it.
func (t *SchemaType) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if strings.EqualFold(s, string(Avro)) {
		s = ""
	}
	*t = SchemaType(s)
	return nil
}

// canonical returns t with [Avro] mapped to "", the form answers decode to.
func (t SchemaType) canonical() SchemaType {
	if t.IsZero() {
		return ""
	}
	return t
}

// The schema types Confluent Schema Registry supports.
const (
	Avro     SchemaType = "AVRO"
	Protobuf SchemaType = "PROTOBUF"
	JSON     SchemaType = "JSON"
)

// Normalized returns t with the empty value mapped to [Avro].
func (t SchemaType) Normalized() SchemaType {
	if t == "" {
		return Avro
	}
	return t
}

// IsZero reports whether t is omitted on the wire: the registry leaves
// "schemaType" out for Avro schemas. It lets `json:",omitzero"` drop the field.
func (t SchemaType) IsZero() bool { return t == "" || t == Avro }

// Reference points from a schema to another schema registered under its own
// subject. Name is how the referring schema names it: the full record name in
// Avro, the import path in Protobuf, the $ref URL in JSON Schema.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Metadata is the free-form metadata attached to a schema version: tags on
// field paths, string properties and the names of sensitive properties.
type Metadata struct {
	Tags       map[string][]string `json:"tags,omitempty"`
	Properties map[string]string   `json:"properties,omitempty"`
	Sensitive  []string            `json:"sensitive,omitempty"`
}

// RuleKind says whether a rule checks (CONDITION) or rewrites (TRANSFORM).
type RuleKind string

// Rule kinds.
const (
	RuleKindCondition RuleKind = "CONDITION"
	RuleKindTransform RuleKind = "TRANSFORM"
)

// RuleMode says when a rule runs.
type RuleMode string

// Rule modes. UPGRADE, DOWNGRADE and UPDOWN apply to migration rules; WRITE,
// READ and WRITEREAD to domain and encoding rules.
const (
	RuleModeUpgrade   RuleMode = "UPGRADE"
	RuleModeDowngrade RuleMode = "DOWNGRADE"
	RuleModeUpDown    RuleMode = "UPDOWN"
	RuleModeWrite     RuleMode = "WRITE"
	RuleModeRead      RuleMode = "READ"
	RuleModeWriteRead RuleMode = "WRITEREAD"
)

// Rule is one data-contract rule of a [RuleSet].
type Rule struct {
	Name      string            `json:"name"`
	Doc       string            `json:"doc,omitempty"`
	Kind      RuleKind          `json:"kind,omitempty"`
	Mode      RuleMode          `json:"mode,omitempty"`
	Type      string            `json:"type,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Expr      string            `json:"expr,omitempty"`
	OnSuccess string            `json:"onSuccess,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
	Disabled  bool              `json:"disabled,omitempty"`
}

// RuleSet groups a schema's data-contract rules by phase.
type RuleSet struct {
	MigrationRules []Rule `json:"migrationRules,omitempty"`
	DomainRules    []Rule `json:"domainRules,omitempty"`
	EncodingRules  []Rule `json:"encodingRules,omitempty"`
	// EnableAt says where the rules run: "" or "ALL" (clients and
	// server), "CLIENT", or another environment (then clients skip them).
	EnableAt string `json:"enableAt,omitempty"`
}

// IsEmpty reports whether rs is nil or holds no rules.
func (rs *RuleSet) IsEmpty() bool {
	return rs == nil || len(rs.MigrationRules)+len(rs.DomainRules)+len(rs.EncodingRules) == 0
}

// Schema is a schema as the registry stores it: the text, its type, the
// schemas it references, metadata and rules.
type Schema struct {
	Schema     string      `json:"schema"`
	SchemaType SchemaType  `json:"schemaType,omitzero"`
	References []Reference `json:"references,omitempty"`
	Metadata   *Metadata   `json:"metadata,omitempty"`
	RuleSet    *RuleSet    `json:"ruleSet,omitempty"`
}

// Type returns the schema's type, [Avro] when the registry omitted it.
func (s *Schema) Type() SchemaType { return s.SchemaType.Normalized() }

// SubjectSchema is a schema together with where the registry keeps it: its
// global ID, its GUID, and the subject and version it was registered under,
// as Confluent Schema Registry answers reads and registrations (its Schema
// and SchemaString entities; 7.x and 8.x shapes alike). Fields the server
// did not send are zero.
type SubjectSchema struct {
	Subject string `json:"subject,omitempty"`
	Version int    `json:"version,omitempty"`
	ID      int    `json:"id"`
	GUID    string `json:"guid,omitempty"`
	Schema
	// Timestamp is when the version was registered, in Unix milliseconds
	// ("ts", sent by Confluent Schema Registry 8.x).
	Timestamp int64 `json:"ts,omitempty"`
	// Deleted says the version is soft-deleted ("deleted", 8.x; only
	// answers to calls with [Deleted] can carry true).
	Deleted bool `json:"deleted,omitempty"`
	// SchemaTags are the tags attached to records and fields of the schema
	// ("schemaTags").
	SchemaTags []SchemaTags `json:"schemaTags,omitempty"`
}

// SchemaTags are tags attached to one element of a schema.
type SchemaTags struct {
	SchemaEntity SchemaEntity `json:"schemaEntity"`
	Tags         []string     `json:"tags"`
}

// SchemaEntity names an element of a schema: a record ("sr_record") or a
// field ("sr_field") by its path.
type SchemaEntity struct {
	EntityPath string `json:"entityPath"`
	EntityType string `json:"entityType"`
}

// SubjectVersion names one version of one subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// CompatibilityLevel is a subject's or the registry's compatibility setting.
type CompatibilityLevel string

// Compatibility levels.
const (
	None               CompatibilityLevel = "NONE"
	Backward           CompatibilityLevel = "BACKWARD"
	BackwardTransitive CompatibilityLevel = "BACKWARD_TRANSITIVE"
	Forward            CompatibilityLevel = "FORWARD"
	ForwardTransitive  CompatibilityLevel = "FORWARD_TRANSITIVE"
	Full               CompatibilityLevel = "FULL"
	FullTransitive     CompatibilityLevel = "FULL_TRANSITIVE"
)

// Valid reports whether l is one of the seven levels the registry knows.
func (l CompatibilityLevel) Valid() bool {
	switch l {
	case None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive:
		return true
	}
	return false
}

// Config is the registry's configuration resource (GET/PUT /config and
// /config/{subject}). On PUT only the fields that are set are changed.
//
// The registry answers GET with "compatibilityLevel" and accepts PUT with
// "compatibility"; Config reads both and writes "compatibility".
type Config struct {
	CompatibilityLevel CompatibilityLevel `json:"compatibilityLevel,omitempty"`
	Alias              string             `json:"alias,omitempty"`
	Normalize          *bool              `json:"normalize,omitempty"`
	ValidateFields     *bool              `json:"validateFields,omitempty"`
	ValidateRules      *bool              `json:"validateRules,omitempty"`
	CompatibilityGroup string             `json:"compatibilityGroup,omitempty"`
	DefaultMetadata    *Metadata          `json:"defaultMetadata,omitempty"`
	OverrideMetadata   *Metadata          `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     *RuleSet           `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    *RuleSet           `json:"overrideRuleSet,omitempty"`
}

// UnmarshalJSON reads a config as GET answers it ("compatibilityLevel")
// and as PUT takes and answers it ("compatibility"). Unknown fields are
// ignored.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	var v struct {
		plain
		Compatibility CompatibilityLevel `json:"compatibility"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Config(v.plain)
	if c.CompatibilityLevel == "" {
		c.CompatibilityLevel = v.Compatibility
	}
	return nil
}

// Mode is a subject's or the registry's mode.
type Mode string

// Modes.
const (
	ReadWrite Mode = "READWRITE"
	ReadOnly  Mode = "READONLY"
	// ReadOnlyOverride is READONLY that also overrides subject-level modes.
	ReadOnlyOverride Mode = "READONLY_OVERRIDE"
	Import           Mode = "IMPORT"
)

// Valid reports whether m is a mode the registry knows.
func (m Mode) Valid() bool {
	switch m {
	case ReadWrite, ReadOnly, ReadOnlyOverride, Import:
		return true
	}
	return false
}

// CompatibilityResult is the answer of a compatibility check. Messages are
// filled when the check was verbose.
type CompatibilityResult struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// Latest is the version number that names a subject's latest version.
const Latest = -1

// versionString renders a version for a URL path: "latest" for [Latest].
func versionString(v int) string {
	if v == Latest {
		return "latest"
	}
	return strconv.Itoa(v)
}
