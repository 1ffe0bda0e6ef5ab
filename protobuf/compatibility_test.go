package protobuf

import (
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

func mustParse(t *testing.T, text string, deps ...compat.Dependency) *Schema {
	t.Helper()
	s, err := Parse(text, deps...)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	return s
}

func TestCheckRead(t *testing.T) {
	const base = `syntax = "proto3"; package p; message M { int32 a = 1; string b = 2; }`
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"identical", base, base, nil},
		{"reformatted", base, "syntax = \"proto3\";\npackage p;\n\nmessage M {\n  int32 a = 1;\n  string b = 2;\n}\n", nil},
		{"field added", base, `syntax = "proto3"; package p; message M { int32 a = 1; string b = 2; bool c = 3; }`, nil},
		{"field removed", base, `syntax = "proto3"; package p; message M { int32 a = 1; }`, nil},
		{"field renamed", base, `syntax = "proto3"; package p; message M { int32 x = 1; string b = 2; }`, nil},
		{"int32 to int64", base, `syntax = "proto3"; package p; message M { int64 a = 1; string b = 2; }`, nil},
		{"string to bytes", base, `syntax = "proto3"; package p; message M { int32 a = 1; bytes b = 2; }`, nil},
		{"int32 to enum", base, `syntax = "proto3"; package p; enum E { Z = 0; } message M { E a = 1; string b = 2; }`, nil},
		{"int32 to sint32", base, `syntax = "proto3"; package p; message M { sint32 a = 1; string b = 2; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"int32 to string", base, `syntax = "proto3"; package p; message M { string a = 1; string b = 2; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"scalar to message", base, `syntax = "proto3"; package p; message N {} message M { int32 a = 1; N b = 2; }`,
			[]string{"Difference{fullPath='#/M/2', type=FIELD_KIND_CHANGED}"}},
		{"package changed", base, `syntax = "proto3"; package q; message M { int32 a = 1; string b = 2; }`,
			[]string{"Difference{fullPath='#/', type=PACKAGE_CHANGED}"}},
		{"message removed",
			`syntax = "proto3"; package p; message M { int32 a = 1; } message Old { string s = 1; }`,
			`syntax = "proto3"; package p; message M { int32 a = 1; }`,
			[]string{"Difference{fullPath='#/Old', type=MESSAGE_REMOVED}"}},
		{"message added and moved",
			`syntax = "proto3"; package p; message A {} message B {}`,
			`syntax = "proto3"; package p; message C {} message B {} message A {}`, nil},
		{"named type changed",
			`syntax = "proto3"; package p; message X {} message Y {} message M { X f = 1; }`,
			`syntax = "proto3"; package p; message X {} message Y {} message M { Y f = 1; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_NAMED_TYPE_CHANGED}"}},
		{"nested path",
			`syntax = "proto3"; package p; message Outer { message Inner { double d = 1; } }`,
			`syntax = "proto3"; package p; message Outer { message Inner { float d = 1; } }`,
			[]string{"Difference{fullPath='#/Outer/Inner/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"map value changed",
			`syntax = "proto3"; package p; message M { map<string, int32> m = 1; }`,
			`syntax = "proto3"; package p; message M { map<string, double> m = 1; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"map to scalar",
			`syntax = "proto3"; package p; message M { map<string, int32> m = 1; }`,
			`syntax = "proto3"; package p; message M { string m = 1; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_KIND_CHANGED}"}},
		// Labels are compared as written in the text, as Confluent's diff
		// (Wire's parser) sees them: a proto3 field without a label has
		// none, so only explicit labels that differ count.
		{"numeric label changed",
			`syntax = "proto3"; package p; message M { optional int32 a = 1; }`,
			`syntax = "proto3"; package p; message M { repeated int32 a = 1; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_NUMERIC_LABEL_CHANGED}"}},
		{"proto2 optional to required",
			`syntax = "proto2"; package p; message M { optional int64 a = 1; optional E e = 2; enum E { Z = 0; } }`,
			`syntax = "proto2"; package p; message M { required int64 a = 1; repeated E e = 2; enum E { Z = 0; } }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_NUMERIC_LABEL_CHANGED}", "Difference{fullPath='#/M/2', type=FIELD_NUMERIC_LABEL_CHANGED}"}},
		{"unlabelled proto3 field made repeated",
			`syntax = "proto3"; package p; message M { int32 a = 1; }`,
			`syntax = "proto3"; package p; message M { repeated int32 a = 1; }`, nil},
		{"label and scalar kind changed",
			`syntax = "proto3"; package p; message M { optional int32 a = 1; }`,
			`syntax = "proto3"; package p; message M { repeated string a = 1; }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"message field made repeated",
			`syntax = "proto2"; package p; message N {} message M { optional N n = 1; }`,
			`syntax = "proto2"; package p; message N {} message M { repeated N n = 1; }`, nil},
		{"string label changed",
			`syntax = "proto3"; package p; message M { optional string a = 1; }`,
			`syntax = "proto3"; package p; message M { repeated string a = 1; }`, nil},
		{"oneof member moved out with a label",
			`syntax = "proto2"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`,
			`syntax = "proto2"; package p; message M { oneof o { string b = 2; } repeated int32 a = 1; }`, nil},
		{"one field into a new oneof",
			`syntax = "proto3"; package p; message M { int32 a = 1; }`,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`, nil},
		{"two fields into a oneof",
			`syntax = "proto3"; package p; message M { int32 a = 1; string b = 2; }`,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`,
			[]string{"Difference{fullPath='#/M/o', type=MULTIPLE_FIELDS_MOVED_TO_ONEOF}"}},
		{"field into an existing oneof",
			`syntax = "proto3"; package p; message M { int32 a = 1; oneof o { string b = 2; } }`,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`,
			[]string{"Difference{fullPath='#/M/o', type=FIELD_MOVED_TO_EXISTING_ONEOF}"}},
		{"oneof field removed",
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; } }`,
			[]string{"Difference{fullPath='#/M/o/2', type=ONEOF_FIELD_REMOVED}"}},
		{"oneof field moved out",
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } }`,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; } string b = 2; }`, nil},
		{"oneof renamed, field type changed",
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; } }`,
			`syntax = "proto3"; package p; message M { oneof q { string a = 1; } }`,
			[]string{"Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}"}},
		{"optional is not a oneof",
			`syntax = "proto3"; package p; message M { int32 a = 1; }`,
			`syntax = "proto3"; package p; message M { optional int32 a = 1; }`, nil},
		{"required field added",
			`syntax = "proto2"; package p; message M { optional int32 a = 1; }`,
			`syntax = "proto2"; package p; message M { optional int32 a = 1; required string b = 2; }`,
			[]string{"Difference{fullPath='#/M/2', type=REQUIRED_FIELD_ADDED}"}},
		{"required field removed",
			`syntax = "proto2"; package p; message M { required int32 a = 1; }`,
			`syntax = "proto2"; package p; message M { }`,
			[]string{"Difference{fullPath='#/M/1', type=REQUIRED_FIELD_REMOVED}"}},
		{"enum changes",
			`syntax = "proto3"; package p; enum E { A = 0; B = 1; } enum Gone { G = 0; }`,
			`syntax = "proto3"; package p; enum E { A = 0; C = 1; D = 2; } enum New { N = 0; }`, nil},
		{"recursive message",
			`syntax = "proto3"; package p; message T { T child = 1; int32 v = 2; }`,
			`syntax = "proto3"; package p; message T { T child = 1; string v = 2; }`,
			[]string{"Difference{fullPath='#/T/2', type=FIELD_SCALAR_KIND_CHANGED}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.new).CheckRead(mustParse(t, tt.old), "new", "old")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCheckReadReferences(t *testing.T) {
	dep := func(version int, text string) compat.Dependency {
		return compat.Dependency{Name: "common/money.proto", Subject: "common/money.proto", Version: version,
			Schema: registry.Schema{Schema: text, SchemaType: registry.Protobuf}}
	}
	const root = `syntax = "proto3"; package orders; import "common/money.proto"; message Order { common.Money total = 1; }`
	v1 := dep(1, `syntax = "proto3"; package common; message Money { string currency = 1; int64 units = 2; }`)
	v2ok := dep(2, `syntax = "proto3"; package common; message Money { string currency = 1; int64 units = 2; int32 nanos = 3; }`)
	v2bad := dep(2, `syntax = "proto3"; package common; message Money { string currency = 1; double units = 2; }`)

	old := mustParse(t, root, v1)
	if got := mustParse(t, root, v1).CheckRead(old, "new", "old"); got != nil {
		t.Errorf("same reference: %q", got)
	}
	if got := mustParse(t, root, v2ok).CheckRead(old, "new", "old"); got != nil {
		t.Errorf("compatible reference change: %q", got)
	}
	want := []string{
		"Difference{fullPath='#/Money/2', type=FIELD_SCALAR_KIND_CHANGED}",
		"Difference{fullPath='#/Order/1', type=FIELD_NAMED_TYPE_CHANGED}",
	}
	if got := mustParse(t, root, v2bad).CheckRead(old, "new", "old"); !reflect.DeepEqual(got, want) {
		t.Errorf("incompatible reference change:\n got %q\nwant %q", got, want)
	}
}

func TestCheckReadOtherFormat(t *testing.T) {
	s := mustParse(t, `syntax = "proto3"; message M {}`)
	if got := s.CheckRead(nil, "new", "old"); len(got) != 1 || got[0] != "Incompatible because of different schema type" {
		t.Errorf("got %q", got)
	}
}

func TestCompatLevels(t *testing.T) {
	v1 := mustParse(t, `syntax = "proto3"; package p; message M { int32 a = 1; }`)
	v2 := mustParse(t, `syntax = "proto3"; package p; message M { int32 a = 1; string b = 2; }`)
	v3 := mustParse(t, `syntax = "proto3"; package p; message M { string a = 1; string b = 2; }`)
	if msgs := compat.Check(registry.Full, v2, []compat.Schema{v1}); msgs != nil {
		t.Errorf("FULL v1→v2: %q", msgs)
	}
	// Transitive checks stop at the newest incompatible version, as the
	// registry's do: v2 reports the change, v1 is not checked.
	if msgs := compat.Check(registry.BackwardTransitive, v3, []compat.Schema{v1, v2}); len(msgs) != 1 {
		t.Errorf("BACKWARD_TRANSITIVE v3: %q", msgs)
	}
}

// TestCompareArgumentOrder: Compare takes the reader (Confluent's update)
// first and the writer (Confluent's original) second.
func TestCompareArgumentOrder(t *testing.T) {
	without := mustParse(t, `syntax = "proto2"; message M { optional int32 a = 1; }`)
	with := mustParse(t, `syntax = "proto2"; message M { optional int32 a = 1; required int32 b = 2; }`)
	if got, want := Compare(with, without), []Difference{{RequiredFieldAdded, "#/M/2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("reader adds a required field: %v, want %v", got, want)
	}
	if got, want := Compare(without, with), []Difference{{RequiredFieldRemoved, "#/M/2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("reader drops a required field: %v, want %v", got, want)
	}
	if got := with.CheckRead(without, "new", "old"); !reflect.DeepEqual(got, []string{"Difference{fullPath='#/M/2', type=REQUIRED_FIELD_ADDED}"}) {
		t.Errorf("CheckRead = %v", got)
	}
}
