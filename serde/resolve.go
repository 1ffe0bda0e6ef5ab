package serde

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// maxReferenceDepth bounds reference chains, so that a cycle in a registry's
// references ends in an error rather than a stack overflow.
const maxReferenceDepth = 64

// ResolveDependencies fetches the schemas refs point to, and theirs in turn,
// from the registry. The result lists each dependency once (by reference
// name), dependencies before the schemas that use them.
func ResolveDependencies(ctx context.Context, client *registry.Client, refs []registry.Reference) ([]compat.Dependency, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	r := resolver{client: client, seen: map[string]bool{}}
	if err := r.walk(ctx, refs, 0); err != nil {
		return nil, err
	}
	return r.out, nil
}

type resolver struct {
	client *registry.Client
	seen   map[string]bool
	out    []compat.Dependency
}

func (r *resolver) walk(ctx context.Context, refs []registry.Reference, depth int) error {
	if depth > maxReferenceDepth {
		return fmt.Errorf("serde: schema references nest deeper than %d (a cycle?)", maxReferenceDepth)
	}
	for _, ref := range refs {
		if r.seen[ref.Name] {
			continue
		}
		r.seen[ref.Name] = true
		s, err := r.client.SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("serde: resolving reference %q (subject %q version %d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		if err := r.walk(ctx, s.References, depth+1); err != nil {
			return err
		}
		r.out = append(r.out, compat.Dependency{Name: ref.Name, Subject: ref.Subject, Version: s.Version, Schema: s.Schema})
	}
	return nil
}

// resolve turns a registry answer into a ResolvedSchema.
func resolve(ctx context.Context, client *registry.Client, s registry.SubjectSchema) (*ResolvedSchema, error) {
	deps, err := ResolveDependencies(ctx, client, s.References)
	if err != nil {
		return nil, err
	}
	return &ResolvedSchema{SubjectSchema: s, Deps: deps}, nil
}
