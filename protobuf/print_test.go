package protobuf

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
)

// printerSchemas exercise every construct the printer must render: file,
// message, field, enum and enum-value options (custom ones included),
// defaults, json names, packed fields, maps, oneofs, groups, reserved
// ranges and names, extension ranges, extensions (top-level and nested),
// enum aliases and services; in proto2, proto3 and editions.
var printerSchemas = map[string]string{
	"proto2": `syntax = "proto2";
package p.q;
import "google/protobuf/descriptor.proto";
import "confluent/meta.proto";
option java_package = "com.example";
option optimize_for = SPEED;
option (confluent.file_meta).doc = "file";
extend google.protobuf.FieldOptions { optional string my_opt = 50001; repeated int32 my_list = 50002; }
extend google.protobuf.MessageOptions { optional Inner my_msg_opt = 50003; }
message Inner { optional string a = 1; repeated int32 b = 2; extensions 500 to 600; }
message M {
  option (my_msg_opt) = { a: "x" b: 1 b: 2 };
  option deprecated = true;
  required int32 a = 1 [default = 7, (my_opt) = "hi", (my_list) = 1, (my_list) = 2];
  optional string s = 2 [default = "a\"b\n\x01", json_name = "sss"];
  repeated sint64 r = 3 [packed = true];
  optional bytes by = 4 [default = "\000\377"];
  optional double d = 5 [default = inf];
  optional float f = 6 [default = -nan];
  optional E e = 7 [default = Y];
  map<string, Inner> m = 8;
  oneof o { string os = 9; Inner om = 10; }
  optional group G = 12 { optional int32 y = 1; repeated G2 nested = 2; message G2 { optional int32 z = 1; } }
  reserved 100 to 110, 120, 5000 to max;
  reserved "foo", "bar";
  extensions 1000 to 1999 [verification = UNVERIFIED];
  extensions 3000;
  enum E { option allow_alias = true; X = 0; Y = 1; Z = 1 [deprecated = true]; reserved 5 to 8; reserved "W"; }
  extend Inner { optional int32 nested_ext = 500; }
  optional fixed32 f32 = 13; optional sfixed64 sf64 = 14; optional uint64 u64 = 15; optional bool b = 16 [default = true];
}
extend M { optional string ext = 1000 [(confluent.field_meta).tags = "PII"]; repeated Inner exts = 1001; }
service S { rpc Call(M) returns (stream Inner) { option deprecated = true; } }
`,
	"proto3": `syntax = "proto3"; package r;
import "google/protobuf/any.proto"; import public "google/protobuf/timestamp.proto"; import "confluent/meta.proto";
message A {
  optional int32 x = 1; map<int64, A> m = 2; repeated A.B bs = 3;
  message B { google.protobuf.Any any = 1; google.protobuf.Timestamp at = 2 [(confluent.field_meta) = { tags: ["PII", "X"] doc: "d" }]; }
  reserved 4, 6 to 9; reserved "old";
  oneof k { string s = 10; bytes b = 11; B msg = 12; }
  repeated double packed = 13 [packed = false];
}
enum Top { option allow_alias = true; T0 = 0; T1 = 0; T2 = 2 [(confluent.enum_value_meta).doc = "two"]; }`,
	"editions": `edition = "2023"; package ed;
option features.field_presence = IMPLICIT;
message M {
  int32 a = 1 [features.field_presence = EXPLICIT];
  M child = 2 [features.message_encoding = DELIMITED];
  repeated int32 r = 3 [features.repeated_field_encoding = EXPANDED];
  E e = 4 [features.field_presence = EXPLICIT];
}
enum E { option features.enum_type = CLOSED; ONE = 1; TWO = 2; }`,
}

// fileText renders a file descriptor as comparable text (its
// FileDescriptorProto without source info). Extension values are
// compared by content: two compilations give options of distinct dynamic
// types.
func fileText(t *testing.T, fd protoreflect.FileDescriptor) string {
	t.Helper()
	fdp := protodesc.ToFileDescriptorProto(fd)
	fdp.SourceCodeInfo = nil
	fdp.Name = proto.String(rootName) // a registry schema's own name
	return prototext.Format(fdp)
}

// The printed text (canonical and normalized) compiles back to the
// descriptor it was printed from.
func TestPrintParsesBack(t *testing.T) {
	for name, src := range printerSchemas {
		t.Run(name, func(t *testing.T) {
			s := mustParse(t, src)
			want := fileText(t, s.Descriptor())
			for form, text := range map[string]string{"canonical": s.Canonical(), "normalized": s.Normalized()} {
				back, err := Parse(text)
				if err != nil {
					t.Fatalf("%s form does not parse: %v\n%s", form, err, text)
				}
				got, expected := fileText(t, back.Descriptor()), want
				if form == "normalized" {
					// Imports are sorted; nothing else may change.
					got, expected = withoutDependencies(got), withoutDependencies(want)
				}
				if got != expected {
					t.Errorf("%s form compiles to another descriptor:\n%s\n--- printed ---\n%s\n--- got ---\n%s", form, expected, text, got)
				}
			}
		})
	}
	// Generated files print back to themselves too.
	for _, fd := range []protoreflect.FileDescriptor{srkittestpb.File_srkittest_events_proto, srkittestpb.File_srkittest_common_proto} {
		text := printed(t, fd, false)
		back, err := Parse(text, testDeps(t, fd, false)...)
		if err != nil {
			t.Fatalf("%s: %v", fd.Path(), err)
		}
		want := fileText(t, fd)
		if got := fileText(t, back.Descriptor()); got != want {
			t.Errorf("%s prints to another descriptor:\n%s\n---\n%s", fd.Path(), want, got)
		}
	}
}

func withoutDependencies(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "dependency:") && !strings.HasPrefix(l, "public_dependency:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestNormalizedSortsImports(t *testing.T) {
	s := mustParse(t, printerSchemas["proto3"])
	n := s.Normalized()
	a, ts, m := strings.Index(n, `import "google/protobuf/any.proto"`), strings.Index(n, `import public "google/protobuf/timestamp.proto"`), strings.Index(n, `import "confluent/meta.proto"`)
	if a < 0 || ts < 0 || m < 0 || !(m < a && a < ts) {
		t.Errorf("imports not sorted by path:\n%s", n)
	}
	// The zero-valued aliases keep their order: the first is the default.
	if strings.Index(n, "T0 = 0") > strings.Index(n, "T1 = 0") {
		t.Errorf("enum aliases reordered:\n%s", n)
	}
}
