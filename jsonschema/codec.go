package jsonschema

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// WithSchema gives the JSON Schema explicitly, as text (registered as given)
// and the registered schemas it references: a reference's name is the
// "$ref" that names it ("$ref": "address.json" →
// registry.Reference{Name: "address.json", Subject: ..., Version: ...}).
// The deserializer ignores it: it validates against the writer's schema.
func WithSchema(schema string, refs ...registry.Reference) serde.Option {
	return serde.WithSchema(registry.JSON, schema, refs...)
}

// NewSerializer returns a serializer of values of T as JSON framed the
// Confluent way (magic byte and schema ID or GUID, then the JSON text).
//
// The writer schema is, in order of precedence: the registered schema with
// serde.UseSchemaID, the subject's latest (serde.UseLatest,
// serde.UseLatestWithMetadata), the schema given with [WithSchema], or the
// schema [DeriveSchema] derives from T (from each value's dynamic type when T
// is an interface type). Values are validated against the writer schema
// before they are written unless serde.Validate(false) is given; a value
// that does not match is a [*ValidationError].
//
// T is any type encoding/json can marshal: structs (the schema's property
// order follows the json field names of the struct), map[string]any,
// []any, any. The body is encoding/json's output, so maps are written with
// sorted keys, as confluent-kafka-go writes them.
func NewSerializer[T any](client *registry.Client, part serde.Part, opts ...serde.SerializerOption) (*serde.Serializer[T], error) {
	cfg, err := serde.NewSerializerConfig(registry.JSON, opts...)
	if err != nil {
		return nil, err
	}
	c, err := newWriterCodec[T](client, cfg, collectSettings(opts))
	if err != nil {
		return nil, err
	}
	return serde.NewSerializer[T](client, part, c, cfg)
}

// NewDeserializer returns a deserializer of Confluent-framed JSON into
// values of T. Bodies are validated against their writer schema (fetched
// from the registry by ID or GUID, with its references, and compiled once)
// unless serde.Validate(false) is given; a body that does not match is a
// [*ValidationError].
//
// T is any type encoding/json can unmarshal into. For any, map[string]any
// and []any the body is decoded once and the decoded value is both
// validated and returned (numbers as float64, as encoding/json decodes
// them).
func NewDeserializer[T any](client *registry.Client, part serde.Part, opts ...serde.DeserializerOption) (*serde.Deserializer[T], error) {
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		return nil, err
	}
	if err := checkType(reflect.TypeFor[T](), true); err != nil {
		return nil, err
	}
	c := &readerCodec[T]{validate: cfg.Validate, mode: decodeModeFor[T](), limits: collectSettings(opts).limits}
	return serde.NewDeserializer[T](client, part, c, cfg)
}

// writerCodec is the serde.WriterCodec for JSON Schema.
type writerCodec[T any] struct {
	client  *registry.Client
	cfg     serde.SerializerConfig
	fixed   bool                  // the writer schema comes from the registry
	dynamic bool                  // derive the schema from each value's type
	static  *serde.ResolvedSchema // derived from T at construction
	limits  Limits
	cache   compileCache
}

func newWriterCodec[T any](client *registry.Client, cfg serde.SerializerConfig, set settings) (*writerCodec[T], error) {
	t := reflect.TypeFor[T]()
	c := &writerCodec[T]{
		client: client,
		cfg:    cfg,
		limits: set.limits,
		fixed:  cfg.SchemaID != 0 || cfg.UseLatest || cfg.LatestWithMetadata != nil,
	}
	if t.Kind() != reflect.Interface {
		if err := checkType(t, false); err != nil {
			return nil, err
		}
	}
	if s := cfg.Schema; s != nil {
		if s.SchemaType != "" && s.SchemaType != registry.JSON {
			return nil, fmt.Errorf("jsonschema: the given schema is %s, not JSON", s.SchemaType)
		}
		if _, err := jsontree.Parse([]byte(s.Schema)); err != nil {
			return nil, schemaError(err)
		}
		return c, nil
	}
	if c.fixed {
		return c, nil
	}
	if t.Kind() == reflect.Interface {
		c.dynamic = true
		return c, nil
	}
	text, err := DeriveSchema(t)
	if err != nil {
		return nil, err
	}
	c.static = &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{
		Schema: registry.Schema{Schema: text, SchemaType: registry.JSON},
	}}
	return c, nil
}

// SchemaType implements serde.WriterCodec.
func (c *writerCodec[T]) SchemaType() registry.SchemaType { return registry.JSON }

// UsesMessageIndexes implements serde.WriterCodec.
func (c *writerCodec[T]) UsesMessageIndexes() bool { return false }

