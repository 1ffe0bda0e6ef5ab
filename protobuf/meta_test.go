package protobuf

import (
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/protobuf/internal/testpb/confluent"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
)

func TestMetaGenerated(t *testing.T) {
	// Options built with generated Go types for confluent/meta.proto (the
	// test-only copy: to srkit, a program's own generated package).
	md := (&srkittestpb.OrderPlaced{}).ProtoReflect().Descriptor()
	opts := md.Fields().ByName("card_token").Options().(*descriptorpb.FieldOptions)
	if _, ok := proto.GetExtension(opts, confluent.E_FieldMeta).(*confluent.Meta); !ok {
		t.Fatal("the generated descriptor's option is not the generated type; the test would not test that form")
	}
	checkEventsMeta(t, md)
}

func TestMetaCompiled(t *testing.T) {
	// The schema as a registry serves it: printed text, references resolved.
	for _, serialized := range []bool{false, true} {
		fd := srkittestpb.File_srkittest_events_proto
		deps := testDeps(t, fd, serialized)
		text := printed(t, fd, serialized)
		s, err := Parse(text, deps...)
		if err != nil {
			t.Fatal(err)
		}
		md, ok := findMessage(s.Descriptor(), "srkit.test.events.OrderPlaced")
		if !ok {
			t.Fatal("no OrderPlaced")
		}
		checkEventsMeta(t, md)
	}
}

func checkEventsMeta(t *testing.T, md protoreflect.MessageDescriptor) {
	t.Helper()
	if got, ok := FileMeta(md.ParentFile()); !ok || got.Doc != "order events" || got.Params["owner"] != "checkout" {
		t.Errorf("file meta = %v, %v", got, ok)
	}
	if got, _ := MessageMeta(md); !reflect.DeepEqual(got.Tags, []string{"EVENT"}) {
		t.Errorf("message tags = %v", got.Tags)
	}
	if got := FieldTags(md.Fields().ByName("card_token")); !reflect.DeepEqual(got, []string{"PII"}) {
		t.Errorf("card_token tags = %v", got)
	}
	if got := FieldTags(md.Fields().ByName("order_id")); got != nil {
		t.Errorf("order_id tags = %v", got)
	}
	if got, ok := FieldMeta(md.Fields().ByName("order_id")); ok || !reflect.DeepEqual(got, Meta{}) {
		t.Errorf("order_id meta = %v, %v, want none", got, ok)
	}
	cust := md.Fields().ByName("customer").Message()
	email, ok := FieldMeta(cust.Fields().ByName("email"))
	if !ok || email.Doc != "contact address" || !reflect.DeepEqual(email.Tags, []string{"PII", "CONTACT"}) || email.Params != nil {
		t.Errorf("email meta = %v, %v", email, ok)
	}
	status := md.Enums().ByName("Status")
	if got, _ := EnumMeta(status); got.Doc != "lifecycle" {
		t.Errorf("enum doc = %q", got.Doc)
	}
	if got, _ := EnumValueMeta(status.Values().ByName("PLACED")); got.Doc != "new" {
		t.Errorf("enum value doc = %q", got.Doc)
	}
}

// metaFixture builds a file whose field "f" has options opts, without
// confluent/meta.proto among its imports: the descriptor as a program
// decodes it when nothing declares the extension.
func metaFixture(t *testing.T, opts *descriptorpb.FieldOptions) protoreflect.FieldDescriptor {
	t.Helper()
	fdp := &descriptorpb.FileDescriptorProto{
		Name:   proto.String("fixture.proto"),
		Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("M"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("f"), Number: proto.Int32(1),
				Type:    descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
				Label:   descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Options: opts,
			}},
		}},
	}
	fd, err := protodesc.NewFile(fdp, new(protoregistry.Files))
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().Get(0).Fields().Get(0)
}

