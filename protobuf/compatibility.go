package protobuf

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
)

// DifferenceType names a kind of change between two Protobuf schemas, as
// Confluent's Protobuf schema diff (io.confluent.kafka.schemaregistry.protobuf.diff)
// names it.
type DifferenceType string

// The changes the diff reports. Those whose [DifferenceType.Compatible] is
// true keep a schema backward compatible; every other one breaks it.
const (
	PackageChanged                 DifferenceType = "PACKAGE_CHANGED"
	MessageAdded                   DifferenceType = "MESSAGE_ADDED"
	MessageRemoved                 DifferenceType = "MESSAGE_REMOVED"
	MessageMoved                   DifferenceType = "MESSAGE_MOVED"
	EnumAdded                      DifferenceType = "ENUM_ADDED"
	EnumRemoved                    DifferenceType = "ENUM_REMOVED"
	EnumConstAdded                 DifferenceType = "ENUM_CONST_ADDED"
	EnumConstChanged               DifferenceType = "ENUM_CONST_CHANGED"
	EnumConstRemoved               DifferenceType = "ENUM_CONST_REMOVED"
	FieldAdded                     DifferenceType = "FIELD_ADDED"
	FieldRemoved                   DifferenceType = "FIELD_REMOVED"
	FieldNameChanged               DifferenceType = "FIELD_NAME_CHANGED"
	FieldKindChanged               DifferenceType = "FIELD_KIND_CHANGED"
	FieldScalarKindChanged         DifferenceType = "FIELD_SCALAR_KIND_CHANGED"
	FieldNamedTypeChanged          DifferenceType = "FIELD_NAMED_TYPE_CHANGED"
	FieldNumericLabelChanged       DifferenceType = "FIELD_NUMERIC_LABEL_CHANGED"
	FieldStringOrBytesLabelChanged DifferenceType = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
	RequiredFieldAdded             DifferenceType = "REQUIRED_FIELD_ADDED"
	RequiredFieldRemoved           DifferenceType = "REQUIRED_FIELD_REMOVED"
	OneofAdded                     DifferenceType = "ONEOF_ADDED"
	OneofRemoved                   DifferenceType = "ONEOF_REMOVED"
	OneofFieldAdded                DifferenceType = "ONEOF_FIELD_ADDED"
	OneofFieldRemoved              DifferenceType = "ONEOF_FIELD_REMOVED"
	MultipleFieldsMovedToOneof     DifferenceType = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	FieldMovedToExistingOneof      DifferenceType = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// Compatible reports whether a change of type t keeps a schema backward
// compatible.
func (t DifferenceType) Compatible() bool {
	switch t {
	case MessageAdded, MessageMoved,
		EnumAdded, EnumRemoved, EnumConstAdded, EnumConstChanged, EnumConstRemoved,
		FieldAdded, FieldRemoved, FieldNameChanged, FieldStringOrBytesLabelChanged,
		OneofAdded, OneofRemoved, OneofFieldAdded:
		return true
	}
	return false
}

// Difference is one change between two schemas: its type and where it is,
// as a path of message names, oneof names and field numbers ("#/Order/3").
type Difference struct {
	Type     DifferenceType
	FullPath string
}

// String renders d as Confluent's registry does in its verbose
// compatibility messages: Difference{fullPath='#/Order/3', type=FIELD_KIND_CHANGED}.
func (d Difference) String() string {
	return fmt.Sprintf("Difference{fullPath='%s', type=%s}", d.FullPath, d.Type)
}

// CheckRead reports whether data written with writer can be read with s, by
// Confluent's Protobuf rules: one message per incompatible change, as
// Confluent's registry words them (Difference{fullPath=..., type=...}; the
// labels are not used, the registry's Protobuf messages name no schema).
func (s *Schema) CheckRead(writer compat.Schema, _, _ string) []string {
	w, ok := writer.(*Schema)
	if !ok {
		return []string{"Incompatible because of different schema type"}
	}
	var msgs []string
	for _, d := range Compare(s, w) {
		if !d.Type.Compatible() {
			msgs = append(msgs, d.String())
		}
	}
	return msgs
}

// Compare lists every change from writer to reader, compatible or not, in
// a stable order, as Confluent's Protobuf diff does from the original
// (previous) schema to the update (new): reader is the schema that reads,
// Confluent's update; writer the one data was written with, Confluent's
// original. A change is compatible when [DifferenceType.Compatible] says
// so; [Schema.CheckRead] reports the others.
func Compare(reader, writer *Schema) []Difference {
	c := &differ{orig: writer, upd: reader, inScope: map[protoreflect.MessageDescriptor]bool{}}
	if writer.fd.Package() != reader.fd.Package() {
		c.add(PackageChanged)
	}
	c.compareTypes(writer.fd.Messages(), writer.fd.Enums(), reader.fd.Messages(), reader.fd.Enums())
	return c.diffs
}

type differ struct {
	orig, upd *Schema // the writer (Confluent's original) and the reader (update)
	path      []string
	inScope   map[protoreflect.MessageDescriptor]bool
	diffs     []Difference
}

func (c *differ) add(t DifferenceType) {
	c.diffs = append(c.diffs, Difference{Type: t, FullPath: "#/" + strings.Join(c.path, "/")})
}

func (c *differ) enter(p string) { c.path = append(c.path, p) }
func (c *differ) leave()         { c.path = c.path[:len(c.path)-1] }

// compareTypes compares the messages and enums of a file or message, by
// name.
func (c *differ) compareTypes(om protoreflect.MessageDescriptors, oe protoreflect.EnumDescriptors, um protoreflect.MessageDescriptors, ue protoreflect.EnumDescriptors) {
	oMsgs, oIdx := messagesByName(om)
	uMsgs, uIdx := messagesByName(um)
	for _, name := range sortedUnion(oMsgs, uMsgs) {
		c.enter(name)
		o, u := oMsgs[name], uMsgs[name]
		switch {
		case u == nil:
			c.add(MessageRemoved)
		case o == nil:
			c.add(MessageAdded)
		default:
			c.compareMessage(o, u)
			if oIdx[name] != uIdx[name] {
				c.add(MessageMoved)
			}
		}
		c.leave()
	}
	oEnums, uEnums := enumsByName(oe), enumsByName(ue)
	for _, name := range sortedUnion(oEnums, uEnums) {
		c.enter(name)
		o, u := oEnums[name], uEnums[name]
		switch {
		case u == nil:
			c.add(EnumRemoved)
		case o == nil:
			c.add(EnumAdded)
		default:
			c.compareEnum(o, u)
		}
		c.leave()
	}
}

func (c *differ) compareEnum(o, u protoreflect.EnumDescriptor) {
	ov, uv := map[int32]protoreflect.EnumValueDescriptor{}, map[int32]protoreflect.EnumValueDescriptor{}
	for i := 0; i < o.Values().Len(); i++ {
		ov[int32(o.Values().Get(i).Number())] = o.Values().Get(i)
	}
	for i := 0; i < u.Values().Len(); i++ {
		uv[int32(u.Values().Get(i).Number())] = u.Values().Get(i)
	}
	for _, n := range sortedUnion(ov, uv) {
		c.enter(strconv.Itoa(int(n)))
		switch a, b := ov[n], uv[n]; {
		case b == nil:
			c.add(EnumConstRemoved)
		case a == nil:
			c.add(EnumConstAdded)
		case a.Name() != b.Name():
			c.add(EnumConstChanged)
		}
		c.leave()
	}
}

// realOneof returns the oneof fd belongs to, ignoring the synthetic oneofs
// of proto3 optional fields.
func realOneof(fd protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

func (c *differ) compareMessage(o, u protoreflect.MessageDescriptor) {
	if c.inScope[o] {
		return
	}
	c.inScope[o] = true
	defer delete(c.inScope, o)

	oTop, uTop := map[int32]protoreflect.FieldDescriptor{}, map[int32]protoreflect.FieldDescriptor{}
	oAll, uAll := map[int32]protoreflect.FieldDescriptor{}, map[int32]protoreflect.FieldDescriptor{}
	for i := 0; i < o.Fields().Len(); i++ {
		f := o.Fields().Get(i)
		oAll[int32(f.Number())] = f
		if realOneof(f) == nil {
			oTop[int32(f.Number())] = f
		}
	}
	for i := 0; i < u.Fields().Len(); i++ {
		f := u.Fields().Get(i)
		uAll[int32(f.Number())] = f
		if realOneof(f) == nil {
			uTop[int32(f.Number())] = f
		}
	}
	oOneofs, uOneofs := oneofsByName(o), oneofsByName(u)

	// Fields moved into oneofs of the update.
	for _, name := range slices.Sorted(maps.Keys(uOneofs)) {
		c.enter(name)
		moved, existing := 0, 0
		fs := uOneofs[name].Fields()
		for i := 0; i < fs.Len(); i++ {
			n := int32(fs.Get(i).Number())
			if _, ok := oTop[n]; ok {
				delete(oTop, n) // not a removal
				moved++
			} else if of, ok := oAll[n]; ok && realOneof(of) != nil {
				existing++
			}
		}
		if moved > 1 {
			c.add(MultipleFieldsMovedToOneof)
		} else if moved == 1 && existing > 0 {
			c.add(FieldMovedToExistingOneof)
		}
		c.leave()
	}

	for _, name := range sortedUnion(oOneofs, uOneofs) {
		c.enter(name)
		oo, uo := oOneofs[name], uOneofs[name]
		switch {
		case uo == nil:
			c.add(OneofRemoved)
		case oo == nil:
			c.add(OneofAdded)
		default:
			c.compareOneof(oo, uo, uAll)
		}
		c.leave()
	}

	for _, n := range sortedUnion(oTop, uTop) {
		c.enter(strconv.Itoa(int(n)))
		of, uf := oTop[n], uTop[n]
		switch {
		case uf == nil:
			if of.Cardinality() == protoreflect.Required {
				c.add(RequiredFieldRemoved)
			} else {
				c.add(FieldRemoved)
			}
		case of == nil:
			if uf.Cardinality() == protoreflect.Required {
				c.add(RequiredFieldAdded)
			} else {
				c.add(FieldAdded)
			}
		default:
			c.compareField(of, uf)
		}
		c.leave()
	}

	// Fields whose oneof membership changed: compare their contents by tag.
	for _, n := range sortedUnion(oAll, uAll) {
		of, uf := oAll[n], uAll[n]
		if of == nil || uf == nil {
			continue
		}
		oo, uo := realOneof(of), realOneof(uf)
		if oo == nil && uo == nil || oo != nil && uo != nil && oo.Name() == uo.Name() {
			continue
		}
		c.enter(strconv.Itoa(int(n)))
		c.compareField(of, uf)
		c.leave()
	}

	c.compareTypes(o.Messages(), o.Enums(), u.Messages(), u.Enums())
}

func (c *differ) compareOneof(o, u protoreflect.OneofDescriptor, updateAll map[int32]protoreflect.FieldDescriptor) {
	of, uf := map[int32]protoreflect.FieldDescriptor{}, map[int32]protoreflect.FieldDescriptor{}
	for i := 0; i < o.Fields().Len(); i++ {
		of[int32(o.Fields().Get(i).Number())] = o.Fields().Get(i)
	}
	for i := 0; i < u.Fields().Len(); i++ {
		uf[int32(u.Fields().Get(i).Number())] = u.Fields().Get(i)
	}
	for _, n := range sortedUnion(of, uf) {
		c.enter(strconv.Itoa(int(n)))
		switch a, b := of[n], uf[n]; {
		case b == nil:
			// A field that left the oneof but lives on elsewhere was moved.
			if _, ok := updateAll[n]; !ok {
				c.add(OneofFieldRemoved)
			}
		case a == nil:
			c.add(OneofFieldAdded)
		default:
			c.compareField(a, b)
		}
		c.leave()
	}
}

func (c *differ) compareField(o, u protoreflect.FieldDescriptor) {
	if o.Name() != u.Name() {
		c.add(FieldNameChanged)
	}
	c.compareFieldTypes(o, u, writtenLabel(o), writtenLabel(u))
}

// compareFieldTypes compares the types of two fields and, for scalars of
// the same group, their labels (labelNone skips that check, as for map
// keys and values).
func (c *differ) compareFieldTypes(o, u protoreflect.FieldDescriptor, ol, ul label) {
	ok, uk := fieldKind(o), fieldKind(u)
	if ok != uk {
		c.add(FieldKindChanged)
		return
	}
	switch ok {
	case kindScalar:
		switch {
		case scalarKind(o) != scalarKind(u):
			c.add(FieldScalarKindChanged)
		case ol == labelNone || ul == labelNone || ol == ul:
		case scalarKind(o) == scalarStringOrBytes:
			c.add(FieldStringOrBytesLabelChanged)
		default:
			c.add(FieldNumericLabelChanged)
		}
	case kindMessage:
		c.compareMessageTypes(o.Message(), u.Message())
	case kindMap:
		c.compareFieldTypes(o.MapKey(), u.MapKey(), labelNone, labelNone)
		c.compareFieldTypes(o.MapValue(), u.MapValue(), labelNone, labelNone)
	}
}

// localName is a message's name without its file's package.
func localName(md protoreflect.MessageDescriptor) string {
	full, pkg := string(md.FullName()), string(md.ParentFile().Package())
	if pkg != "" && strings.HasPrefix(full, pkg+".") {
		return full[len(pkg)+1:]
	}
	return full
}

// typeRef tells where a message type comes from: the schema itself, a
// reference (subject and version), or a builtin.
type typeRef struct {
	kind    int // 0 the schema itself, 1 a reference, 2 a builtin
	subject string
	version int
}

func (s *Schema) typeRef(md protoreflect.MessageDescriptor) typeRef {
	f := md.ParentFile()
	if f.Path() == s.fd.Path() {
		return typeRef{}
	}
	if d, ok := s.refs[f.Path()]; ok {
		return typeRef{kind: 1, subject: d.Subject, version: d.Version}
	}
	return typeRef{kind: 2}
}

func (c *differ) compareMessageTypes(o, u protoreflect.MessageDescriptor) {
	ol, ul := localName(o), localName(u)
	if ol != ul {
		c.add(FieldNamedTypeChanged)
		return
	}
	or, ur := c.orig.typeRef(o), c.upd.typeRef(u)
	if or.kind == 0 && ur.kind == 0 || or.kind == 1 && or == ur {
		// Compared where they are declared, or the same registered version.
		return
	}
	sub := &differ{orig: c.orig, upd: c.upd, path: strings.Split(ol, "."), inScope: c.inScope}
	sub.compareMessage(o, u)
	c.diffs = append(c.diffs, sub.diffs...)
	for _, d := range sub.diffs {
		if !d.Type.Compatible() {
			c.add(FieldNamedTypeChanged)
			break
		}
	}
}
