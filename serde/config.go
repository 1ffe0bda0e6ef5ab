package serde

import (
	"maps"

	"github.com/srkit-go/srkit/registry"
)

// IDPlacement says where a serializer writes the schema reference.
type IDPlacement int

// Schema reference placements.
const (
	// PayloadID writes magic 0 and the 4-byte schema ID before the body
	// (Confluent's default; every reader understands it).
	PayloadID IDPlacement = iota
	// PayloadGUID writes magic 1 and the 16-byte schema GUID before the body.
	PayloadGUID
	// HeaderGUID writes magic 1, the GUID (and Protobuf message indexes) into
	// the record header __key_schema_id / __value_schema_id; the payload is
	// the bare body.
	HeaderGUID
)

// SerializerConfig holds a serializer's settings. Build it with
// [NewSerializerConfig]; format packages read the fields that concern them.
type SerializerConfig struct {
	// AutoRegister registers the schema when the subject does not have it
	// (default true). When false the serializer looks the schema up and fails
	// if it is not registered.
	AutoRegister bool
	// Normalize asks the registry to normalize the schema on register and
	// lookup.
	Normalize bool
	// SchemaID, when not 0, is the ID of the registered schema to write with;
	// the serializer neither registers nor looks up.
	SchemaID int
	// SchemaGUID, when not empty, is the GUID of the registered schema to
	// write with (Confluent's use.schema.guid); like SchemaID, the
	// serializer neither registers nor looks up.
	SchemaGUID string
	// StrictCompatibility refuses a registered schema the serializer was
	// told to write with (SchemaID, SchemaGUID, the latest version) unless
	// it can read data written in the serializer's own schema (T's, or the
	// one given with WithSchema), as Confluent's latest.compatibility.strict
	// and id.compatibility.strict do. Off by default; needs a format that
	// offers compatibility checks (avro, protobuf, jsonschema).
	StrictCompatibility bool
	// UseLatest writes with the subject's latest registered schema.
	UseLatest bool
	// LatestWithMetadata, when not nil, writes with the latest version of the
	// subject whose metadata properties include all of these.
	LatestWithMetadata map[string]string
	// Placement says where the schema reference goes.
	Placement IDPlacement
	// SubjectNameStrategy chooses the subject; nil means [TopicNameStrategy].
	SubjectNameStrategy SubjectNameStrategy
	// Schema, when not nil, is the writer schema to register or look up,
	// instead of one derived from the Go type (Avro, JSON Schema).
	Schema *registry.Schema
	// Validate checks values against the schema before writing them (JSON
	// Schema; on by default). Avro and Protobuf encoders always enforce their
	// schema's structure.
	Validate bool
	// ReferenceSubjectNameStrategy names the subject a referenced schema is
	// registered under (Protobuf imports); nil means the reference name (the
	// import path), as Confluent's default strategy does.
	ReferenceSubjectNameStrategy func(referenceName string) string
	// DeprecatedIndexes writes Protobuf message indexes in the deprecated
	// unsigned encoding ([DeprecatedIndexes]) that confluent-kafka-python
	// before 1.8.2 and .NET before 1.8.0 read (Confluent's
	// use.deprecated.format). Format packages set it (protobuf).
	DeprecatedIndexes bool
	// RuleExecutors, RuleActions and RuleOverrides configure the
	// data-contract rules of the schemas written ([WithRuleExecutors],
	// [WithRuleActions], [WithRuleOverrides]).
	RuleExecutors []RuleExecutor
	RuleActions   []RuleAction
	RuleOverrides []RuleOverride
	// CacheCapacity is how many writer schemas (and their compiled codecs)
	// are kept ([CacheCapacity]); 0 means [DefaultCacheCapacity].
	CacheCapacity int
	// Hooks are told about serializations, deserializations, schema
	// resolutions and rule runs ([WithHooks]).
	Hooks []Hook
}

