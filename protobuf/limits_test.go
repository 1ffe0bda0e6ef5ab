package protobuf

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// nestedMessages is count messages nested in one another.
func nestedMessages(count int) string {
	return `syntax = "proto3";` + strings.Repeat("message M {", count) + strings.Repeat("}", count)
}

// nestedDescriptor is a serialized descriptor of count nested messages.
func nestedDescriptor(count int) string {
	md := &descriptorpb.DescriptorProto{Name: proto.String("M")}
	for i := 1; i < count; i++ {
		md = &descriptorpb.DescriptorProto{Name: proto.String("M"), NestedType: []*descriptorpb.DescriptorProto{md}}
	}
	fdp := &descriptorpb.FileDescriptorProto{Name: proto.String("deep.proto"), Syntax: proto.String("proto3"), MessageType: []*descriptorpb.DescriptorProto{md}}
	b, err := proto.Marshal(fdp)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func repeatTo(prefix, unit, suffix string, size int) string {
	n := (size - len(prefix) - len(suffix)) / len(unit)
	return prefix + strings.Repeat(unit, n) + suffix
}

func dep(name, text string) compat.Dependency {
	return compat.Dependency{Name: name, Subject: name, Version: 1, Schema: registry.Schema{Schema: text, SchemaType: registry.Protobuf}}
}

// TestLimitsRefuseBeforeCompiling: schemas whose compilation costs
// hundreds of megabytes to gigabytes (4.2 MB of nested messages took 5–15 s
// and 3.8 GB) are refused by the pre-scan, which allocates next to nothing:
// far less than the text itself, where compiling it allocates 100 to 1000
// times its size.
func TestLimitsRefuseBeforeCompiling(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name  string
		text  string
		deps  []compat.Dependency
		limit string
		file  string
	}{
		{"4.2 MB of nested messages", nestedMessages(4_200_000 / 12), nil, "MaxBytes", ""},
		{"nested messages under MaxBytes", nestedMessages(80_000), nil, "MaxDepth", ""},
		{"nested option value", `syntax = "proto3"; option (x) = ` + strings.Repeat("{a:", 200_000) + "1" + strings.Repeat("}", 200_000) + ";", nil, "MaxDepth", ""},
		{"nested lists", `syntax = "proto3"; option (x) = {a:` + strings.Repeat("[", 1000) + "]};", nil, "MaxDepth", ""},
		{"nested messages in a reference", `syntax = "proto3"; import "deep.proto";`, []compat.Dependency{dep("deep.proto", nestedMessages(1000))}, "MaxDepth", "deep.proto"},
		{"empty statements", repeatTo(`syntax = "proto3";`, ";", "", mb-1), nil, "MaxTokens", ""},
		{"option value tokens", repeatTo(`syntax = "proto3"; import "google/protobuf/descriptor.proto"; extend google.protobuf.FileOptions { M x = 5000; } message M { repeated int32 a = 1; } option (x) = {`, "a:1 ", "};", mb-1), nil, "MaxTokens", ""},
		{"references together over MaxBytes", `syntax = "proto3"; import "a.proto"; import "b.proto";`,
			[]compat.Dependency{dep("a.proto", repeatTo(`syntax = "proto3"; package a;`, "message A {}\n", "", 600_000)), dep("b.proto", repeatTo(`syntax = "proto3"; package b;`, "message B {}\n", "", 600_000))},
			"MaxBytes", ""},
		{"nested serialized descriptor", nestedDescriptor(20_000), nil, "MaxDepth", ""},
		{"nested serialized reference", `syntax = "proto3"; import "deep.proto";`, []compat.Dependency{dep("deep.proto", nestedDescriptor(100))}, "MaxDepth", "deep.proto"},
		{"14 MB of nested messages", nestedMessages(14_000_000 / 12), nil, "MaxBytes", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := len(tt.text)
			for _, d := range tt.deps {
				size += len(d.Schema.Schema)
			}
			var err error
			// Less than the input's own size (a serialized descriptor is
			// decoded from base64 first): nothing was compiled.
			requireAllocBelow(t, uint64(size)+64<<10, func() { _, err = Format().Parse(tt.text, tt.deps) })
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, ErrInvalidSchema) {
				t.Fatalf("err = %v, want a *LimitError matching ErrInvalidSchema", err)
			}
			if le.Limit != tt.limit || le.File != tt.file {
				t.Errorf("limit %s file %q, want %s %q (%v)", le.Limit, le.File, tt.limit, tt.file, err)
			}
			for _, s := range []string{"Limits." + tt.limit, "protobuf.WithLimits", "FormatWithLimits"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %s", err, s)
				}
			}
		})
	}
}

