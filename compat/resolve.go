package compat

import (
	"context"
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// MaxReferenceDepth bounds how deeply schema references may nest, so that a
// hostile or broken chain ends in an error rather than a stack overflow.
const MaxReferenceDepth = 64

// ErrReferenceDepth: schema references nest deeper than [MaxReferenceDepth].
var ErrReferenceDepth = errors.New("compat: schema references nest too deeply")

// FetchFunc returns the schema a reference names. The returned dependency's
// Schema.References are the references to resolve next, as the fetched
// schema names them (a fetcher that scopes subjects, such as a registry
// context, returns them qualified so that the next fetch finds them).
type FetchFunc func(ctx context.Context, ref registry.Reference) (Dependency, error)

// ResolveReferences resolves refs, and the references of what they point
// to, transitively, the way Confluent Schema Registry does: each reference
// name is resolved once (the first reference with a name wins), so two
// names for one subject version give two dependencies, and one name met
// twice gives one. The result lists dependencies before the schemas that
// use them. It is the one reference resolver that the serializers and the
// mock registry share.
func ResolveReferences(ctx context.Context, refs []registry.Reference, fetch FetchFunc) ([]Dependency, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	r := refResolver{fetch: fetch, seen: map[string]bool{}}
	if err := r.walk(ctx, refs, 0); err != nil {
		return nil, err
	}
	return r.out, nil
}

type refResolver struct {
	fetch FetchFunc
	seen  map[string]bool
	out   []Dependency
}

func (r *refResolver) walk(ctx context.Context, refs []registry.Reference, depth int) error {
	if depth >= MaxReferenceDepth {
		return fmt.Errorf("%w (more than %d levels; a cycle?)", ErrReferenceDepth, MaxReferenceDepth)
	}
	for _, ref := range refs {
		if r.seen[ref.Name] {
			continue
		}
		r.seen[ref.Name] = true
		dep, err := r.fetch(ctx, ref)
		if err != nil {
			return err
		}
		if err := r.walk(ctx, dep.Schema.References, depth+1); err != nil {
			return err
		}
		r.out = append(r.out, dep)
	}
	return nil
}