// DeserializerConfig holds a deserializer's settings. Build it with
// [NewDeserializerConfig].
type DeserializerConfig struct {
	// UseLatest reads into the subject's latest registered schema (resolving
	// from the writer schema where the format can).
	UseLatest bool
	// LatestWithMetadata, when not nil, reads into the latest version of the
	// subject whose metadata properties include all of these.
	LatestWithMetadata map[string]string
	// SubjectNameStrategy chooses the subject for UseLatest and
	// LatestWithMetadata; nil means [TopicNameStrategy].
	SubjectNameStrategy SubjectNameStrategy
	// Schema, when not nil, is the reader schema (Avro generic values).
	Schema *registry.Schema
	// Validate checks decoded values against the writer schema (JSON
	// Schema; on by default).
	Validate bool
	// DeprecatedIndexes reads Protobuf message indexes in the deprecated
	// unsigned encoding ([DeprecatedIndexes]). Format packages set it
	// (protobuf).
	DeprecatedIndexes bool
	// IgnoreIDHeaders reads the schema reference from the payload only,
	// ignoring schema-ID record headers (Confluent's
	// PrefixSchemaIdDeserializer).
	IgnoreIDHeaders bool
	// RuleExecutors, RuleActions and RuleOverrides configure the
	// data-contract rules of the schemas read ([WithRuleExecutors],
	// [WithRuleActions], [WithRuleOverrides]).
	RuleExecutors []RuleExecutor
	RuleActions   []RuleAction
	RuleOverrides []RuleOverride
	// CacheCapacity is how many writer schemas (and their compiled codecs)
	// are kept ([CacheCapacity]); 0 means [DefaultCacheCapacity].
	CacheCapacity int
	// Hooks are told about serializations, deserializations, schema
	// resolutions and rule runs ([WithHooks]).
	Hooks []Hook
}

// SerializerOption configures a serializer.
type SerializerOption interface{ applySerializer(*SerializerConfig) }

// DeserializerOption configures a deserializer.
type DeserializerOption interface{ applyDeserializer(*DeserializerConfig) }

// Option configures serializers and deserializers alike.
type Option interface {
	SerializerOption
	DeserializerOption
}

type serOpt func(*SerializerConfig)

func (f serOpt) applySerializer(c *SerializerConfig) { f(c) }

type deserOpt func(*DeserializerConfig)

func (f deserOpt) applyDeserializer(c *DeserializerConfig) { f(c) }

type bothOpt struct {
	ser   func(*SerializerConfig)
	deser func(*DeserializerConfig)
}

func (o bothOpt) applySerializer(c *SerializerConfig)     { o.ser(c) }
func (o bothOpt) applyDeserializer(c *DeserializerConfig) { o.deser(c) }

// NewSerializerConfig returns the default serializer settings with opts
// applied, for a serializer of schemaType. An option of another format (a
// [FormatOption] of another schema type, a [WithSchema] schema of another
// type) is an error matching [ErrForeignOption].
func NewSerializerConfig(schemaType registry.SchemaType, opts ...SerializerOption) (SerializerConfig, error) {
	c := SerializerConfig{AutoRegister: true, Validate: true}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := checkFormat(schemaType, o); err != nil {
			return c, err
		}
		o.applySerializer(&c)
	}
	return c, checkSchemaType(schemaType, c.Schema)
}

// NewDeserializerConfig returns the default deserializer settings with opts
// applied, for a deserializer of schemaType. An option of another format is
// an error matching [ErrForeignOption].
func NewDeserializerConfig(schemaType registry.SchemaType, opts ...DeserializerOption) (DeserializerConfig, error) {
	c := DeserializerConfig{Validate: true}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := checkFormat(schemaType, o); err != nil {
			return c, err
		}
		o.applyDeserializer(&c)
	}
	return c, checkSchemaType(schemaType, c.Schema)
}

// AutoRegister turns registering unknown schemas on or off (default on).
func AutoRegister(on bool) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.AutoRegister = on })
}

// Normalize turns on or off asking the registry to normalize schemas on
// register and lookup (default off; Confluent's normalize.schemas). It is
// the serializer's switch for [registry.Normalize], the per-call parameter.
func Normalize(on bool) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.Normalize = on })
}

// UseSchemaID writes every message with the registered schema id.
func UseSchemaID(id int) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.SchemaID = id })
}

// UseSchemaGUID writes every message with the registered schema of that
// GUID.
func UseSchemaGUID(guid string) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.SchemaGUID = guid })
}

// StrictCompatibility turns on or off the check that a registered schema a
// serializer writes with (UseSchemaID, UseSchemaGUID, UseLatest,
// UseLatestWithMetadata) can read data written in its own schema; see
// SerializerConfig.StrictCompatibility.
func StrictCompatibility(on bool) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.StrictCompatibility = on })
}