// encodedMeta is one (confluent.field_meta) option on the wire.
func encodedMeta(doc string, tags ...string) []byte {
	var meta []byte
	if doc != "" {
		meta = protowire.AppendTag(meta, 1, protowire.BytesType)
		meta = protowire.AppendString(meta, doc)
	}
	for _, tag := range tags {
		meta = protowire.AppendTag(meta, 3, protowire.BytesType)
		meta = protowire.AppendString(meta, tag)
	}
	b := protowire.AppendTag(nil, 1088, protowire.BytesType)
	return protowire.AppendBytes(b, meta)
}

func TestMetaUnknownFields(t *testing.T) {
	withUnknown := func(b []byte) *descriptorpb.FieldOptions {
		o := &descriptorpb.FieldOptions{Deprecated: proto.Bool(true)}
		o.ProtoReflect().SetUnknown(b)
		return o
	}
	params := protowire.AppendTag(nil, 2, protowire.BytesType)
	params = protowire.AppendBytes(params, protowire.AppendString(protowire.AppendTag(
		protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "k"), 2, protowire.BytesType), "v"))
	withParams := protowire.AppendBytes(protowire.AppendTag(nil, 1088, protowire.BytesType), params)
	other := protowire.AppendVarint(protowire.AppendTag(nil, 50000, protowire.VarintType), 7)

	for _, tc := range []struct {
		name    string
		unknown []byte
		want    Meta
		ok      bool
	}{
		{"one", encodedMeta("d", "PII"), Meta{Doc: "d", Tags: []string{"PII"}}, true},
		{"among others", append(append(append([]byte{}, other...), encodedMeta("", "A")...), other...), Meta{Tags: []string{"A"}}, true},
		// Occurrences merge: the last doc wins, tags append.
		{"merged", append(append(encodedMeta("d1", "A"), withParams...), encodedMeta("d2", "B")...),
			Meta{Doc: "d2", Tags: []string{"A", "B"}, Params: map[string]string{"k": "v"}}, true},
		{"empty option", protowire.AppendBytes(protowire.AppendTag(nil, 1088, protowire.BytesType), nil), Meta{}, true},
		{"none", other, Meta{}, false},
		{"wrong wire type", protowire.AppendVarint(protowire.AppendTag(nil, 1088, protowire.VarintType), 1), Meta{}, false},
		{"malformed option", protowire.AppendBytes(protowire.AppendTag(nil, 1088, protowire.BytesType), []byte{0x0a, 0x05, 'x'}), Meta{}, false},
		{"truncated", encodedMeta("d", "PII")[:5], Meta{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := metaFixture(t, withUnknown(tc.unknown))
			got, ok := FieldMeta(fd)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("FieldMeta = %#v, %v; want %#v, %v", got, ok, tc.want, tc.ok)
			}
			if _, ok := MessageMeta(fd.ContainingMessage()); ok {
				t.Error("the message has no option")
			}
		})
	}
}

func TestMetaDynamic(t *testing.T) {
	// Options built with a dynamic extension type (here from the private
	// compile, as another compiler of confluent/meta.proto would).
	files, err := confluentFiles()
	if err != nil {
		t.Fatal(err)
	}
	meta := files["confluent/meta.proto"]
	xt := dynamicpb.NewExtensionType(meta.Extensions().ByName("field_meta"))
	val := dynamicpb.NewMessage(meta.Messages().ByName("Meta"))
	tags := val.NewField(val.Descriptor().Fields().ByName("tags")).List()
	tags.Append(protoreflect.ValueOfString("PII"))
	val.Set(val.Descriptor().Fields().ByName("tags"), protoreflect.ValueOfList(tags))
	pm := val.NewField(val.Descriptor().Fields().ByName("params")).Map()
	pm.Set(protoreflect.ValueOfString("k").MapKey(), protoreflect.ValueOfString("v"))
	val.Set(val.Descriptor().Fields().ByName("params"), protoreflect.ValueOfMap(pm))
	opts := new(descriptorpb.FieldOptions)
	proto.SetExtension(opts, xt, val)

	got, ok := FieldMeta(metaFixture(t, opts))
	if want := (Meta{Tags: []string{"PII"}, Params: map[string]string{"k": "v"}}); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("FieldMeta = %#v, %v; want %#v", got, ok, want)
	}
}

