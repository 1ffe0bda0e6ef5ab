package protobuf

import (
	"context"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/serde"
)

// The reader codec is a serde.MigrationCodec: migration rules (JSONATA)
// run on a message's JSON form as Confluent's clients give it to them —
// the writer's message decoded as a dynamic message and rendered by
// protojson with JSON names and default values (Go's protojson with
// EmitDefaultValues, Java's JsonFormat with includingDefaultValueFields),
// then read as encoding/json values — and the migrated JSON is read into
// the reader schema's message of the writer's full name (else its first
// message) with protojson.

// JSONDecoder implements serde.MigrationCodec: bodies written in writer
// (the message its indexes name) into their JSON form.
func (c *readerCodec[T]) JSONDecoder(ctx context.Context, writer *serde.ResolvedSchema, indexes []int) (serde.JSONDecoder, error) {
	wfd, err := c.file(ctx, writer)
	if err != nil {
		return nil, err
	}
	md, err := messageAt(wfd, indexes)
	if err != nil {
		return nil, err
	}
	return &jsonDecoder{md: md, opts: c.opts}, nil
}

// jsonDecoder decodes bodies of one message type into their JSON form.
type jsonDecoder struct {
	md   protoreflect.MessageDescriptor
	opts proto.UnmarshalOptions
}

// DecodeJSON implements serde.JSONDecoder.
func (d *jsonDecoder) DecodeJSON(body []byte) (any, error) {
	m := dynamicpb.NewMessage(d.md)
	if err := d.opts.Unmarshal(body, m); err != nil {
		return nil, err
	}
	b, err := jsonOptions.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("protobuf: rendering %s as JSON: %w", d.md.FullName(), err)
	}
	var j any
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("protobuf: rendering %s as JSON: %w", d.md.FullName(), err)
	}
	return j, nil
}

// JSONReader implements serde.MigrationCodec: the JSON form of messages in
// reader into T. The message read is the reader's of the same full name
// as the writer's message, else the reader's first (as Confluent's
// clients). The reader also offers the reader schema's rules its view of
// the messages (serde.RuleCodec).
func (c *readerCodec[T]) JSONReader(ctx context.Context, reader, writer *serde.ResolvedSchema, indexes []int) (serde.JSONReader[T], error) {
	wfd, err := c.file(ctx, writer)
	if err != nil {
		return nil, err
	}
	wmd, err := messageAt(wfd, indexes)
	if err != nil {
		return nil, err
	}
	rfd, err := c.file(ctx, reader)
	if err != nil {
		return nil, err
	}
	rmd, err := readerMessage(rfd, wmd.FullName())
	if err != nil {
		return nil, err
	}
	mt := c.mt
	if mt != nil {
		if want := mt.Descriptor().FullName(); rmd.FullName() != want && !c.set.skipTypeCheck {
			return nil, fmt.Errorf("%w: the reader schema's message is %s, the deserializer reads %s", ErrTypeMismatch, rmd.FullName(), want)
		}
	} else {
		mt = dynamicpb.NewMessageType(rmd)
	}
	r := &jsonReader[T]{mt: mt}
	if !reader.RuleSet.IsEmpty() {
		r.rules = newRuleView(reader, mt, rmd, rfd)
	}
	return r, nil
}

// jsonReader reads JSON forms into messages of one type.
type jsonReader[T any] struct {
	mt protoreflect.MessageType
	ruleMethods[T]
}

// ReadJSON implements serde.JSONReader.
func (r *jsonReader[T]) ReadJSON(j any, v *T) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("protobuf: the migrated message: %w", err)
	}
	m := r.mt.New().Interface()
	if err := protojson.Unmarshal(b, m); err != nil {
		return fmt.Errorf("protobuf: the migrated message is not a %s: %w", r.mt.Descriptor().FullName(), err)
	}
	t, ok := m.(T)
	if !ok {
		return fmt.Errorf("protobuf: cannot read %s into %T", r.mt.Descriptor().FullName(), *v)
	}
	*v = t
	return nil
}
