package protobuf_test

import (
	"bytes"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A diamond of imports: kinds.proto imports left.proto and right.proto,
// which both import shared.proto. kinds.proto is proto2 and has a field of
// every kind.
var kindsFiles = []struct{ name, text string }{
	{"shared/shared.proto", `syntax = "proto3"; package shared; message Point { sint32 x = 1; sint32 y = 2; } enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }`},
	{"left/left.proto", `syntax = "proto3"; package left; import "shared/shared.proto"; message L { shared.Point p = 1; shared.Color c = 2; }`},
	{"right/right.proto", `syntax = "proto3"; package right; import "shared/shared.proto"; message R { repeated shared.Point ps = 1; }`},
}

const kindsRoot = `syntax = "proto2";
package kinds;
import "left/left.proto";
import "right/right.proto";
import "google/protobuf/timestamp.proto";
message First { optional string ignored = 1; }
message All {
  optional double f_double = 1; optional float f_float = 2;
  optional int32 f_int32 = 3; optional int64 f_int64 = 4; optional uint32 f_uint32 = 5; optional uint64 f_uint64 = 6;
  optional sint32 f_sint32 = 7; optional sint64 f_sint64 = 8; optional fixed32 f_fixed32 = 9; optional fixed64 f_fixed64 = 10;
  optional sfixed32 f_sfixed32 = 11; optional sfixed64 f_sfixed64 = 12; optional bool f_bool = 13;
  optional string f_string = 14; optional bytes f_bytes = 15; optional Kind f_enum = 16 [default = B];
  optional left.L f_message = 17; optional google.protobuf.Timestamp f_wkt = 18; required int32 f_required = 19;
  repeated int32 r_packed = 20 [packed = true]; repeated sint64 r_unpacked = 21; repeated string r_string = 22;
  repeated Kind r_enum = 23; repeated right.R r_message = 24; repeated bytes r_bytes = 25;
  map<string, int64> m_scalar = 26; map<int32, left.L> m_message = 27; map<bool, Kind> m_enum = 28; map<uint64, bytes> m_bytes = 29;
  oneof choice { string o_string = 30; Nested o_message = 31; }
  optional group G = 32 { optional int32 g_int = 1; repeated string g_strings = 2; }
  optional Nested nested = 33;
  extensions 100 to 199;
  enum Kind { A = 0; B = 1; C = 2; }
  message Nested { optional Nested self = 1; optional fixed64 v = 2; map<string, Nested> children = 3; }
}
extend All { optional string ext_string = 100; repeated int32 ext_ints = 101; }
`

// kindsSchema compiles the diamond as a program would hold it.
func kindsSchema(t *testing.T) protoreflect.FileDescriptor {
	t.Helper()
	var deps []compat.Dependency
	for _, f := range kindsFiles {
		deps = append(deps, compat.Dependency{Name: f.name, Subject: f.name, Version: 1, Schema: registry.Schema{Schema: f.text, SchemaType: registry.Protobuf}})
	}
	s, err := protobuf.Parse(kindsRoot, deps...)
	if err != nil {
		t.Fatal(err)
	}
	return s.Descriptor()
}

// fill sets every field of m (recursing into messages down to depth),
// with two elements in lists and maps.
func fill(m protoreflect.Message, depth int) {
	fs := m.Descriptor().Fields()
	for i := 0; i < fs.Len(); i++ {
		f := fs.Get(i)
		if f.ContainingOneof() != nil && !f.ContainingOneof().IsSynthetic() && f.Name() != "o_message" {
			continue // one member per oneof
		}
		if depth <= 0 && (f.IsMap() && f.MapValue().Message() != nil || !f.IsMap() && f.Message() != nil) {
			continue
		}
		switch {
		case f.IsMap():
			mp := m.Mutable(f).Map()
			for k := range 2 {
				mp.Set(value(f.MapKey(), k, nil).MapKey(), value(f.MapValue(), k+1, func() protoreflect.Message { return mp.NewValue().Message() }, depth))
			}
		case f.IsList():
			l := m.Mutable(f).List()
			for k := range 2 {
				l.Append(value(f, k+1, func() protoreflect.Message { return l.NewElement().Message() }, depth))
			}
		default:
			m.Set(f, value(f, 3, func() protoreflect.Message { return m.NewField(f).Message() }, depth))
		}
	}
}

func value(f protoreflect.FieldDescriptor, k int, newMsg func() protoreflect.Message, depth ...int) protoreflect.Value {
	switch f.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(k%2 == 1)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-k * 1000003))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(int64(-k) << 40)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(k) << 30)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(k) << 62)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(k) + 0.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(k) * 1e300)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString("s\u00e9" + string(rune('a'+k)))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{0, byte(k), 0xff})
	case protoreflect.EnumKind:
		vs := f.Enum().Values()
		return protoreflect.ValueOfEnum(vs.Get(k % vs.Len()).Number())
	}
	m := newMsg()
	fill(m, depth[0]-1)
	return protoreflect.ValueOfMessage(m)
}