// dynamicOption sets the field_meta extension that the schema text
// declares, with tags "X" in the field named tags, on new field options.
func dynamicOption(t *testing.T, schema string, tags protoreflect.Value) *descriptorpb.FieldOptions {
	t.Helper()
	s := mustParse(t, schema)
	xd := s.Descriptor().Extensions().ByName("field_meta")
	val := dynamicpb.NewMessage(xd.Message())
	f := xd.Message().Fields().ByName("tags")
	l := val.NewField(f).List()
	l.Append(tags)
	val.Set(f, protoreflect.ValueOfList(l))
	opts := new(descriptorpb.FieldOptions)
	proto.SetExtension(opts, dynamicpb.NewExtensionType(xd), val)
	return opts
}

func TestMetaByName(t *testing.T) {
	// Another package's extension on the same number is not Confluent's.
	other := dynamicOption(t, `syntax = "proto3"; package other; import "google/protobuf/descriptor.proto";
message Meta { repeated string tags = 3; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }`, protoreflect.ValueOfString("X"))
	if got, ok := FieldMeta(metaFixture(t, other)); ok {
		t.Errorf("other.field_meta read as Confluent's: %v", got)
	}
	// Confluent's name with fields of another shape: the option is there,
	// the fields that do not fit are left out.
	odd := dynamicOption(t, `syntax = "proto3"; package confluent; import "google/protobuf/descriptor.proto";
message Meta { int32 doc = 1; map<string, int32> params = 2; repeated int64 tags = 3; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }`, protoreflect.ValueOfInt64(5))
	if got, ok := FieldMeta(metaFixture(t, odd)); !ok || !reflect.DeepEqual(got, Meta{}) {
		t.Errorf("odd meta = %#v, %v; want the zero Meta, true", got, ok)
	}
}

func TestMetaNoPanic(t *testing.T) {
	if _, ok := FieldMeta(nil); ok {
		t.Error("nil descriptor has meta")
	}
	if FieldTags(nil) != nil {
		t.Error("nil descriptor has tags")
	}
	// A descriptor without options at all.
	fd := metaFixture(t, nil)
	if _, ok := FieldMeta(fd); ok {
		t.Error("no options, yet meta")
	}
	if _, ok := FileMeta(fd.ParentFile()); ok {
		t.Error("no file options, yet meta")
	}
}

func TestUnknownFieldNoCopy(t *testing.T) {
	b := append(encodedMeta("", "A"), encodedMeta("", "B")...)
	one, ok := unknownField(b[:len(b)/2], 1088)
	if !ok || &one[0] != &b[3] {
		t.Errorf("one occurrence: %x, %v, want a slice of the input", one, ok)
	}
	two, ok := unknownField(b, 1088)
	if !ok || string(two) != string(b[3:len(b)/2])+string(b[len(b)/2+3:]) {
		t.Errorf("two occurrences: %x", two)
	}
	if !ok || &two[0] == &b[3] {
		t.Error("two occurrences must not write into the input")
	}
}

func BenchmarkFieldTags(b *testing.B) {
	md := (&srkittestpb.OrderPlaced{}).ProtoReflect().Descriptor()
	s, err := Parse(printed(b, md.ParentFile(), false), testDeps(b, md.ParentFile(), false)...)
	if err != nil {
		b.Fatal(err)
	}
	compiled, _ := findMessage(s.Descriptor(), md.FullName())
	for _, bc := range []struct {
		name string
		fd   protoreflect.FieldDescriptor
	}{{"generated", md.Fields().ByName("card_token")}, {"compiled", compiled.Fields().ByName("card_token")}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(FieldTags(bc.fd)) != 1 {
					b.Fatal("no tag")
				}
			}
		})
	}
}
