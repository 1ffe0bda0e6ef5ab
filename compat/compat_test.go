package compat_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// fieldSchema is a toy format: a schema is a set of required field names.
// A reader can read a writer's data when the writer has every field the
// reader requires.
type fieldSchema struct {
	name   string
	fields []string
}

func (s fieldSchema) Canonical() string  { return fmt.Sprint(s.fields) }
func (s fieldSchema) Normalized() string { return s.Canonical() }
func (s fieldSchema) CheckBackward(previous compat.Schema) []string {
	var msgs []string
	for _, f := range s.fields {
		if !slices.Contains(previous.(fieldSchema).fields, f) {
			msgs = append(msgs, fmt.Sprintf("%s reads %s, which %s lacks", s.name, f, previous.(fieldSchema).name))
		}
	}
	return msgs
}

func TestCheckLevels(t *testing.T) {
	v1 := fieldSchema{"v1", []string{"a"}}
	v2 := fieldSchema{"v2", []string{"a", "b"}} // v2 requires b: cannot read v1
	v3 := fieldSchema{"v3", []string{"b"}}      // v3 reads v2, not v1
	cases := []struct {
		level    registry.CompatibilityLevel
		schema   compat.Schema
		previous []compat.Schema
		want     []string
	}{
		{registry.None, v2, []compat.Schema{v1}, nil},
		{registry.Backward, v2, []compat.Schema{v1}, []string{"v2 reads b, which v1 lacks"}},
		{registry.Backward, v3, []compat.Schema{v1, v2}, nil},
		{registry.BackwardTransitive, v3, []compat.Schema{v1, v2}, []string{"v3 reads b, which v1 lacks"}},
		{registry.Forward, v2, []compat.Schema{v1}, nil},
		{registry.Forward, v1, []compat.Schema{v2}, []string{"v2 reads b, which v1 lacks"}},
		{registry.ForwardTransitive, v1, []compat.Schema{v3, v2}, []string{"v2 reads b, which v1 lacks", "v3 reads b, which v1 lacks"}},
		{registry.Full, v2, []compat.Schema{v1}, []string{"v2 reads b, which v1 lacks"}},
		{registry.FullTransitive, v1, []compat.Schema{v1, v2}, []string{"v2 reads b, which v1 lacks"}},
		{registry.Backward, v2, nil, nil},
	}
	for _, c := range cases {
		t.Run(string(c.level), func(t *testing.T) {
			got := compat.Check(c.level, c.schema, c.previous)
			if !slices.Equal(got, c.want) {
				t.Fatalf("Check = %q, want %q", got, c.want)
			}
		})
	}
	if got := compat.Check("SIDEWAYS", v1, []compat.Schema{v2}); len(got) != 1 {
		t.Fatalf("unknown level answered %q", got)
	}
}