// Dynamic messages of a proto2 file with a field of every kind round-trip
// through the mock over HTTP, and the imports of imports are registered
// once each (the diamond's shared file under one subject, version 1).
func TestMockEveryFieldKindAndDiamondImports(t *testing.T) {
	fd := kindsSchema(t)
	all := fd.Messages().ByName("All")
	msg := dynamicpb.NewMessage(all)
	fill(msg, 3)
	ts := msg.Mutable(all.Fields().ByName("f_wkt")).Message()
	ts.Set(ts.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(1710506096))
	ts.Set(ts.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(789))
	want, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	// An extension the reader does not know travels as an unknown field,
	// after the others.
	ext := dynamicpb.NewExtensionType(fd.Extensions().ByName("ext_string"))
	msg.Set(ext.TypeDescriptor(), protoreflect.ValueOfString("extension"))
	extOnly := dynamicpb.NewMessage(all)
	extOnly.Set(ext.TypeDescriptor(), protoreflect.ValueOfString("extension"))
	extBytes, _ := proto.MarshalOptions{AllowPartial: true}.Marshal(extOnly)
	want = append(want, extBytes...)

	for _, serialized := range []bool{false, true} {
		c := newMock(t)
		var sopts []serde.SerializerOption
		var dopts []serde.DeserializerOption
		if serialized {
			sopts = append(sopts, protobuf.RegisterSerialized())
			dopts = append(dopts, protobuf.FetchSerialized())
		}
		s, err := protobuf.NewSerializer[proto.Message](c, serde.Value, sopts...)
		if err != nil {
			t.Fatal(err)
		}
		payload, _, err := s.Serialize(ctx, "kinds", msg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(payload[5:7], []byte{2, 2}) {
			t.Errorf("indexes % x, want 02 02 (the second message)", payload[5:7])
		}
		subjects, _ := c.Subjects(ctx)
		slices.Sort(subjects)
		if want := []string{"kinds-value", "left/left.proto", "right/right.proto", "shared/shared.proto"}; !slices.Equal(subjects, want) {
			t.Errorf("subjects %v, want %v", subjects, want)
		}
		for _, sub := range []string{"left/left.proto", "right/right.proto"} {
			got, _ := c.LatestSchema(ctx, sub)
			if want := []registry.Reference{{Name: "shared/shared.proto", Subject: "shared/shared.proto", Version: 1}}; !slices.Equal(got.References, want) {
				t.Errorf("%s references %v", sub, got.References)
			}
		}
		if vs, _ := c.Versions(ctx, "shared/shared.proto"); len(vs) != 1 {
			t.Errorf("shared.proto has versions %v, want one", vs)
		}

		d, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, dopts...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "kinds", payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.ProtoReflect().Descriptor().FullName() != "kinds.All" {
			t.Fatalf("decoded %s", got.ProtoReflect().Descriptor().FullName())
		}
		again, err := proto.MarshalOptions{Deterministic: true}.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, want) {
			t.Errorf("serialized=%v: decoded message re-marshals differently\n got %x\nwant %x", serialized, again, want)
		}
		// Field by field, through the JSON mapping (the extension stays
		// unknown to the reader and is left out).
		msg.Clear(ext.TypeDescriptor())
		wj, err := protojson.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		msg.Set(ext.TypeDescriptor(), protoreflect.ValueOfString("extension"))
		gj, err := protojson.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gj, wj) {
			t.Errorf("decoded\n%s\nwant\n%s", gj, wj)
		}

		// A proto2 message without its required field is an error, not a
		// half-read message.
		partial := dynamicpb.NewMessage(all)
		partial.Set(all.Fields().ByName("f_string"), protoreflect.ValueOfString("x"))
		body, _ := proto.MarshalOptions{AllowPartial: true}.Marshal(partial)
		if _, err := d.Deserialize(ctx, "kinds", append(payload[:7:7], body...), nil); err == nil {
			t.Error("a message without its required field decoded")
		}
	}
}
