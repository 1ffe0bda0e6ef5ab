package protobuf

import (
	"context"
	"fmt"
	"reflect"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// NewDeserializer returns a deserializer into Protobuf messages of type T:
//
//   - a generated message type (*pb.Order): the payload is decoded straight
//     into a new T; its writer message must have T's full name (see
//     [SkipTypeCheck], [ErrTypeMismatch]);
//   - proto.Message, or *dynamicpb.Message: the payload is decoded into a
//     dynamicpb message of the writer's message type, built from the writer
//     schema fetched from the registry (with serde.UseLatest, of the reader
//     schema's message of the same name, or its first message). Generated
//     types linked into the program are not used, so any schema can be read
//     without its Go code.
//
// Each writer schema is fetched and compiled (the .proto text parsed with
// its references, or the serialized descriptor decoded) once; decoding a
// message then costs a cache lookup and proto.Unmarshal. Message indexes are
// resolved against the writer schema; indexes that name no message are an
// [ErrUnknownMessage] error.
//
// Besides the serde options it takes [FetchSerialized], [SkipTypeCheck],
// [UseDeprecatedFormat] and [WithLimits].
func NewDeserializer[T any](client *registry.Client, part serde.Part, opts ...serde.DeserializerOption) (*serde.Deserializer[T], error) {
	cfg, err := serde.NewDeserializerConfig(registry.Protobuf, opts...)
	if err != nil {
		return nil, err
	}
	set := collect(opts)
	if set.deprecatedIndexes {
		cfg.DeprecatedIndexes = true
	}
	c, err := newReaderCodec[T](client, set, cfg.CacheCapacity)
	if err != nil {
		return nil, err
	}
	return serde.NewDeserializer[T](client, part, c, cfg)
}

type readerCodec[T any] struct {
	client *registry.Client
	set    settings
	mt     protoreflect.MessageType // generated T; nil for dynamic messages
	files  *fileCache
	opts   proto.UnmarshalOptions
}

func newReaderCodec[T any](client *registry.Client, set settings, capacity int) (*readerCodec[T], error) {
	md, perValue, err := messageTypeOf[T]()
	if err != nil {
		return nil, err
	}
	c := &readerCodec[T]{client: client, set: set, files: newFileCache(set.limits, capacity)}
	if perValue {
		t := reflect.TypeFor[T]()
		if !dynamicMessageType.AssignableTo(t) {
			return nil, fmt.Errorf("protobuf: cannot decode into %v: dynamic messages (*dynamicpb.Message) do not implement it", t)
		}
		return c, nil
	}
	var zero T
	c.mt = any(zero).(proto.Message).ProtoReflect().Type()
	if c.mt == nil || c.mt.Descriptor().FullName() != md.FullName() {
		return nil, fmt.Errorf("protobuf: %v has no message type", reflect.TypeFor[T]())
	}
	if got := reflect.TypeOf(c.mt.Zero().Interface()); got != reflect.TypeFor[T]() {
		return nil, fmt.Errorf("protobuf: cannot decode into %v: its messages are %v", reflect.TypeFor[T](), got)
	}
	return c, nil
}

func (c *readerCodec[T]) SchemaType() registry.SchemaType { return registry.Protobuf }

func (c *readerCodec[T]) UsesMessageIndexes() bool { return true }

func (c *readerCodec[T]) RecordName(writer *serde.ResolvedSchema, indexes []int) (string, error) {
	fd, err := c.files.schema(writer)
	if err != nil {
		return "", err
	}
	md, err := messageAt(fd, indexes)
	if err != nil {
		return "", err
	}
	return string(md.FullName()), nil
}

func (c *readerCodec[T]) Decoder(ctx context.Context, writer *serde.ResolvedSchema, indexes []int, reader *serde.ResolvedSchema) (serde.Decoder[T], error) {
	wfd, err := c.file(ctx, writer)
	if err != nil {
		return nil, err
	}
	md, err := messageAt(wfd, indexes)
	if err != nil {
		return nil, err
	}
	if c.mt != nil {
		want := c.mt.Descriptor().FullName()
		if md.FullName() != want && !c.set.skipTypeCheck {
			return nil, fmt.Errorf("%w: the payload holds %s, the deserializer reads %s", ErrTypeMismatch, md.FullName(), want)
		}
		d := newGeneratedDecoder[T](c.opts)
		if reader == nil && !writer.RuleSet.IsEmpty() {
			d.rules = newRuleView(writer, c.mt, nil, wfd)
			if d.rules.schema == nil {
				d.rules.schema = md // another name (SkipTypeCheck): the payload's message
			}
		} else if reader != nil && !reader.RuleSet.IsEmpty() {
			rfd, err := c.file(ctx, reader)
			if err != nil {
				return nil, err
			}
			d.rules = newRuleView(reader, c.mt, nil, rfd)
			if d.rules.schema == nil {
				d.rules.schema, _ = findMessage(rfd, md.FullName())
			}
		}
		return d, nil
	}
	target := writer
	if reader != nil {
		target = reader
		rfd, err := c.file(ctx, reader)
		if err != nil {
			return nil, err
		}
		if md, err = readerMessage(rfd, md.FullName()); err != nil {
			return nil, err
		}
	}
	d := newDynamicDecoder[T](md, c.opts)
	if !target.RuleSet.IsEmpty() {
		d.rules = newRuleView(target, dynamicpb.NewMessageType(md), md, md.ParentFile())
	}
	return d, nil
}

// readerMessage returns the message of the reader schema rfd that data
// written as message name is read into: the message of the same full name,
// else, as Confluent's clients, the reader's first message.
func readerMessage(rfd protoreflect.FileDescriptor, name protoreflect.FullName) (protoreflect.MessageDescriptor, error) {
	if rmd, ok := findMessage(rfd, name); ok {
		return rmd, nil
	}
	return messageAt(rfd, []int{0})
}

// file returns the compiled descriptor of s, fetching it again as a
// serialized descriptor first when asked to.
func (c *readerCodec[T]) file(ctx context.Context, s *serde.ResolvedSchema) (protoreflect.FileDescriptor, error) {
	if !c.set.fetchSerialized || (s.ID == 0 && s.GUID == "") {
		return c.files.schema(s)
	}
	f := registry.OutputFormat("serialized")
	var (
		got  registry.SubjectSchema
		err  error
		name string
	)
	if s.ID != 0 {
		name = fmt.Sprintf("id %d", s.ID)
		got, err = c.client.SchemaByID(ctx, s.ID, f)
	} else {
		name = "guid " + s.GUID
		got, err = c.client.SchemaByGUID(ctx, s.GUID, f)
	}
	if err != nil {
		return nil, fmt.Errorf("protobuf: fetching schema %s as a serialized descriptor: %w", name, err)
	}
	deps := make([]compat.Dependency, len(s.Deps))
	for i, d := range s.Deps {
		ds, err := c.client.SchemaByVersion(ctx, d.Subject, d.Version, f)
		if err != nil {
			return nil, fmt.Errorf("protobuf: fetching reference %q (subject %q version %d) as a serialized descriptor: %w", d.Name, d.Subject, d.Version, err)
		}
		deps[i] = d
		deps[i].Schema = ds.Schema
	}
	return c.files.get(got.Schema.Schema, deps)
}

// generatedDecoder decodes into a generated message type. With rules in
// the schema it reads into, it offers them its view of the messages
// (serde.RuleCodec).
type generatedDecoder[T any] struct {
	elem reflect.Type // the struct T points to
	// opts reset a message of the caller's before decoding; fresh, the
	// same with Merge, skips the reset of a message just allocated.
	opts, fresh proto.UnmarshalOptions
	ruleMethods[T]
}

func newGeneratedDecoder[T any](opts proto.UnmarshalOptions) *generatedDecoder[T] {
	fresh := opts
	fresh.Merge = true
	return &generatedDecoder[T]{elem: reflect.TypeFor[T]().Elem(), opts: opts, fresh: fresh}
}

func (d *generatedDecoder[T]) Decode(body []byte, v *T) error {
	// T is a pointer to a generated struct: a nil one gets a new message,
	// a message of the caller's is reset and reused.
	if m := any(*v); m != any(*new(T)) {
		return d.opts.Unmarshal(body, m.(proto.Message))
	}
	m, err := d.DecodeValue(body)
	if err != nil {
		return err
	}
	*v = m
	return nil
}

// DecodeValue decodes body into a new message (serde.ValueDecoder).
func (d *generatedDecoder[T]) DecodeValue(body []byte) (T, error) {
	m := reflect.New(d.elem).Interface().(T)
	if err := d.fresh.Unmarshal(body, any(m).(proto.Message)); err != nil {
		return *new(T), err
	}
	return m, nil
}

// dynamicDecoder decodes into dynamic messages of one message type. With
// rules in the schema it reads into, it offers them its view of the
// messages (serde.RuleCodec).
type dynamicDecoder[T any] struct {
	md protoreflect.MessageDescriptor
	// opts and fresh as in generatedDecoder.
	opts, fresh proto.UnmarshalOptions
	ruleMethods[T]
}

func newDynamicDecoder[T any](md protoreflect.MessageDescriptor, opts proto.UnmarshalOptions) *dynamicDecoder[T] {
	fresh := opts
	fresh.Merge = true
	return &dynamicDecoder[T]{md: md, opts: opts, fresh: fresh}
}

func (d *dynamicDecoder[T]) Decode(body []byte, v *T) error {
	if m, ok := any(*v).(*dynamicpb.Message); ok && m != nil && m.Descriptor() == d.md {
		return d.opts.Unmarshal(body, m)
	}
	m, err := d.DecodeValue(body)
	if err != nil {
		return err
	}
	*v = m
	return nil
}

// DecodeValue decodes body into a new message (serde.ValueDecoder).
func (d *dynamicDecoder[T]) DecodeValue(body []byte) (T, error) {
	m := dynamicpb.NewMessage(d.md)
	if err := d.fresh.Unmarshal(body, m); err != nil {
		return *new(T), err
	}
	return any(m).(T), nil
}
