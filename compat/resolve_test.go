package compat_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// store is a toy registry: subject → versions (index = version-1).
type store map[string][]registry.Schema

func (s store) fetch(calls *[]string) compat.FetchFunc {
	return func(_ context.Context, ref registry.Reference) (compat.Dependency, error) {
		*calls = append(*calls, fmt.Sprintf("%s@%d", ref.Subject, ref.Version))
		vs := s[ref.Subject]
		if ref.Version < 1 || ref.Version > len(vs) {
			return compat.Dependency{}, fmt.Errorf("no %s version %d", ref.Subject, ref.Version)
		}
		return compat.Dependency{Name: ref.Name, Subject: ref.Subject, Version: ref.Version, Schema: vs[ref.Version-1]}, nil
	}
}

func names(deps []compat.Dependency) []string {
	var out []string
	for _, d := range deps {
		out = append(out, fmt.Sprintf("%s=%s@%d", d.Name, d.Subject, d.Version))
	}
	return out
}

// TestResolveReferencesDiamond: two names for one subject version are two
// dependencies; one name met twice (even for another version) is resolved
// once, first reference first; dependencies come before their users.
func TestResolveReferencesDiamond(t *testing.T) {
	s := store{
		"common": {{Schema: "c1"}, {Schema: "c2"}},
		"left":   {{Schema: "l", References: []registry.Reference{{Name: "common.a", Subject: "common", Version: 1}}}},
		"right":  {{Schema: "r", References: []registry.Reference{{Name: "common.b", Subject: "common", Version: 1}, {Name: "common.a", Subject: "common", Version: 2}}}},
	}
	var calls []string
	deps, err := compat.ResolveReferences(context.Background(), []registry.Reference{
		{Name: "left", Subject: "left", Version: 1},
		{Name: "right", Subject: "right", Version: 1},
	}, s.fetch(&calls))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"common.a=common@1", "left=left@1", "common.b=common@1", "right=right@1"}
	if got := names(deps); !slices.Equal(got, want) {
		t.Errorf("deps = %v, want %v", got, want)
	}
	if len(calls) != 4 {
		t.Errorf("fetches = %v, want 4 (common.a fetched once)", calls)
	}
}

// TestResolveReferencesCycleAndDepth: a cycle ends (names are resolved
// once); a chain deeper than MaxReferenceDepth is an error.
func TestResolveReferencesCycleAndDepth(t *testing.T) {
	cyc := store{
		"a": {{Schema: "a", References: []registry.Reference{{Name: "b", Subject: "b", Version: 1}}}},
		"b": {{Schema: "b", References: []registry.Reference{{Name: "a", Subject: "a", Version: 1}}}},
	}
	var calls []string
	if _, err := compat.ResolveReferences(context.Background(), []registry.Reference{{Name: "a", Subject: "a", Version: 1}}, cyc.fetch(&calls)); err != nil {
		t.Errorf("cycle: %v", err)
	}
	chain := store{}
	for i := range compat.MaxReferenceDepth + 1 {
		chain[fmt.Sprint(i)] = []registry.Schema{{Schema: "x", References: []registry.Reference{{Name: fmt.Sprint(i + 1), Subject: fmt.Sprint(i + 1), Version: 1}}}}
	}
	chain[fmt.Sprint(compat.MaxReferenceDepth+1)] = []registry.Schema{{Schema: "end"}}
	_, err := compat.ResolveReferences(context.Background(), []registry.Reference{{Name: "0", Subject: "0", Version: 1}}, chain.fetch(&calls))
	if !errors.Is(err, compat.ErrReferenceDepth) {
		t.Errorf("deep chain: err = %v, want ErrReferenceDepth", err)
	}
	fetchErr := errors.New("boom")
	_, err = compat.ResolveReferences(context.Background(), []registry.Reference{{Name: "x", Subject: "x", Version: 1}},
		func(context.Context, registry.Reference) (compat.Dependency, error) {
			return compat.Dependency{}, fetchErr
		})
	if !errors.Is(err, fetchErr) {
		t.Errorf("fetch error lost: %v", err)
	}
}