// deepestLegal is a schema at protoc's limits: messages nested 31 deep,
// each with an option and (but the innermost, where its entry would be
// 32 deep) a map, the innermost with an enum, a oneof and a nested option
// value.
func deepestLegal() string {
	var b strings.Builder
	b.WriteString(`syntax = "proto3"; import "google/protobuf/descriptor.proto";
message V { V v = 1; int32 a = 2; }
extend google.protobuf.FieldOptions { V val = 50000; }
`)
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "message M%d { option deprecated = true; map<string, int32> m%d = 1 [deprecated = true];\n", i, i)
	}
	b.WriteString("message M30 { option deprecated = true; int32 x = 1 [deprecated = true];\n")
	b.WriteString(`enum E { E0 = 0; } oneof o { string s = 2 [(val) = {v: {v: {v: {a: 1}}}}]; }`)
	b.WriteString(strings.Repeat("}", 31))
	return b.String()
}

// TestLimitsAcceptHonestSchemas: the defaults let the deepest schema
// protoc accepts through, as text and as a serialized descriptor, and
// every schema of the golden vectors.
func TestLimitsAcceptHonestSchemas(t *testing.T) {
	s, err := Parse(deepestLegal())
	if err != nil {
		t.Fatal(err)
	}
	ser, err := s.Format("serialized")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(ser); err != nil {
		t.Errorf("serialized: %v", err)
	}
	if _, err := Parse(s.Canonical()); err != nil {
		t.Errorf("canonical: %v", err)
	}
	// One more level is protocompile's own error, not a limit.
	_, err = Parse(nestedMessages(33))
	var le *LimitError
	if err == nil || errors.As(err, &le) || !strings.Contains(err.Error(), "nesting depth") {
		t.Errorf("33 nested messages: %v, want the compiler's nesting error", err)
	}
}

// TestLimitsOptions: limits can be lowered and raised, and each names
// itself.
func TestLimitsOptions(t *testing.T) {
	text := `syntax = "proto3"; message M { string a = 1; string b = 2; }`
	for _, tt := range []struct {
		limits Limits
		want   string
	}{
		{Limits{MaxBytes: len(text) - 1}, "MaxBytes"},
		{Limits{MaxTokens: 10}, "MaxTokens"},
		{Limits{MaxDepth: 0}, ""},
		{Limits{MaxBytes: len(text), MaxTokens: 23, MaxDepth: 1}, ""},
	} {
		_, err := ParseWithLimits(tt.limits, text)
		var le *LimitError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.limits, err)
		case tt.want != "" && (!errors.As(err, &le) || le.Limit != tt.want):
			t.Errorf("%+v: %v, want %s", tt.limits, err, tt.want)
		}
	}
	// Raised, a 100-level option value compiles.
	deep := `syntax = "proto3"; import "google/protobuf/descriptor.proto";
message V { V v = 1; int32 a = 2; }
extend google.protobuf.FileOptions { V val = 50000; }
option (val) = ` + strings.Repeat("{v: ", 100) + "{a: 1}" + strings.Repeat("}", 100) + ";"
	if _, err := Parse(deep); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("default limits: %v", err)
	}
	if _, err := ParseWithLimits(Limits{MaxDepth: 200}, deep); err != nil {
		t.Errorf("MaxDepth 200: %v", err)
	}
	if _, err := FormatWithLimits(Limits{MaxDepth: 200}).Parse(deep, nil); err != nil {
		t.Errorf("FormatWithLimits: %v", err)
	}
}

// TestScanTextSkipsCommentsAndStrings: brackets in comments and string
// literals do not count, and unterminated ones end the scan.
func TestScanTextSkipsCommentsAndStrings(t *testing.T) {
	for _, text := range []string{
		`// {{{{{{{{{{` + "\n" + `message M {}`,
		`/* {{{{{{{{{{ */ message M {}`,
		`option java_package = "{{{{{{{{{{\"{{{{";`,
		`option java_package = '{{{{{{{{{{\'{{{{';`,
		`message M {} /* {{{{{{{{{{`,
		`message M {} "{{{{{{{{{{`,
	} {
		b := newBudget(Limits{MaxDepth: 2})
		if err := b.scanText("", text); err != nil {
			t.Errorf("%s: %v", text, err)
		}
	}
	b := newBudget(Limits{MaxDepth: 2})
	if err := b.scanText("", `message M { message N { enum E {} } }`); err == nil {
		t.Error("3 levels passed MaxDepth 2")
	}
}
