package protobuf

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		deps       []compat.Dependency
		want       error
	}{
		{"syntax", `syntax = "proto3"; message {`, nil, ErrInvalidSchema},
		{"unknown type", `syntax = "proto3"; message M { Nope n = 1; }`, nil, ErrInvalidSchema},
		{"duplicate number", `syntax = "proto3"; message M { int32 a = 1; int32 b = 1; }`, nil, ErrInvalidSchema},
		{"missing reference", `syntax = "proto3"; import "other/x.proto"; message M {}`, nil, ErrUnknownImport},
		{"unbundled builtin", `syntax = "proto3"; import "google/type/nope.proto"; message M {}`, nil, ErrUnknownImport},
		{"bad reference", `syntax = "proto3"; import "x.proto"; message M { X x = 1; }`,
			[]compat.Dependency{{Name: "x.proto", Schema: registry.Schema{Schema: "message X {"}}}, ErrInvalidSchema},
		{"cyclic references", `syntax = "proto3"; import "a.proto"; message M {}`,
			[]compat.Dependency{
				{Name: "a.proto", Schema: registry.Schema{Schema: `syntax = "proto3"; import "b.proto";`}},
				{Name: "b.proto", Schema: registry.Schema{Schema: `syntax = "proto3"; import "a.proto";`}},
			}, ErrInvalidSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Format().Parse(tt.text, tt.deps)
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidSchema) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseBuiltins(t *testing.T) {
	text := `syntax = "proto3";
package b;
import "google/protobuf/timestamp.proto";
import "google/protobuf/any.proto";
import "google/type/date.proto";
import "google/type/money.proto";
import "google/type/datetime.proto";
import "google/type/postal_address.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message M {
  google.protobuf.Timestamp at = 1;
  google.type.Date day = 2;
  google.type.Money price = 3 [(confluent.field_meta).tags = "FIN"];
  confluent.type.Decimal amount = 4;
  google.type.DateTime when = 5;
  google.type.PostalAddress address = 6;
  google.protobuf.Any any = 7;
}`
	s, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := s.MessageAt(nil)
	if got := FieldTags(md.Fields().ByName("price")); !reflect.DeepEqual(got, []string{"FIN"}) {
		t.Errorf("tags = %v", got)
	}
	if got := md.Fields().ByName("when").Message().Fields().ByName("utc_offset").Message().FullName(); got != "google.protobuf.Duration" {
		t.Errorf("utc_offset type = %s", got)
	}
	// Every bundled google/type file compiles.
	for _, p := range googleTypePaths() {
		if _, err := Parse(`syntax = "proto3"; import "` + p + `";`); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestCanonicalAndFormats(t *testing.T) {
	a := mustParse(t, `syntax="proto3";package p;import "google/protobuf/wrappers.proto";import "google/protobuf/any.proto";
// comment
message M{google.protobuf.StringValue s=1;google.protobuf.Any a=2;}`)
	b := mustParse(t, "syntax = \"proto3\";\n\npackage p;\n\nimport \"google/protobuf/wrappers.proto\";\nimport \"google/protobuf/any.proto\";\n\nmessage M {\n  google.protobuf.StringValue s = 1;\n\n  google.protobuf.Any a = 2;\n}\n")
	if a.Canonical() != b.Canonical() {
		t.Errorf("canonical differs:\n%s\n%s", a.Canonical(), b.Canonical())
	}
	n := a.Normalized()
	if strings.Index(n, "google/protobuf/any.proto") > strings.Index(n, "google/protobuf/wrappers.proto") {
		t.Errorf("normalized imports are not sorted:\n%s", n)
	}
	if !strings.Contains(n, ".google.protobuf.StringValue s = 1;") {
		t.Errorf("normalized names are not qualified:\n%s", n)
	}

	// serialized → parse → same schema.
	ser, err := a.Format("serialized")
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, ser)
	if c.Canonical() != a.Canonical() {
		t.Errorf("serialized round trip:\n%s\n%s", c.Canonical(), a.Canonical())
	}
	if got, _ := a.Format(""); got != a.Canonical() {
		t.Errorf("default format = %q", got)
	}
	if _, err := a.Format("bogus"); err == nil {
		t.Error("unknown format accepted")
	}
	var _ compat.Formatter = a
}

func TestIgnoreExtensionsFormat(t *testing.T) {
	s := mustParse(t, `syntax = "proto2"; package p; message M { extensions 100 to 200; } extend M { optional int32 x = 100; } message N {}`)
	got, err := s.Format("ignore_extensions")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "extend") || !strings.Contains(got, "message N") {
		t.Errorf("ignore_extensions:\n%s", got)
	}
}

// The vectors' registered texts parse, and printing the generated types
// gives the registered text exactly.
func TestPrintMatchesVectors(t *testing.T) {
	vs := vectortest.Load(t, "testdata/vectors", "PROTOBUF")
	want := map[string]string{}
	for _, v := range vs {
		for _, r := range v.Registry {
			want[r.Subject] = r.Schema.Schema
			deps := []compat.Dependency{}
			for _, ref := range r.References {
				for _, o := range v.Registry {
					if o.Subject == ref.Subject && o.Version == ref.Version {
						deps = append(deps, compat.Dependency{Name: ref.Name, Subject: o.Subject, Version: o.Version, Schema: o.Schema})
					}
				}
			}
			if _, err := Parse(r.Schema.Schema, deps...); err != nil {
				t.Errorf("%s/%s: %v", v.Name, r.Subject, err)
			}
		}
	}
	if got := printed(t, catalogpb.File_vectors_catalog_catalog_proto, false); got != want["vectors-proto-multi-value"] {
		t.Errorf("catalog.proto printed:\n%s\nregistered:\n%s", got, want["vectors-proto-multi-value"])
	}
	// The encryption vector's schema carries field tags.
	s := mustParse(t, want["vectors-proto-encrypt-value"])
	md, _ := s.MessageAt([]int{0})
	for _, f := range []string{"name", "ssn", "photo"} {
		if got := FieldTags(md.Fields().ByName(protoName(f))); !reflect.DeepEqual(got, []string{"PII"}) {
			t.Errorf("%s tags = %v", f, got)
		}
	}
	if got := FieldTags(md.Fields().ByName("age")); got != nil {
		t.Errorf("age tags = %v", got)
	}
}

func TestMessageIndexes(t *testing.T) {
	s := mustParse(t, `syntax = "proto3";
message A { map<string, string> m = 1; message B {} enum E { Z = 0; } message C { message D {} } }
enum Top { T = 0; }
message F {}`)
	tests := []struct {
		idx  []int
		name string
	}{
		{nil, "A"}, {[]int{0}, "A"}, {[]int{0, 0}, "A.B"}, {[]int{0, 1}, "A.C"}, {[]int{0, 1, 0}, "A.C.D"}, {[]int{1}, "F"},
	}
	for _, tt := range tests {
		md, err := s.MessageAt(tt.idx)
		if err != nil {
			t.Fatalf("%v: %v", tt.idx, err)
		}
		if string(md.FullName()) != tt.name {
			t.Errorf("%v = %s, want %s", tt.idx, md.FullName(), tt.name)
		}
		want := tt.idx
		if len(want) == 0 {
			want = []int{0}
		}
		if got := MessageIndexes(md); !reflect.DeepEqual(got, want) {
			t.Errorf("MessageIndexes(%s) = %v, want %v", md.FullName(), got, want)
		}
	}
	for _, bad := range [][]int{{2}, {-1}, {0, 2}, {0, 0, 0}, {1, 0}, {0, 1, 1}} {
		if _, err := s.MessageAt(bad); !errors.Is(err, ErrUnknownMessage) {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
	if _, err := mustParse(t, `syntax = "proto3"; enum E { Z = 0; }`).MessageAt(nil); !errors.Is(err, ErrUnknownMessage) {
		t.Errorf("no messages: err = %v", err)
	}
	// proto2 groups declare their type with the field, not as a message:
	// they are not counted (as Confluent's Java ProtobufSchema reads the
	// registry's text), at any level.
	g := mustParse(t, `syntax = "proto2";
message A { extensions 100 to 200; optional group G = 1 { optional int32 x = 1; } message B {} map<string, B> m = 2; message C {} }
extend A { optional group X = 100 { optional int32 y = 1; } }
message D {}`)
	for idx, name := range map[string]string{"0,0": "A.B", "0,1": "A.C", "1": "D"} {
		var path []int
		for _, p := range strings.Split(idx, ",") {
			n, _ := strconv.Atoi(p)
			path = append(path, n)
		}
		md, err := g.MessageAt(path)
		if err != nil || string(md.FullName()) != name {
			t.Errorf("%v = %v, %v; want %s", path, md, err, name)
			continue
		}
		if got := MessageIndexes(md); !reflect.DeepEqual(got, path) {
			t.Errorf("MessageIndexes(%s) = %v, want %v", name, got, path)
		}
	}
	if _, err := g.MessageAt([]int{2}); !errors.Is(err, ErrUnknownMessage) {
		t.Errorf("[2] (the extension's group) = %v, want ErrUnknownMessage", err)
	}
	// Generated descriptors agree.
	md := (&srkittestpb.OrderPlaced_Line_Discount{}).ProtoReflect().Descriptor()
	if got := MessageIndexes(md); !reflect.DeepEqual(got, []int{0, 0, 0}) {
		t.Errorf("OrderPlaced.Line.Discount = %v", got)
	}
	if got := MessageIndexes((&srkittestpb.Bench{}).ProtoReflect().Descriptor()); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("Bench = %v", got)
	}
}
