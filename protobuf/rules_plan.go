package protobuf

import (
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/serde"
)

// msgPlan is how field rules walk messages of one runtime type against one
// schema message: computed once per (runtime type, schema message) pair,
// so that walking a message does no name lookup and no tag matching.
type msgPlan struct {
	fields []fieldPlan
	// tags holds every tag of a field below (sorted, without duplicates):
	// a walk for rule tags that meet none of them skips the message.
	tags []string
}

// fieldShape says how a field holds its values.
type fieldShape uint8

const (
	shapeSingular fieldShape = iota
	shapeList
	shapeMap
)

// fieldPlan is one field of a msgPlan.
type fieldPlan struct {
	fd    protoreflect.FieldDescriptor // the runtime field: values are read and set through it
	shape fieldShape
	// val is the field holding the values: fd, or its map's value field.
	val protoreflect.FieldDescriptor
	// msg is the plan of the values' message type; nil for leaves.
	msg *msgPlan
	// info is what a rule sees of a leaf (Containing is set per visit),
	// and of a singular or repeated message field: typed RECORD, with the
	// field's own tags, handed with the values of the untagged leaves
	// directly in its messages (see walker.message).
	info serde.Field
	// tags are the tags of this field and below: info.Tags for a leaf,
	// with msg.tags for a message field.
	tags []string
	// inherits: a leaf that takes a tagged message field's context when
	// its own tags miss a rule's, as Confluent's Java client hands it (a
	// primitive: not an enum, not a map).
	inherits bool
}

// planKey identifies a plan: the runtime message type and the schema's
// message the tags come from.
type planKey struct {
	runtime, schema protoreflect.MessageDescriptor
}

// planner builds the plans of one schema. It is used under its view's
// lock.
type planner struct {
	tagger *serde.FieldTagger
	done   map[planKey]*msgPlan
	fresh  []*msgPlan // built by the current build, tags not final yet
}

// build returns the plan of runtime messages read against schema (nil:
// the runtime type is its own schema), with those of every message type
// below it.
func (pl *planner) build(runtime, schema protoreflect.MessageDescriptor) *msgPlan {
	pl.fresh = pl.fresh[:0]
	p := pl.plan(runtime, schema)
	pl.settle()
	return p
}

func (pl *planner) plan(runtime, schema protoreflect.MessageDescriptor) *msgPlan {
	if schema == nil {
		schema = runtime
	}
	key := planKey{runtime, schema}
	if p, ok := pl.done[key]; ok {
		return p
	}
	p := &msgPlan{}
	pl.done[key] = p
	pl.fresh = append(pl.fresh, p)
	fields := runtime.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		// As Confluent's Java client: a field is matched with the schema's
		// by number (a renamed field is the same field), and a field the
		// schema does not declare is not visited.
		sfd := schema.Fields().ByNumber(fd.Number())
		if sfd == nil {
			continue
		}
		p.fields = append(p.fields, pl.field(fd, sfd))
	}
	return p
}

// field plans fd, whose schema counterpart is sfd.
func (pl *planner) field(fd, sfd protoreflect.FieldDescriptor) fieldPlan {
	f := fieldPlan{fd: fd, val: fd}
	tags := pl.tagger.Tags(string(sfd.FullName()), FieldTags(sfd))
	typ := fieldType(fd)
	switch {
	case fd.IsMap():
		f.shape, f.val = shapeMap, fd.MapValue()
		// As Confluent's clients (Java, JS, Python; Go skips maps): a
		// value of a map of scalars is handed over as the map field
		// itself, typed MAP, with the map field's tags. So ENCRYPT
		// refuses to write a tagged map and leaves it on read, and
		// CEL_FIELD leaves it: no Confluent client writes or reads an
		// encrypted map value. Tags in metadata for the entry's value
		// field (pkg.Msg.AttrsEntry.value) do not select map values.
		// Keys are never visited. A map of messages walks each value
		// message with its own fields' tags.
		typ = serde.TypeMap
		var sval protoreflect.FieldDescriptor
		if sfd.IsMap() {
			sval = sfd.MapValue()
		}
		if f.val.Message() != nil {
			f.msg = pl.plan(f.val.Message(), messageOf(sval))
		}
	case fd.IsList():
		f.shape = shapeList
		if fd.Message() != nil {
			f.msg = pl.plan(fd.Message(), messageOf(sfd))
		}
	case fd.Message() != nil:
		f.msg = pl.plan(fd.Message(), messageOf(sfd))
	}
	if f.shape != shapeMap || f.msg == nil {
		// A map of messages hands nothing of its own: as in Java, its
		// values' messages are walked with their own fields' tags.
		f.info = serde.Field{FullName: string(sfd.FullName()), Name: string(sfd.Name()), Type: typ, Tags: tags}
		f.tags = tags
	}
	f.inherits = f.msg == nil && f.shape != shapeMap && fd.Kind() != protoreflect.EnumKind
	return f
}

// messageOf returns the message type of a schema field, or nil.
func messageOf(fd protoreflect.FieldDescriptor) protoreflect.MessageDescriptor {
	if fd == nil {
		return nil
	}
	return fd.Message()
}

// settle computes the subtree tags of the plans built by the last build:
// the union of their fields' own tags and their message fields' subtree
// tags, iterated to a fixed point (message types may be recursive). Plans
// built earlier are final already.
func (pl *planner) settle() {
	for changed := true; changed; {
		changed = false
		for _, p := range pl.fresh {
			var tags []string
			for i := range p.fields {
				f := &p.fields[i]
				tags = append(tags, f.info.Tags...)
				if f.msg != nil {
					tags = append(tags, f.msg.tags...)
				}
			}
			slices.Sort(tags)
			tags = slices.Compact(tags)
			if len(tags) != len(p.tags) {
				p.tags, changed = tags, true
			}
		}
	}
	for _, p := range pl.fresh {
		for i := range p.fields {
			f := &p.fields[i]
			switch {
			case f.msg == nil:
			case len(f.info.Tags) == 0:
				f.tags = f.msg.tags
			default:
				tags := append(slices.Clone(f.info.Tags), f.msg.tags...)
				slices.Sort(tags)
				f.tags = slices.Compact(tags)
			}
		}
	}
	pl.fresh = pl.fresh[:0]
}

// fieldType is the type Confluent's clients give a Protobuf field's values
// (their protobuf getType): the kind, with the 32-bit integer kinds INT,
// the 64-bit ones LONG, messages RECORD.
func fieldType(fd protoreflect.FieldDescriptor) serde.FieldType {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return serde.TypeRecord
	case protoreflect.EnumKind:
		return serde.TypeEnum
	case protoreflect.StringKind:
		return serde.TypeString
	case protoreflect.BytesKind:
		return serde.TypeBytes
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Uint32Kind,
		protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return serde.TypeInt
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind,
		protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return serde.TypeLong
	case protoreflect.FloatKind:
		return serde.TypeFloat
	case protoreflect.DoubleKind:
		return serde.TypeDouble
	case protoreflect.BoolKind:
		return serde.TypeBoolean
	}
	return serde.TypeNull
}
