package protobuf

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// NewSerializer returns a serializer for Protobuf messages of type T: a
// generated message type (*pb.Order), or an interface type such as
// proto.Message (or *dynamicpb.Message) to write messages of several types
// through one serializer.
//
// The schema of a message is its .proto file, printed as Confluent's Go
// serializer prints it. With auto-registration (the default) the serializer
// registers the file's imports first, recursively, each under its own
// subject (the import path, or what serde.WithReferenceSubjectNameStrategy
// says), and references them; without it, it looks them up. Builtin imports
// (see [IsKnownDependency]) are never registered. The schema is printed and
// registered once per message type and topic; serializing a message then
// costs the wire prefix and proto.MarshalAppend.
//
// Besides the serde options it takes [RegisterSerialized], [Deterministic],
// [WithSchema], [QualifiedReferenceSubjects], [UseDeprecatedFormat] and
// [WithLimits].
func NewSerializer[T any](client *registry.Client, part serde.Part, opts ...serde.SerializerOption) (*serde.Serializer[T], error) {
	cfg, err := serde.NewSerializerConfig(registry.Protobuf, opts...)
	if err != nil {
		return nil, err
	}
	set := collect(opts)
	if set.deprecatedIndexes {
		cfg.DeprecatedIndexes = true
	}
	c, err := newWriterCodec[T](client, cfg, set)
	if err != nil {
		return nil, err
	}
	return serde.NewSerializer[T](client, part, c, cfg)
}

// fixedKey is the schema key of a serializer whose T has one message type.
type fixedKey struct{}

// nilKey is the schema key of a message without a descriptor (a nil
// dynamic message).
type nilKey struct{}

type writerCodec[T any] struct {
	client  *registry.Client
	cfg     serde.SerializerConfig
	fixed   protoreflect.MessageDescriptor // nil when T's values carry their own type
	texts   *textCache
	files   *fileCache
	enc     *encoder[T]
	refName func(string) string
}

func newWriterCodec[T any](client *registry.Client, cfg serde.SerializerConfig, set settings) (*writerCodec[T], error) {
	md, perValue, err := messageTypeOf[T]()
	if err != nil {
		return nil, err
	}
	c := &writerCodec[T]{
		client:  client,
		cfg:     cfg,
		enc:     &encoder[T]{opts: proto.MarshalOptions{Deterministic: set.deterministic}},
		refName: cfg.ReferenceSubjectNameStrategy,
		texts:   newTextCache(set.registerSerialized, cfg.CacheCapacity),
		files:   newFileCache(set.limits, cfg.CacheCapacity),
	}
	if !perValue {
		c.fixed = md
	}
	if c.refName == nil {
		c.refName = func(name string) string { return name }
	}
	return c, nil
}

var (
	protoMessageType   = reflect.TypeFor[proto.Message]()
	dynamicMessageType = reflect.TypeFor[*dynamicpb.Message]()
)

// messageTypeOf inspects T once: a generated message type gives its
// descriptor; interface types and *dynamicpb.Message give perValue (each
// value names its own type).
func messageTypeOf[T any]() (md protoreflect.MessageDescriptor, perValue bool, err error) {
	t := reflect.TypeFor[T]() // never nil: an interface T gives the interface type
	if !t.Implements(protoMessageType) {
		return nil, false, fmt.Errorf("protobuf: %v does not implement proto.Message", t)
	}
	if t.Kind() == reflect.Interface || t == dynamicMessageType {
		return nil, true, nil
	}
	defer func() {
		if r := recover(); r != nil {
			md, perValue, err = nil, false, fmt.Errorf("protobuf: %v has no static message type (%v); use proto.Message", t, r)
		}
	}()
	var zero T
	md = any(zero).(proto.Message).ProtoReflect().Descriptor()
	if md == nil {
		return nil, false, fmt.Errorf("protobuf: %v has no message descriptor", t)
	}
	return md, false, nil
}

func (c *writerCodec[T]) SchemaType() registry.SchemaType { return registry.Protobuf }

func (c *writerCodec[T]) UsesMessageIndexes() bool { return true }

func (c *writerCodec[T]) SchemaKey(v T) any {
	if c.fixed != nil {
		return fixedKey{}
	}
	m := any(v).(proto.Message).ProtoReflect()
	if dm, ok := m.(*dynamicpb.Message); m == nil || ok && dm == nil {
		return nilKey{}
	}
	return m.Descriptor()
}

// descriptor returns the message type of v.
func (c *writerCodec[T]) descriptor(v T) (protoreflect.MessageDescriptor, error) {
	if c.fixed != nil {
		return c.fixed, nil
	}
	if k, ok := c.SchemaKey(v).(protoreflect.MessageDescriptor); ok {
		return k, nil
	}
	return nil, errors.New("protobuf: nil message")
}

func (c *writerCodec[T]) Schema(ctx context.Context, v T) (*serde.ResolvedSchema, string, error) {
	md, err := c.descriptor(v)
	if err != nil {
		return nil, "", err
	}
	recordName := string(md.FullName())
	if s := c.cfg.Schema; s != nil {
		deps, err := serde.ResolveDependencies(ctx, c.client, s.References)
		if err != nil {
			return nil, "", err
		}
		rs := &serde.ResolvedSchema{Deps: deps}
		rs.Schema = *s
		rs.SchemaType = registry.Protobuf
		return rs, recordName, nil
	}
	fd := md.ParentFile()
	text, err := c.texts.get(fd)
	if err != nil {
		return nil, "", err
	}
	rs := &serde.ResolvedSchema{}
	rs.Schema = registry.Schema{Schema: text, SchemaType: registry.Protobuf}
	if c.cfg.SchemaID != 0 || c.cfg.UseLatest || c.cfg.LatestWithMetadata != nil {
		// The registered schema is written with: nothing to register.
		return rs, recordName, nil
	}
	d := depResolver[T]{c: c, done: map[string]registry.Reference{}}
	if rs.References, err = d.refs(ctx, fd, 0); err != nil {
		return nil, "", err
	}
	rs.Deps = d.deps
	return rs, recordName, nil
}

