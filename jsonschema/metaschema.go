package jsonschema

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
)

// The drafts' metaschemas, as json-schema.org publishes them (see
// metaschema/README.md). Every schema and reference is validated against
// the metaschema of its draft before it is compiled, as
// santhosh-tekuri/jsonschema did, so a keyword of the wrong type is an
// invalid schema rather than a keyword that does nothing.
//
//go:embed metaschema/*.json
var metaschemaFiles embed.FS

// metaschemaFile maps a draft to its metaschema file; the 2019-09 and
// 2020-12 metaschemas reference their vocabularies' files.
var metaschemaFile = map[int]string{
	draft4:    "draft-04_schema.json",
	draft6:    "draft-06_schema.json",
	draft7:    "draft-07_schema.json",
	draft2019: "draft_2019-09_schema.json",
	draft2020: "draft_2020-12_schema.json",
}

// metaschemas holds each draft's compiled metaschema, compiled on first
// use and immutable after.
var metaschemas = func() map[int]func() (*validator, error) {
	m := map[int]func() (*validator, error){}
	for d := range metaschemaFile {
		m[d] = sync.OnceValues(func() (*validator, error) { return compileMetaschema(d) })
	}
	return m
}()

func compileMetaschema(draft int) (*validator, error) {
	text, err := metaschemaFiles.ReadFile("metaschema/" + metaschemaFile[draft])
	if err != nil {
		return nil, err
	}
	var deps []compat.Dependency
	if draft >= draft2019 {
		prefix := strings.TrimSuffix(metaschemaFile[draft], "schema.json") + "meta_"
		entries, err := metaschemaFiles.ReadDir("metaschema")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), prefix) {
				continue
			}
			b, err := metaschemaFiles.ReadFile("metaschema/" + e.Name())
			if err != nil {
				return nil, err
			}
			doc, err := jsontree.Parse(b)
			if err != nil {
				return nil, err
			}
			id, _ := doc.Text("$id")
			deps = append(deps, compat.Dependency{Name: id, Schema: registry.Schema{Schema: string(b), SchemaType: registry.JSON}})
		}
	}
	doc, err := jsontree.Parse(text)
	if err != nil {
		return nil, err
	}
	ds, rt, err := newDocSet(doc, deps)
	if err != nil {
		return nil, err
	}
	return compileValidator(ds, rt)
}

// checkMetaschema validates a schema document (its text) against the
// metaschema of its draft.
func checkMetaschema(text string, draft int) error {
	load, ok := metaschemas[draft]
	if !ok {
		return nil
	}
	meta, err := load()
	if err != nil {
		return fmt.Errorf("the draft's metaschema: %w", err)
	}
	if err := meta.validate([]byte(text), Limits{MaxDepth: jsontree.MaxDepth + 1, MaxBytes: maxTapeBytes}); err != nil {
		return fmt.Errorf("not valid against its draft's metaschema: %w", err)
	}
	return nil
}
