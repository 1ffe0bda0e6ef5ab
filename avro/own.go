package avro

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// ownSchema is the schema a codec has for T without asking the registry:
// given with WithSchema, from T's Schema method, or derived from T.
type ownSchema struct {
	text string
	refs []registry.Reference
	// canonical: register hamba's canonical form (CanonicalSchemaText).
	canonical bool

	mu  sync.Mutex
	res *resolvedOwn // set once resolved; references make that need the registry
}

type resolvedOwn struct {
	// rs is what the serializer registers or looks up: the text as given
	// (or hamba's canonical form, with CanonicalSchemaText), its
	// references and their resolved schemas.
	rs *serde.ResolvedSchema
	// parsed is the schema parsed from the text as given, with its field
	// defaults, which the canonical form drops.
	parsed *parsed
}

// ownFor picks the schema a codec has for T: the configured schema, T's
// Schema method, or (derive) the schema derived from T. It returns nil if
// there is none.
func ownFor(cfgSchema *registry.Schema, g *goType, derive, canonical bool) (*ownSchema, error) {
	switch {
	case cfgSchema != nil:
		if cfgSchema.Type() != registry.Avro {
			return nil, fmt.Errorf("%w: the schema given is %s, not Avro", ErrInvalidSchema, cfgSchema.Type())
		}
		return &ownSchema{text: cfgSchema.Schema, refs: slices.Clone(cfgSchema.References), canonical: canonical}, nil
	case g.badSchemer != nil:
		return nil, g.badSchemer
	case g.schemer != nil:
		text, err := schemerText(g.schemer)
		if err != nil {
			return nil, err
		}
		return &ownSchema{text: text, canonical: canonical}, nil
	case derive && g.derived != "":
		return &ownSchema{text: g.derived, canonical: canonical}, nil
	}
	return nil, nil
}

// resolve parses the schema, fetching its references from the registry the
// first time. A failure is not remembered: the next call tries again.
func (o *ownSchema) resolve(ctx context.Context, client *registry.Client, p *parser) (*resolvedOwn, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.res != nil {
		return o.res, nil
	}
	var deps []compat.Dependency
	if len(o.refs) > 0 {
		if client == nil {
			return nil, fmt.Errorf("%w: the schema has references but there is no registry client", ErrInvalidSchema)
		}
		var err error
		if deps, err = serde.ResolveDependencies(ctx, client, o.refs); err != nil {
			return nil, err
		}
	}
	ps, err := p.parse(o.text, deps)
	if err != nil {
		return nil, err
	}
	text := o.text
	if o.canonical && len(o.refs) == 0 {
		// With references the text goes as given even so: hamba's
		// canonical form inlines the first use of each referenced type,
		// and the registry rejects that redefinition.
		text = ps.schema.String()
	}
	o.res = &resolvedOwn{
		rs: &serde.ResolvedSchema{
			SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: text, References: o.refs}},
			Deps:          deps,
		},
		parsed: ps,
	}
	return o.res, nil
}

// resolved returns the resolved schema if it is, nil otherwise.
func (o *ownSchema) resolved() *resolvedOwn {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.res
}

// is reports whether the registry schema s is this one (same text and
// references), so that the codec can use the parse with defaults.
func (r *resolvedOwn) is(s *serde.ResolvedSchema) bool {
	return r != nil && s.Schema.Schema == r.rs.Schema.Schema && slices.Equal(s.References, r.rs.References)
}
