package protobuf_test

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/serde"
)

// dynamicCopy decodes m's bytes into a new dynamic message of md.
func dynamicCopy(t *testing.T, m proto.Message, md protoreflect.MessageDescriptor) *dynamicpb.Message {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	d := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(b, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDynamicMessagesSerializeDeterministically: a dynamic message used to
// come out in a different field and map-entry order on every run (proto
// ranges over dynamicpb's field map). Now the same message, built anew
// each time, serializes to identical bytes every time: the bytes of its
// generated counterpart under proto's Deterministic option.
func TestDynamicMessagesSerializeDeterministically(t *testing.T) {
	c := newMock(t)
	s, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	order := sampleOrder()
	order.Counters = map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
	order.Customer.Attrs = map[string]string{"x": "1", "y": "2", "z": "3", "w": "4"}
	for _, tt := range []struct {
		name string
		msg  proto.Message
	}{
		{"OrderPlaced", order},
		{"Bench", benchMessageFor(t)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			md := tt.msg.ProtoReflect().Descriptor()
			var first []byte
			for i := range 200 {
				payload, _, err := s.Serialize(ctx, "dyn", dynamicCopy(t, tt.msg, md))
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = payload
					body := payload[len(payload)-len(want):]
					if !bytes.Equal(body, want) {
						t.Fatalf("body\n% x\nwant the generated message's deterministic bytes\n% x", body, want)
					}
					continue
				}
				if !bytes.Equal(payload, first) {
					t.Fatalf("run %d wrote\n% x\nrun 0 wrote\n% x", i, payload, first)
				}
			}
		})
	}
}

func benchMessageFor(t *testing.T) proto.Message {
	t.Helper()
	m := &srkittestpb.Bench{Id: "id", CustomerId: 7, Email: "e@x", Amount: 1.5, Currency: "EUR",
		Tags: map[string]string{"channel": "web", "region": "eu-west", "campaign": "spring", "a": "", "": "b"}}
	for i := range 5 {
		m.Items = append(m.Items, &srkittestpb.Bench_Item{Sku: "SKU", Quantity: int32(i + 1), Price: 9.99 * float64(i+1)})
	}
	return m
}

// TestDynamicDeterministicKinds: extensions, oneofs, proto2 required
// fields, unknown fields, maps of every key kind and of messages come out
// in proto's deterministic order, and a missing required field is still
// an error.
func TestDynamicDeterministicKinds(t *testing.T) {
	schema, err := protobuf.Parse(`syntax = "proto2";
package k;
message Inner { optional int32 v = 1; map<int32, string> m = 2; }
message M {
  required string id = 9;
  optional int32 z = 1;
  oneof second { string s2 = 3; int32 i2 = 2; }
  oneof first { string s1 = 20; }
  map<bool, int32> bools = 5;
  map<sint64, Inner> ints = 6;
  map<uint32, string> uints = 7;
  map<fixed64, string> fixeds = 11;
  map<string, Inner> strs = 8;
  repeated Inner inners = 4;
  extensions 100 to 200;
}
extend M { optional string e150 = 150; optional Inner e120 = 120; repeated int32 e110 = 110; }
`)
	if err != nil {
		t.Fatal(err)
	}
	fd := schema.Descriptor()
	md := fd.Messages().ByName("M")
	inner := fd.Messages().ByName("Inner")
	c := newMock(t)
	s, err := protobuf.NewSerializer[*dynamicpb.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	build := func() *dynamicpb.Message {
		m := dynamicpb.NewMessage(md)
		set := func(name string, v protoreflect.Value) { m.Set(md.Fields().ByName(protoreflect.Name(name)), v) }
		set("id", protoreflect.ValueOfString("x"))
		set("z", protoreflect.ValueOfInt32(1))
		set("i2", protoreflect.ValueOfInt32(2))
		set("s1", protoreflect.ValueOfString("one"))
		newInner := func(v int32) protoreflect.Value {
			im := dynamicpb.NewMessage(inner)
			im.Set(inner.Fields().ByName("v"), protoreflect.ValueOfInt32(v))
			mm := im.Mutable(inner.Fields().ByName("m")).Map()
			for k := range int32(5) {
				mm.Set(protoreflect.ValueOfInt32(k*7-10).MapKey(), protoreflect.ValueOfString(strings.Repeat("s", int(k))))
			}
			return protoreflect.ValueOfMessage(im)
		}
		maps := func(name string) protoreflect.Map {
			return m.Mutable(md.Fields().ByName(protoreflect.Name(name))).Map()
		}
		maps("bools").Set(protoreflect.ValueOfBool(true).MapKey(), protoreflect.ValueOfInt32(1))
		maps("bools").Set(protoreflect.ValueOfBool(false).MapKey(), protoreflect.ValueOfInt32(0))
		for k := range 6 {
			maps("ints").Set(protoreflect.ValueOfInt64(int64(k*3-8)).MapKey(), newInner(int32(k)))
			maps("uints").Set(protoreflect.ValueOfUint32(uint32(k*1000)).MapKey(), protoreflect.ValueOfString("u"))
			maps("fixeds").Set(protoreflect.ValueOfUint64(uint64(1)<<(k*10)).MapKey(), protoreflect.ValueOfString("f"))
			maps("strs").Set(protoreflect.ValueOfString(strings.Repeat("k", 6-k)).MapKey(), newInner(int32(k)))
		}
		list := m.Mutable(md.Fields().ByName("inners")).List()
		list.Append(newInner(1))
		list.Append(newInner(2))
		exts := fd.Extensions()
		m.Set(exts.ByName("e150"), protoreflect.ValueOfString("ext"))
		m.Set(exts.ByName("e120"), newInner(9))
		el := m.Mutable(exts.ByName("e110")).List()
		el.Append(protoreflect.ValueOfInt32(3))
		m.SetUnknown(protoreflect.RawFields{0xf8, 0x0c, 0x01}) // field 207, varint 1
		return m
	}
	want, err := proto.MarshalOptions{Deterministic: true}.Marshal(build())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		payload, _, err := s.Serialize(ctx, "kinds", build())
		if err != nil {
			t.Fatal(err)
		}
		// Prefix: magic, ID, indexes [1] (02 02).
		if body := payload[7:]; !bytes.Equal(body, want) {
			t.Fatalf("run %d:\n% x\nwant proto's deterministic bytes\n% x", i, body, want)
		}
	}
	var files protoregistry.Files
	if err := files.RegisterFile(fd); err != nil {
		t.Fatal(err)
	}
	back := dynamicpb.NewMessage(md)
	if err := (proto.UnmarshalOptions{Resolver: dynamicpb.NewTypes(&files)}).Unmarshal(want, back); err != nil {
		t.Fatal(err)
	}
	if payload, _, err := s.Serialize(ctx, "kinds", back); err != nil || !bytes.Equal(payload[7:], want) {
		t.Errorf("decoded and serialized again: %v\n% x", err, payload)
	}

	missing := build()
	missing.Clear(md.Fields().ByName("id"))
	if _, _, err := s.Serialize(ctx, "kinds", missing); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("missing required field: %v", err)
	}
}
