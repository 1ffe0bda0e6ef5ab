package protobuf_test

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// pythonSchema is a testdata descriptor as confluent-kafka-python registers
// it: base64 of the bytes its generated code embeds, without json_name.
func pythonSchema(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/python/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "orderId") || strings.Contains(string(b), "lineItems") {
		t.Fatalf("%s carries json_name: not what protoc embeds", name)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// TestParsePythonDescriptors: descriptors without json_name (rejected
// before with `custom JSON name "" conflicts with custom JSON name of field
// a`) parse, with protoc's default JSON names, and print as the .proto text
// they came from.
func TestParsePythonDescriptors(t *testing.T) {
	ts := compat.Dependency{Name: "google/protobuf/timestamp.proto", Subject: "google/protobuf/timestamp.proto", Version: 1,
		Schema: registry.Schema{Schema: pythonSchema(t, "timestamp.pb"), SchemaType: registry.Protobuf}}
	for _, tt := range []struct {
		file string
		deps []compat.Dependency
		json map[string]string // field path → JSON name
	}{
		{"timestamp.pb", nil, map[string]string{"Timestamp.seconds": "seconds", "Timestamp.nanos": "nanos"}},
		{"m.pb", nil, map[string]string{"M.a": "a", "M.b": "b"}},
		{"shop.pb", nil, map[string]string{"Order.order_id": "orderId", "Order.placed_at": "placedAt", "Order.line_items": "lineItems", "Order.card_no": "cardNo", "Order.AttrsEntry.key": "key", "Order.Line.qty": "qty"}},
		{"shop.pb", []compat.Dependency{ts}, map[string]string{"Order.line_items": "lineItems"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			s, err := protobuf.Parse(pythonSchema(t, tt.file), tt.deps...)
			if err != nil {
				t.Fatal(err)
			}
			for path, want := range tt.json {
				if got := fieldAt(t, s.Descriptor(), path).JSONName(); got != want {
					t.Errorf("%s: JSON name %q, want %q", path, got, want)
				}
			}
			if strings.Contains(s.Canonical(), "json_name") {
				t.Errorf("default JSON names printed as options:\n%s", s.Canonical())
			}
			if src, err := os.ReadFile("testdata/python/" + strings.TrimSuffix(tt.file, ".pb") + ".proto"); err == nil {
				want, err := protobuf.Parse(string(src))
				if err != nil {
					t.Fatal(err)
				}
				if s.Canonical() != want.Canonical() {
					t.Errorf("prints\n%s\nthe .proto source prints\n%s", s.Canonical(), want.Canonical())
				}
			}
		})
	}
}

// fieldAt finds "Msg.Nested.field" in fd.
func fieldAt(t *testing.T, fd protoreflect.FileDescriptor, path string) protoreflect.FieldDescriptor {
	t.Helper()
	parts := strings.Split(path, ".")
	md := fd.Messages().ByName(protoreflect.Name(parts[0]))
	for _, p := range parts[1 : len(parts)-1] {
		if md == nil {
			break
		}
		md = md.Messages().ByName(protoreflect.Name(p))
	}
	if md == nil || md.Fields().ByName(protoreflect.Name(parts[len(parts)-1])) == nil {
		t.Fatalf("no field %s", path)
	}
	return md.Fields().ByName(protoreflect.Name(parts[len(parts)-1]))
}

// TestMockPythonRegistration registers the schemas as
// confluent-kafka-python does (timestamp.proto as a reference of its own,
// which the mock refused with 42201 before) and decodes records written
// with them, with and without FetchSerialized.
func TestMockPythonRegistration(t *testing.T) {
	c := newMock(t)
	tsSubject := "google/protobuf/timestamp.proto"
	ts, err := c.Register(ctx, tsSubject, registry.Schema{Schema: pythonSchema(t, "timestamp.pb"), SchemaType: registry.Protobuf})
	if err != nil {
		t.Fatalf("timestamp.proto: %v", err)
	}
	shop, err := c.Register(ctx, "shop-value", registry.Schema{Schema: pythonSchema(t, "shop.pb"), SchemaType: registry.Protobuf,
		References: []registry.Reference{{Name: tsSubject, Subject: tsSubject, Version: ts.Version}}})
	if err != nil {
		t.Fatalf("shop.proto: %v", err)
	}
	m, err := c.Register(ctx, "m-value", registry.Schema{Schema: pythonSchema(t, "m.pb"), SchemaType: registry.Protobuf})
	if err != nil {
		t.Fatalf("m.proto: %v", err)
	}

	// shop.Order as Python writes it: magic, ID, index [0], body.
	var line, body []byte
	line = protowire.AppendTag(line, 1, protowire.BytesType)
	line = protowire.AppendString(line, "A")
	line = protowire.AppendTag(line, 2, protowire.VarintType)
	line = protowire.AppendVarint(line, 2)
	var at []byte
	at = protowire.AppendTag(at, 1, protowire.VarintType)
	at = protowire.AppendVarint(at, 1700000000)
	var entry []byte
	entry = protowire.AppendTag(entry, 1, protowire.BytesType)
	entry = protowire.AppendString(entry, "k")
	entry = protowire.AppendTag(entry, 2, protowire.BytesType)
	entry = protowire.AppendString(entry, "v")
	body = protowire.AppendTag(body, 1, protowire.BytesType)
	body = protowire.AppendString(body, "o-1")
	body = protowire.AppendTag(body, 2, protowire.BytesType)
	body = protowire.AppendBytes(body, at)
	body = protowire.AppendTag(body, 3, protowire.BytesType)
	body = protowire.AppendBytes(body, line)
	body = protowire.AppendTag(body, 4, protowire.BytesType)
	body = protowire.AppendBytes(body, entry)
	body = protowire.AppendTag(body, 6, protowire.BytesType)
	body = protowire.AppendString(body, "4111")
	mBody := []byte{0x0a, 1, 'x', 0x12, 1, 'y'}

	for _, opts := range [][]serde.DeserializerOption{nil, {protobuf.FetchSerialized()}} {
		d, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			id   int
			body []byte
			want string
		}{
			{shop.ID, body, `{"orderId":"o-1","placedAt":"2023-11-14T22:13:20Z","lineItems":[{"sku":"A","qty":2}],"attrs":{"k":"v"},"cardNo":"4111"}`},
			{m.ID, mBody, `{"a":"x","b":"y"}`},
		} {
			payload := append([]byte{0, 0, 0, 0, byte(tt.id), 0}, tt.body...)
			got, err := d.Deserialize(ctx, "t", payload, nil)
			if err != nil {
				t.Fatalf("schema %d (%d options): %v", tt.id, len(opts), err)
			}
			js, err := protojson.MarshalOptions{}.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if compact := strings.ReplaceAll(string(js), " ", ""); compact != tt.want {
				t.Errorf("schema %d: %s, want %s", tt.id, compact, tt.want)
			}
		}
	}
}
