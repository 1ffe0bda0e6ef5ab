package protobuf

import (
	"cmp"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoiface"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Dynamic messages (dynamicpb) keep their fields in a Go map, and
// proto.Marshal writes them, and map entries, in map order: different bytes
// for the same message from one run to the next. proto's Deterministic
// option sorts them, but for reflection-only messages it nearly doubles the
// cost (it collects every message's fields into a pooled slice and sorts it
// through reflection, and the required-field check walks them again).
// orderedMessage gives the same order for about a fifth more than the
// unordered walk: protobuf marshals a message without fast-path methods
// through its Range, and this Range sorts the message's fields on the stack.
// The order is proto's deterministic one, which generated code also uses:
// extensions, then fields outside oneofs, then oneofs, by number; map
// entries by key. A dynamic message so marshals to the bytes of its
// generated counterpart under proto.MarshalOptions{Deterministic: true}.

// orderedMessage is a view of a dynamic message whose Range (and the Range
// of every message, list and map in it) is deterministic. It is only
// marshaled (with AllowPartial: the caller checks required fields on the
// message itself).
type orderedMessage struct{ *dynamicpb.Message }

// orderedView returns m's deterministic view: the view of a dynamic
// message, m itself otherwise (a generated message, which marshals in
// field order).
func orderedView(m protoreflect.Message) protoreflect.Message {
	if dm, ok := m.(*dynamicpb.Message); ok && dm != nil {
		return orderedMessage{dm}
	}
	return m
}

func (m orderedMessage) ProtoReflect() protoreflect.Message   { return m }
func (m orderedMessage) Interface() protoreflect.ProtoMessage { return m }

// ProtoMethods is nil, whatever dynamicpb may offer one day: the message is
// marshaled through Range.
func (m orderedMessage) ProtoMethods() *protoiface.Methods { return nil }

// Range visits the populated fields in proto's deterministic order.
func (m orderedMessage) Range(f func(protoreflect.FieldDescriptor, protoreflect.Value) bool) {
	type field struct {
		at int64
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var buf [16]field // on the stack: the closure below does not escape
	set := buf[:0]
	m.Message.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		set = append(set, field{fieldOrder(fd), fd, v})
		return true
	})
	slices.SortFunc(set, func(a, b field) int { return cmp.Compare(a.at, b.at) })
	for _, e := range set {
		if !f(e.fd, orderedValue(e.fd, e.v)) {
			return
		}
	}
}

// fieldOrder is the sort key of proto's deterministic field order
// (order.LegacyFieldOrder): extensions first, then fields outside oneofs,
// then the fields of each oneof in declaration order of the oneofs, each
// group by field number.
func fieldOrder(fd protoreflect.FieldDescriptor) int64 {
	n := int64(fd.Number())
	if fd.IsExtension() {
		return n
	}
	if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
		return 2<<60 | int64(od.Index())<<30 | n
	}
	return 1<<60 | n
}

// orderedValue wraps the messages that v holds in their deterministic
// views.
func orderedValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) protoreflect.Value {
	switch {
	case fd.IsMap():
		return protoreflect.ValueOfMap(orderedMap{Map: v.Map(), kind: fd.MapKey().Kind(), messages: fd.MapValue().Message() != nil})
	case fd.IsList():
		if fd.Message() != nil {
			return protoreflect.ValueOfList(orderedList{v.List()})
		}
	case fd.Message() != nil:
		return protoreflect.ValueOfMessage(orderedView(v.Message()))
	}
	return v
}

// orderedList is a list of messages whose elements are deterministic
// views.
type orderedList struct{ protoreflect.List }

func (l orderedList) Get(i int) protoreflect.Value {
	return protoreflect.ValueOfMessage(orderedView(l.List.Get(i).Message()))
}

// orderedMap ranges over its entries sorted by key (false before true,
// numbers in numeric order, strings in byte order), as proto's
// Deterministic option does.
type orderedMap struct {
	protoreflect.Map
	kind     protoreflect.Kind
	messages bool
}

func (m orderedMap) Range(f func(protoreflect.MapKey, protoreflect.Value) bool) {
	type entry struct {
		k protoreflect.MapKey
		v protoreflect.Value
	}
	entries := make([]entry, 0, m.Len())
	m.Map.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		entries = append(entries, entry{k, v})
		return true
	})
	slices.SortFunc(entries, func(a, b entry) int { return m.compare(a.k, b.k) })
	for _, e := range entries {
		v := e.v
		if m.messages {
			v = protoreflect.ValueOfMessage(orderedView(v.Message()))
		}
		if !f(e.k, v) {
			return
		}
	}
}

func (m orderedMap) compare(a, b protoreflect.MapKey) int {
	switch m.kind {
	case protoreflect.BoolKind:
		x, y := a.Bool(), b.Bool()
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case protoreflect.StringKind:
		return cmp.Compare(a.String(), b.String())
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		return cmp.Compare(a.Uint(), b.Uint())
	}
	return cmp.Compare(a.Int(), b.Int())
}