// SchemaKey implements serde.WriterCodec: the value's dynamic type when the
// schema is derived from it, else one key for all values.
func (c *writerCodec[T]) SchemaKey(v T) any {
	if c.dynamic {
		return reflect.TypeOf(any(v))
	}
	return nil
}

// Schema implements serde.WriterCodec.
func (c *writerCodec[T]) Schema(ctx context.Context, v T) (*serde.ResolvedSchema, string, error) {
	switch {
	case c.cfg.Schema != nil:
		deps, err := serde.ResolveDependencies(ctx, c.client, c.cfg.Schema.References)
		if err != nil {
			return nil, "", err
		}
		s := *c.cfg.Schema
		s.SchemaType = registry.JSON
		return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: s}, Deps: deps}, titleOf(s.Schema), nil
	case c.fixed:
		// The registry supplies the schema; nothing to derive.
		return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{SchemaType: registry.JSON}}}, "", nil
	case c.dynamic:
		text, err := DeriveSchema(reflect.TypeOf(any(v)))
		if err != nil {
			return nil, "", err
		}
		return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{
			Schema: registry.Schema{Schema: text, SchemaType: registry.JSON},
		}}, titleOf(text), nil
	}
	s := *c.static
	return &s, titleOf(s.Schema.Schema), nil
}

// Encoder implements serde.WriterCodec.
func (c *writerCodec[T]) Encoder(_ context.Context, writer *serde.ResolvedSchema, _ T) (serde.Encoder[T], []int, error) {
	if writer.Type() != registry.JSON {
		return nil, nil, fmt.Errorf("jsonschema: schema %d is %s, not JSON", writer.ID, writer.Type())
	}
	e := &encoder[T]{limits: c.limits}
	rules := !writer.RuleSet.IsEmpty()
	if c.cfg.Validate || rules {
		s, err := c.cache.get(writer)
		if err != nil {
			return nil, nil, err
		}
		if c.cfg.Validate {
			e.schema = s
		}
		if rules {
			return ruleEncoder[T]{e, newRuleView[T](s, writer.Metadata, decodeModeFor[T](), c.limits)}, nil, nil
		}
	}
	return e, nil, nil
}

// readerCodec is the serde.ReaderCodec for JSON Schema.
type readerCodec[T any] struct {
	validate bool
	mode     decodeMode
	limits   Limits
	cache    compileCache
}

// SchemaType implements serde.ReaderCodec.
func (c *readerCodec[T]) SchemaType() registry.SchemaType { return registry.JSON }

// UsesMessageIndexes implements serde.ReaderCodec.
func (c *readerCodec[T]) UsesMessageIndexes() bool { return false }

// RecordName implements serde.ReaderCodec: the schema's "title", as
// Confluent's record-name strategies use for JSON Schema.
func (c *readerCodec[T]) RecordName(writer *serde.ResolvedSchema, _ []int) (string, error) {
	return titleOf(writer.Schema.Schema), nil
}

// Decoder implements serde.ReaderCodec. JSON has no schema resolution: the
// body is validated against the writer schema and decoded as it is.
func (c *readerCodec[T]) Decoder(_ context.Context, writer *serde.ResolvedSchema, _ []int, _ *serde.ResolvedSchema) (serde.Decoder[T], error) {
	if writer.Type() != registry.JSON {
		return nil, fmt.Errorf("jsonschema: schema %d is %s, not JSON", writer.ID, writer.Type())
	}
	d := &decoder[T]{mode: c.mode, limits: c.limits}
	rules := !writer.RuleSet.IsEmpty()
	if c.validate || rules {
		s, err := c.cache.get(writer)
		if err != nil {
			return nil, err
		}
		if c.validate {
			d.schema = s
		}
		if rules {
			return ruleDecoder[T]{d, newRuleView[T](s, writer.Metadata, c.mode, c.limits)}, nil
		}
	}
	return d, nil
}

// compileCache holds the compiled schemas of one codec by registry ID, so
// that each schema is compiled once however many topics use it. It is used
// when encoders and decoders are built, never per message.
type compileCache struct {
	mu   sync.Mutex
	byID map[int]*Schema
}

func (c *compileCache) get(rs *serde.ResolvedSchema) (*Schema, error) {
	if rs.ID <= 0 {
		// Not a registered schema (serde always passes one): nothing to
		// key a cache entry by.
		return Parse(rs.Schema.Schema, rs.Deps...)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.byID[rs.ID]; ok {
		return s, nil
	}
	s, err := Parse(rs.Schema.Schema, rs.Deps...)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", rs.ID, err)
	}
	if c.byID == nil {
		c.byID = map[int]*Schema{}
	}
	c.byID[rs.ID] = s
	return s, nil
}

// errNotJSONObject is returned when map[string]any is asked to hold a
// non-object.
var errNotJSONObject = errors.New("jsonschema: the message is not a JSON object")