// IgnoreSchemaIDHeaders makes a deserializer read the schema reference from
// the payload only (Confluent's PrefixSchemaIdDeserializer); by default a
// schema-ID header wins over the payload.
func IgnoreSchemaIDHeaders() DeserializerOption {
	return deserOpt(func(c *DeserializerConfig) { c.IgnoreIDHeaders = true })
}

// WithPlacement chooses where the schema reference goes (default [PayloadID]).
func WithPlacement(p IDPlacement) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.Placement = p })
}

// WithReferenceSubjectNameStrategy names the subjects referenced schemas are
// registered under (Protobuf imports).
func WithReferenceSubjectNameStrategy(f func(referenceName string) string) SerializerOption {
	return serOpt(func(c *SerializerConfig) { c.ReferenceSubjectNameStrategy = f })
}

// UseLatest makes a serializer write with, or a deserializer read into, the
// subject's latest registered schema.
func UseLatest() Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.UseLatest = true },
		deser: func(c *DeserializerConfig) { c.UseLatest = true },
	}
}

// UseLatestWithMetadata makes a serializer write with, or a deserializer read
// into, the latest version of the subject whose metadata properties include
// all of md.
func UseLatestWithMetadata(md map[string]string) Option {
	md = maps.Clone(md)
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.LatestWithMetadata = md },
		deser: func(c *DeserializerConfig) { c.LatestWithMetadata = md },
	}
}

// WithSubjectNameStrategy sets how subjects are named (default
// [TopicNameStrategy]).
func WithSubjectNameStrategy(s SubjectNameStrategy) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.SubjectNameStrategy = s },
		deser: func(c *DeserializerConfig) { c.SubjectNameStrategy = s },
	}
}

// WithSchema gives the schema explicitly: the writer schema for a
// serializer, the reader schema for a deserializer. refs name the registered
// schemas it references.
func WithSchema(schemaType registry.SchemaType, schema string, refs ...registry.Reference) Option {
	s := &registry.Schema{Schema: schema, SchemaType: schemaType, References: refs}
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.Schema = s },
		deser: func(c *DeserializerConfig) { c.Schema = s },
	}
}

// Validate turns validation of values against the schema on or off, on write
// and on read (JSON Schema; default on).
func Validate(on bool) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.Validate = on },
		deser: func(c *DeserializerConfig) { c.Validate = on },
	}
}

// WithRuleExecutors gives the executors that run the schemas' data-contract
// rules, one per rule type (rules.Standard() gives CEL, CEL_FIELD and
// JSONATA; package encryption gives ENCRYPT and ENCRYPT_PAYLOAD). A rule of
// a type no executor runs fails with [ErrNoRuleExecutor], and its onFailure
// action decides (ERROR by default). Several calls add up; two executors of
// one type are an error.
func WithRuleExecutors(execs ...RuleExecutor) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.RuleExecutors = append(c.RuleExecutors, execs...) },
		deser: func(c *DeserializerConfig) { c.RuleExecutors = append(c.RuleExecutors, execs...) },
	}
}

// WithRuleActions gives rule actions besides the built-in ERROR, NONE and
// DLQ (an action of type DLQ replaces the built-in one). Several calls add
// up.
func WithRuleActions(actions ...RuleAction) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.RuleActions = append(c.RuleActions, actions...) },
		deser: func(c *DeserializerConfig) { c.RuleActions = append(c.RuleActions, actions...) },
	}
}

// WithRuleOverrides changes, on this serializer or deserializer only,
// whether rules run and which actions follow them (see [RuleOverride]).
// Several calls add up.
func WithRuleOverrides(overrides ...RuleOverride) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.RuleOverrides = append(c.RuleOverrides, overrides...) },
		deser: func(c *DeserializerConfig) { c.RuleOverrides = append(c.RuleOverrides, overrides...) },
	}
}

// CacheCapacity sets how many writer schemas a serializer or deserializer
// keeps compiled (default [DefaultCacheCapacity]; less than 1 means the
// default). Beyond it the least recently used are evicted, and rebuilt from
// the registry client's cache when met again.
func CacheCapacity(n int) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.CacheCapacity = n },
		deser: func(c *DeserializerConfig) { c.CacheCapacity = n },
	}
}

func cacheCapacity(n int) int {
	if n < 1 {
		return DefaultCacheCapacity
	}
	return n
}
