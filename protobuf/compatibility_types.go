package protobuf

import (
	"cmp"
	"maps"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Field kinds and scalar groups of Confluent's Protobuf diff, and the
// name-keyed views of descriptors the diff walks.

type kind int

const (
	kindScalar kind = iota
	kindMap
	kindMessage
)

func fieldKind(f protoreflect.FieldDescriptor) kind {
	switch {
	case f.IsMap():
		return kindMap
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return kindMessage
	}
	return kindScalar // scalars and enums
}

// label is a field's label as written in .proto text, which is what
// Confluent's diff compares (it reads schemas with Square Wire's parser):
// proto3 fields without "optional", map fields and oneof members have
// none.
type label int

const (
	labelNone label = iota
	labelOptional
	labelRequired
	labelRepeated
)

func writtenLabel(f protoreflect.FieldDescriptor) label {
	switch {
	case f.IsMap() || realOneof(f) != nil:
		return labelNone
	case f.Cardinality() == protoreflect.Repeated:
		return labelRepeated
	case f.Cardinality() == protoreflect.Required:
		return labelRequired
	case f.HasOptionalKeyword():
		return labelOptional
	}
	return labelNone
}

type scalarGroup int

const (
	scalarGeneralNumber scalarGroup = iota
	scalarSignedNumber
	scalarStringOrBytes
	scalarFixed32
	scalarFixed64
	scalarFloat
	scalarDouble
)

// scalarKind groups the scalar types whose wire encodings read each other
// (https://protobuf.dev/programming-guides/proto3/#updating).
func scalarKind(f protoreflect.FieldDescriptor) scalarGroup {
	switch f.Kind() {
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return scalarSignedNumber
	case protoreflect.StringKind, protoreflect.BytesKind:
		return scalarStringOrBytes
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return scalarFixed32
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return scalarFixed64
	case protoreflect.FloatKind:
		return scalarFloat
	case protoreflect.DoubleKind:
		return scalarDouble
	}
	return scalarGeneralNumber // int32, int64, uint32, uint64, bool, enums
}

func messagesByName(ms protoreflect.MessageDescriptors) (map[string]protoreflect.MessageDescriptor, map[string]int) {
	byName, idx := map[string]protoreflect.MessageDescriptor{}, map[string]int{}
	n := 0
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		if !declaredMessage(m) {
			continue
		}
		byName[string(m.Name())] = m
		idx[string(m.Name())] = n
		n++
	}
	return byName, idx
}

func enumsByName(es protoreflect.EnumDescriptors) map[string]protoreflect.EnumDescriptor {
	out := map[string]protoreflect.EnumDescriptor{}
	for i := 0; i < es.Len(); i++ {
		out[string(es.Get(i).Name())] = es.Get(i)
	}
	return out
}

func oneofsByName(md protoreflect.MessageDescriptor) map[string]protoreflect.OneofDescriptor {
	out := map[string]protoreflect.OneofDescriptor{}
	for i := 0; i < md.Oneofs().Len(); i++ {
		if o := md.Oneofs().Get(i); !o.IsSynthetic() {
			out[string(o.Name())] = o
		}
	}
	return out
}

// sortedUnion returns the keys of a and b, each once, in order.
func sortedUnion[K cmp.Ordered, V any](a, b map[K]V) []K {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