// maxImportDepth bounds import chains (generated code cannot have cycles,
// but a hand-built descriptor could be deep).
const maxImportDepth = 64

// depResolver registers or looks up the files a file imports, depth first,
// each once.
type depResolver[T any] struct {
	c    *writerCodec[T]
	done map[string]registry.Reference
	deps []compat.Dependency
}

// refs returns the references of fd's imports (plain imports, then public
// ones, as Confluent's serializers list them), registering each imported
// file that is not a builtin.
func (d *depResolver[T]) refs(ctx context.Context, fd protoreflect.FileDescriptor, depth int) ([]registry.Reference, error) {
	if depth > maxImportDepth {
		return nil, fmt.Errorf("protobuf: imports of %s nest deeper than %d", fd.Path(), maxImportDepth)
	}
	imps := fd.Imports()
	var refs []registry.Reference
	for _, public := range []bool{false, true} {
		for i := 0; i < imps.Len(); i++ {
			imp := imps.Get(i)
			if imp.IsPublic != public || IsKnownDependency(imp.Path()) {
				continue
			}
			ref, err := d.ref(ctx, imp.FileDescriptor, depth)
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

func (d *depResolver[T]) ref(ctx context.Context, fd protoreflect.FileDescriptor, depth int) (registry.Reference, error) {
	name := fd.Path()
	if ref, ok := d.done[name]; ok {
		return ref, nil
	}
	if fd.IsPlaceholder() {
		return registry.Reference{}, fmt.Errorf("protobuf: import %q is not linked into the program", name)
	}
	refs, err := d.refs(ctx, fd, depth+1)
	if err != nil {
		return registry.Reference{}, err
	}
	text, err := d.c.texts.get(fd)
	if err != nil {
		return registry.Reference{}, err
	}
	subject := d.c.refName(name)
	s := registry.Schema{Schema: text, SchemaType: registry.Protobuf, References: refs}
	var ps []registry.Param
	if d.c.cfg.Normalize {
		ps = append(ps, registry.Normalize())
	}
	var reg registry.SubjectSchema
	if d.c.cfg.AutoRegister {
		reg, err = d.c.client.Register(ctx, subject, s, ps...)
		if err == nil && reg.Version == 0 {
			// Older registries answer a registration with the ID only.
			reg, err = d.c.client.LookupSchema(ctx, subject, s, ps...)
		}
	} else {
		reg, err = d.c.client.LookupSchema(ctx, subject, s, ps...)
	}
	if err != nil {
		return registry.Reference{}, fmt.Errorf("protobuf: reference %q (subject %q): %w", name, subject, err)
	}
	ref := registry.Reference{Name: name, Subject: subject, Version: reg.Version}
	d.done[name] = ref
	d.deps = append(d.deps, compat.Dependency{Name: name, Subject: subject, Version: reg.Version, Schema: s})
	return ref, nil
}

func (c *writerCodec[T]) Encoder(ctx context.Context, writer *serde.ResolvedSchema, v T) (serde.Encoder[T], []int, error) {
	md, err := c.descriptor(v)
	if err != nil {
		return nil, nil, err
	}
	if own, err := c.texts.get(md.ParentFile()); err == nil && own == writer.Schema.Schema {
		return c.encoderFor(writer, v, md, md.ParentFile()), messageIndexes(md), nil
	}
	// A registered schema (latest, fixed ID, explicit): find the message in
	// it by name.
	wfd, err := c.files.schema(writer)
	if err != nil {
		return nil, nil, err
	}
	wmd, ok := findMessage(wfd, md.FullName())
	if !ok {
		return nil, nil, fmt.Errorf("%w: the writer schema has no message %s", ErrUnknownMessage, md.FullName())
	}
	return c.encoderFor(writer, v, wmd, wfd), messageIndexes(wmd), nil
}

// encoderFor returns the encoder for values like v in writer, whose
// message for them is wmd in file: the shared encoder, or, when writer has
// rules, one with a rule view of writer.
func (c *writerCodec[T]) encoderFor(writer *serde.ResolvedSchema, v T, wmd protoreflect.MessageDescriptor, file protoreflect.FileDescriptor) serde.Encoder[T] {
	if writer.RuleSet.IsEmpty() {
		return c.enc
	}
	mt := any(v).(proto.Message).ProtoReflect().Type()
	return &encoder[T]{opts: c.enc.opts, ruleMethods: ruleMethods[T]{newRuleView(writer, mt, wmd, file)}}
}

// encoder marshals messages; one serves every message type of schemas
// without rules. Dynamic messages are always marshaled in a deterministic
// order (see [orderedMessage]); generated ones with opts. The encoder of a
// schema with rules also offers them its view of the messages
// (serde.RuleCodec).
type encoder[T any] struct {
	opts proto.MarshalOptions
	ruleMethods[T]
}

func (e *encoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	m, ok := any(v).(proto.Message)
	if !ok {
		return dst, fmt.Errorf("protobuf: %T is not a proto.Message", v)
	}
	if dm, ok := m.(*dynamicpb.Message); ok && dm != nil {
		if err := proto.CheckInitialized(dm); err != nil {
			return dst, err
		}
		return proto.MarshalOptions{AllowPartial: true}.MarshalAppend(dst, orderedMessage{dm})
	}
	return e.opts.MarshalAppend(dst, m)
}
