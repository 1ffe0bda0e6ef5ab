package protobuf

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

func viewOf(t *testing.T, m proto.Message, md *registry.Metadata) *ruleView {
	t.Helper()
	s := &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Metadata: md}}}
	d := m.ProtoReflect().Descriptor()
	return newRuleView(s, m.ProtoReflect().Type(), d, d.ParentFile())
}

func order() *srkittestpb.OrderPlaced {
	return &srkittestpb.OrderPlaced{
		OrderId: "o-1",
		Customer: &srkittestpb.Customer{
			Ident: &srkittestpb.Ident{Id: "c"},
			Email: "a@b",
			Level: srkittestpb.Level_GOLD,
			Since: timestamppb.Now(),
			Attrs: map[string]string{"k": "v"},
		},
		Lines: []*srkittestpb.OrderPlaced_Line{{Sku: "a"}, {Sku: "b"}},
	}
}

// set returns a FieldFunc that sets the fields named name to v.
func set(name string, v any) serde.FieldFunc {
	return func(f *serde.Field, old any) (any, error) {
		if f.Name == name {
			return v, nil
		}
		return old, nil
	}
}

// Only the messages on the path to a changed field are copied: the rest
// is shared with the caller's message, which is unchanged.
func TestTransformCopiesOnlyThePath(t *testing.T) {
	v := viewOf(t, order(), &registry.Metadata{Tags: map[string][]string{"**.sku": {"S"}}})
	in := order()
	before := proto.Clone(in)
	got, err := v.transform(in, []string{"CONTACT"}, set("email", "x@y"))
	if err != nil {
		t.Fatal(err)
	}
	out := got.(*srkittestpb.OrderPlaced)
	if out == in || out.Customer == in.Customer || out.Customer.Email != "x@y" {
		t.Fatalf("email not set in a copy: %v", out)
	}
	if out.Customer.Ident != in.Customer.Ident || out.Customer.Since != in.Customer.Since || &out.Lines[0] != &in.Lines[0] {
		t.Error("unchanged parts were copied")
	}
	if !proto.Equal(in, before) {
		t.Errorf("the caller's message changed: %v", in)
	}

	// A changed list element: a new list, the other elements shared.
	got, err = v.transform(in, []string{"S"}, func(f *serde.Field, old any) (any, error) {
		if old == "b" {
			return "B", nil
		}
		return old, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out = got.(*srkittestpb.OrderPlaced)
	if out.Lines[0] != in.Lines[0] || out.Lines[1] == in.Lines[1] || out.Lines[1].Sku != "B" || out.Customer != in.Customer {
		t.Errorf("list copy-on-write: %v", out)
	}
	if !proto.Equal(in, before) {
		t.Errorf("the caller's message changed: %v", in)
	}

	// Nothing changed: the caller's message itself.
	if got, _ := v.transform(in, nil, func(_ *serde.Field, old any) (any, error) { return old, nil }); got != proto.Message(in) {
		t.Error("an identity transform copied the message")
	}
}

// A rule whose tags no field carries costs no walk and no allocation.
func TestTransformPrunedCostsNothing(t *testing.T) {
	v := viewOf(t, order(), nil)
	in := order()
	called := false
	fn := func(_ *serde.Field, old any) (any, error) { called = true; return old, nil }
	tags := []string{"NOPE"}
	v.transform(in, tags, fn) // plan built
	allocs := testing.AllocsPerRun(100, func() {
		if got, _ := v.transform(in, tags, fn); got != proto.Message(in) {
			t.Fatal("copied")
		}
	})
	if allocs != 0 || called {
		t.Errorf("%v allocations, called %v", allocs, called)
	}
}

const kindsSchema = `syntax = "proto3";
package k;
message K {
  int32 a = 1; sint32 b = 2; sfixed32 c = 3; uint32 d = 4; fixed32 e = 5;
  int64 f = 6; sint64 g = 7; sfixed64 h = 8; uint64 i = 9; fixed64 j = 10;
  float k = 11; double l = 12; bool m = 13; bytes n = 14; string o = 15;
  E p = 16; optional string q = 17; repeated int32 r = 18;
  map<int32, string> s = 19; map<bool, string> t = 20; map<uint64, string> u = 21;
  K next = 22;
  oneof choice { string v = 23; K w = 24; }
}
enum E { E0 = 0; E1 = 1; E2 = 2; }
`

func kinds(t *testing.T) (*ruleView, *dynamicpb.Message) {
	t.Helper()
	s, err := Parse(kindsSchema)
	if err != nil {
		t.Fatal(err)
	}
	md := s.Descriptor().Messages().ByName("K")
	m := dynamicpb.NewMessage(md)
	f := md.Fields()
	for _, x := range []struct {
		name string
		v    protoreflect.Value
	}{
		{"a", protoreflect.ValueOfInt32(-1)}, {"b", protoreflect.ValueOfInt32(-2)}, {"c", protoreflect.ValueOfInt32(-3)},
		{"d", protoreflect.ValueOfUint32(4)}, {"e", protoreflect.ValueOfUint32(5)}, {"f", protoreflect.ValueOfInt64(-6)},
		{"g", protoreflect.ValueOfInt64(-7)}, {"h", protoreflect.ValueOfInt64(-8)}, {"i", protoreflect.ValueOfUint64(9)},
		{"j", protoreflect.ValueOfUint64(10)}, {"k", protoreflect.ValueOfFloat32(1.5)}, {"l", protoreflect.ValueOfFloat64(2.5)},
		{"m", protoreflect.ValueOfBool(true)}, {"n", protoreflect.ValueOfBytes([]byte("n"))}, {"o", protoreflect.ValueOfString("o")},
		{"p", protoreflect.ValueOfEnum(1)}, {"v", protoreflect.ValueOfString("v")},
	} {
		m.Set(f.ByName(protoreflect.Name(x.name)), x.v)
	}
	r := m.Mutable(f.ByName("r")).List()
	r.Append(protoreflect.ValueOfInt32(1))
	r.Append(protoreflect.ValueOfInt32(2))
	for _, k := range []int32{3, -1, 2} {
		m.Mutable(f.ByName("s")).Map().Set(protoreflect.ValueOfInt32(k).MapKey(), protoreflect.ValueOfString(fmt.Sprint("s", k)))
	}
	m.Mutable(f.ByName("t")).Map().Set(protoreflect.ValueOfBool(true).MapKey(), protoreflect.ValueOfString("t1"))
	m.Mutable(f.ByName("t")).Map().Set(protoreflect.ValueOfBool(false).MapKey(), protoreflect.ValueOfString("t0"))
	m.Mutable(f.ByName("u")).Map().Set(protoreflect.ValueOfUint64(1<<63).MapKey(), protoreflect.ValueOfString("u"))
	m.Mutable(f.ByName("next")).Message().Set(f.ByName("o"), protoreflect.ValueOfString("deep"))
	return viewOf(t, m, nil), m
}

// Every scalar kind: Confluent's types, the Go kinds protoreflect holds,
// enums as symbols, map values in key order (typed MAP, the map field's
// type in Confluent's clients), the unset optional field not visited, the
// oneof's set branch visited.
func TestTransformKinds(t *testing.T) {
	v, m := kinds(t)
	var got []string
	_, err := v.transform(m, nil, func(f *serde.Field, old any) (any, error) {
		got = append(got, fmt.Sprintf("%s:%s:%T:%v", f.Name, f.Type, old, old))
		return old, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "a:INT:int32:-1 b:INT:int32:-2 c:INT:int32:-3 d:INT:uint32:4 e:INT:uint32:5 " +
		"f:LONG:int64:-6 g:LONG:int64:-7 h:LONG:int64:-8 i:LONG:uint64:9 j:LONG:uint64:10 " +
		"k:FLOAT:float32:1.5 l:DOUBLE:float64:2.5 m:BOOLEAN:bool:true n:BYTES:[]uint8:[110] o:STRING:string:o " +
		"p:ENUM:string:E1 r:INT:int32:1 r:INT:int32:2 s:MAP:string:s-1 s:MAP:string:s2 s:MAP:string:s3 " +
		"t:MAP:string:t0 t:MAP:string:t1 u:MAP:string:u " +
		"a:INT:int32:0 b:INT:int32:0 c:INT:int32:0 d:INT:uint32:0 e:INT:uint32:0 f:LONG:int64:0 g:LONG:int64:0 " +
		"h:LONG:int64:0 i:LONG:uint64:0 j:LONG:uint64:0 k:FLOAT:float32:0 l:DOUBLE:float64:0 m:BOOLEAN:bool:false " +
		"n:BYTES:[]uint8:[] o:STRING:string:deep p:ENUM:string:E0 v:STRING:string:v"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("visited\n%s\nwant\n%s", g, want)
	}
}

// A map value is handed over as its map field (name, full name, type MAP,
// as Confluent's clients hand it), never its key; a value a rule changes
// lands under its key in a new map, the caller's map left alone.
func TestTransformMapValues(t *testing.T) {
	v, m := kinds(t)
	var seen []string
	out, err := v.transform(m, nil, func(f *serde.Field, old any) (any, error) {
		if f.Name != "s" {
			return old, nil
		}
		seen = append(seen, fmt.Sprint(f.FullName, " ", f.Type, " ", old))
		if old == "s2" {
			return "changed", nil
		}
		return old, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(seen, ","); g != "k.K.s MAP s-1,k.K.s MAP s2,k.K.s MAP s3" {
		t.Errorf("visited %s", g)
	}
	fd := m.Descriptor().Fields().ByName("s")
	got, was := out.ProtoReflect().Get(fd).Map(), m.Get(fd).Map()
	key := protoreflect.ValueOfInt32(2).MapKey()
	if got.Len() != 3 || got.Get(key).String() != "changed" || got.Get(protoreflect.ValueOfInt32(3).MapKey()).String() != "s3" {
		t.Errorf("the new map: len %d, [2]=%q", got.Len(), got.Get(key).String())
	}
	if was.Len() != 3 || was.Get(key).String() != "s2" {
		t.Errorf("the caller's map changed: [2]=%q", was.Get(key).String())
	}
}

// Results are converted to the field's kind: any integer type in range,
// either float type, an enum symbol or number; others are errors that
// name the field.
func TestTransformResults(t *testing.T) {
	v, m := kinds(t)
	for _, c := range []struct {
		field string
		v     any
		want  any // the field's value afterwards; nil: an error
	}{
		{"a", int64(7), int32(7)},
		{"a", uint8(7), int32(7)},
		{"a", int64(1 << 40), nil},
		{"a", "7", nil},
		{"a", 7.0, nil},
		{"d", -1, nil},
		{"d", uint64(1 << 32), nil},
		{"d", int32(3), uint32(3)},
		{"f", uint64(1 << 63), nil},
		{"f", int64(-1 << 63), int64(-1 << 63)},
		{"i", uint64(1 << 63), uint64(1 << 63)},
		{"k", float64(0.25), float32(0.25)},
		{"l", float32(0.5), float64(0.5)},
		{"p", "E2", protoreflect.EnumNumber(2)},
		{"p", int32(0), protoreflect.EnumNumber(0)},
		{"p", "NOPE", nil},
		{"n", "bytes", nil},
		{"n", []byte("x"), []byte("x")},
		{"o", []byte("x"), nil},
		{"m", false, false},
	} {
		t.Run(fmt.Sprintf("%s=%T(%v)", c.field, c.v, c.v), func(t *testing.T) {
			first := true
			got, err := v.transform(m, nil, func(f *serde.Field, old any) (any, error) {
				if f.Name == c.field && first && f.FullName == "k.K."+c.field {
					first = false
					return c.v, nil
				}
				return old, nil
			})
			fd := m.Descriptor().Fields().ByName(protoreflect.Name(c.field))
			if c.want == nil {
				if err == nil || !strings.Contains(err.Error(), "k.K."+c.field) {
					t.Fatalf("got %v, want an error naming the field", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := got.ProtoReflect().Get(fd).Interface(); fmt.Sprint(g) != fmt.Sprint(c.want) || fmt.Sprintf("%T", g) != fmt.Sprintf("%T", c.want) {
				t.Errorf("field %s = %T(%v), want %T(%v)", c.field, g, g, c.want, c.want)
			}
		})
	}
}

// Fields are matched with the schema's by number: the schema's names and
// tags apply, and a field the schema does not declare is not visited.
func TestTransformSchemaByNumber(t *testing.T) {
	s, err := Parse(`syntax = "proto3"; package srkit.test.events; message OrderCancelled { string id = 1; }`)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Metadata: &registry.Metadata{Tags: map[string][]string{"**.id": {"PII"}}}}}}
	in := &srkittestpb.OrderCancelled{OrderId: "o", Reason: "r"}
	v := newRuleView(rs, in.ProtoReflect().Type(), nil, s.Descriptor())
	var got []string
	out, err := v.transform(in, nil, func(f *serde.Field, old any) (any, error) {
		got = append(got, fmt.Sprint(f.FullName, f.Tags, old))
		return "x", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "srkit.test.events.OrderCancelled.id[PII]o" {
		t.Errorf("visited %q", got)
	}
	if o := out.(*srkittestpb.OrderCancelled); o.OrderId != "x" || o.Reason != "r" {
		t.Errorf("transformed %v", o)
	}
}

// Recursive message types plan once; tags deep in the recursion are found.
func TestTransformRecursive(t *testing.T) {
	s, err := Parse(`syntax = "proto3"; package r; message Node { string name = 1; Node next = 2; repeated Node kids = 3; }`)
	if err != nil {
		t.Fatal(err)
	}
	md := s.Descriptor().Messages().Get(0)
	rs := &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Metadata: &registry.Metadata{Tags: map[string][]string{"r.Node.name": {"N"}}}}}}
	v := newRuleView(rs, dynamicpb.NewMessageType(md), md, s.Descriptor())
	root := dynamicpb.NewMessage(md)
	cur := root
	for i := range 50 {
		cur.Set(md.Fields().ByName("name"), protoreflect.ValueOfString(fmt.Sprint(i)))
		next := cur.Mutable(md.Fields().ByName("next")).Message()
		cur = next.(*dynamicpb.Message)
	}
	n := 0
	out, err := v.transform(root, []string{"N"}, func(_ *serde.Field, old any) (any, error) { n++; return old.(string) + "!", nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 51 {
		t.Errorf("visited %d names, want 51", n)
	}
	if p := v.plan(md); len(p.tags) != 1 || p.tags[0] != "N" {
		t.Errorf("plan tags %v", p.tags)
	}
	if got := out.ProtoReflect().Get(md.Fields().ByName("next")).Message().Get(md.Fields().ByName("name")).String(); got != "1!" {
		t.Errorf("next name %q", got)
	}
	if root.Get(md.Fields().ByName("name")).String() != "0" {
		t.Error("the caller's message changed")
	}
}

// FromGeneric refuses messages of another type and nil.
func TestFromGenericRefuses(t *testing.T) {
	v := viewOf(t, order(), nil)
	for _, g := range []any{&srkittestpb.OrderCancelled{}, (*srkittestpb.OrderPlaced)(nil), 42, map[string]any{"nope": 1}} {
		if _, err := v.fromGeneric(g); err == nil {
			t.Errorf("fromGeneric(%T %v) succeeded", g, g)
		}
	}
	m, err := v.fromGeneric(map[string]any{"orderId": "x"})
	if err != nil || m.(*srkittestpb.OrderPlaced).OrderId != "x" {
		t.Errorf("fromGeneric(JSON) = %v, %v", m, err)
	}
}
