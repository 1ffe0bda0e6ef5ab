package serde

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// ResolveDependencies fetches the schemas refs point to, and theirs in turn,
// from the registry, with the reference rules of [compat.ResolveReferences]
// (each reference name once, dependencies before the schemas that use
// them).
func ResolveDependencies(ctx context.Context, client *registry.Client, refs []registry.Reference) ([]compat.Dependency, error) {
	return compat.ResolveReferences(ctx, refs, func(ctx context.Context, ref registry.Reference) (compat.Dependency, error) {
		s, err := client.SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return compat.Dependency{}, fmt.Errorf("serde: resolving reference %q (subject %q version %d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		return compat.Dependency{Name: ref.Name, Subject: ref.Subject, Version: s.Version, Schema: s.Schema}, nil
	})
}

// resolve turns a registry answer into a ResolvedSchema.
func resolve(ctx context.Context, client *registry.Client, s registry.SubjectSchema) (*ResolvedSchema, error) {
	deps, err := ResolveDependencies(ctx, client, s.References)
	if err != nil {
		return nil, err
	}
	return &ResolvedSchema{SubjectSchema: s, Deps: deps}, nil
}
