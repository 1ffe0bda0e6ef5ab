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
func (s fieldSchema) CheckRead(writer compat.Schema, readerLabel, writerLabel string) []string {
	var msgs []string
	for _, f := range s.fields {
		if !slices.Contains(writer.(fieldSchema).fields, f) {
			msgs = append(msgs, fmt.Sprintf("%s (%s) reads %s, which %s (%s) lacks", s.name, readerLabel, f, writer.(fieldSchema).name, writerLabel))
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
		{registry.Backward, v2, []compat.Schema{v1}, []string{"v2 (new) reads b, which v1 (old) lacks"}},
		{registry.Backward, v3, []compat.Schema{v1, v2}, nil},
		{registry.BackwardTransitive, v3, []compat.Schema{v1, v2}, []string{"v3 (new) reads b, which v1 (old) lacks"}},
		{registry.Forward, v2, []compat.Schema{v1}, nil},
		{registry.Forward, v1, []compat.Schema{v2}, []string{"v2 (old) reads b, which v1 (new) lacks"}},
		// Transitive levels stop at the newest incompatible version (v2 here).
		{registry.ForwardTransitive, v1, []compat.Schema{v3, v2}, []string{"v2 (old) reads b, which v1 (new) lacks"}},
		{registry.Full, v2, []compat.Schema{v1}, []string{"v2 (new) reads b, which v1 (old) lacks"}},
		{registry.FullTransitive, v1, []compat.Schema{v1, v2}, []string{"v2 (old) reads b, which v1 (new) lacks"}},
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
	// FULL reports the forward problems first, then the backward ones.
	a, b := fieldSchema{"a", []string{"x"}}, fieldSchema{"b", []string{"y"}}
	want := []string{"a (old) reads x, which b (new) lacks", "b (new) reads y, which a (old) lacks"}
	if got := compat.CheckVersion(registry.Full, b, a); !slices.Equal(got, want) {
		t.Fatalf("CheckVersion(FULL) = %q, want %q", got, want)
	}
}
