// Package rulestest is a small fake schema format for the tests of the
// rule executors: values are JSON documents (map[string]any), schemas a
// subset of JSON Schema (object properties, items, additionalProperties,
// type lists for nullable fields, confluent:tags). It implements
// serde.RuleCodec and serde.MigrationCodec the way the real formats do:
// field walking with tags, copy-on-write, the containing record.
package rulestest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Doc is the fake format's Go type: a JSON object.
type Doc = map[string]any

// Codec is the fake format's writer and reader codec. Text is the schema
// it registers when the serializer auto-registers.
type Codec struct{ Text string }

// SchemaType implements serde.WriterCodec.
func (Codec) SchemaType() registry.SchemaType { return registry.JSON }

// UsesMessageIndexes implements serde.WriterCodec.
func (Codec) UsesMessageIndexes() bool { return false }

// SchemaKey implements serde.WriterCodec.
func (Codec) SchemaKey(Doc) any { return nil }

// Schema implements serde.WriterCodec.
func (c Codec) Schema(context.Context, Doc) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: c.Text, SchemaType: registry.JSON}}}, "", nil
}

// Encoder implements serde.WriterCodec.
func (Codec) Encoder(_ context.Context, s *serde.ResolvedSchema, _ Doc) (serde.Encoder[Doc], []int, error) {
	c, err := newCoder(s)
	return c, nil, err
}

// RecordName implements serde.ReaderCodec.
func (Codec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "", nil }

// Decoder implements serde.ReaderCodec.
func (Codec) Decoder(_ context.Context, w *serde.ResolvedSchema, _ []int, r *serde.ResolvedSchema) (serde.Decoder[Doc], error) {
	if r != nil {
		return newCoder(r)
	}
	return newCoder(w)
}

// JSONDecoder implements serde.MigrationCodec.
func (Codec) JSONDecoder(_ context.Context, w *serde.ResolvedSchema, _ []int) (serde.JSONDecoder, error) {
	return newCoder(w)
}

// JSONReader implements serde.MigrationCodec.
func (Codec) JSONReader(_ context.Context, r, _ *serde.ResolvedSchema, _ []int) (serde.JSONReader[Doc], error) {
	return newCoder(r)
}

// coder is the compiled encoder, decoder and rule view of one schema.
type coder struct {
	root   *node
	tagger *serde.FieldTagger
}

// node is one schema node of the fake format.
type node struct {
	types []string         // JSON Schema type names; several for nullable fields
	props map[string]*node // object properties
	order []string         // property names, sorted
	items *node            // array items
	addl  *node            // map values (additionalProperties)
	tags  []string         // confluent:tags
}

func newCoder(s *serde.ResolvedSchema) (*coder, error) {
	var raw any
	if err := json.Unmarshal([]byte(s.Schema.Schema), &raw); err != nil {
		return nil, fmt.Errorf("rulestest: schema: %w", err)
	}
	root, err := parseNode(raw, 0)
	if err != nil {
		return nil, err
	}
	return &coder{root: root, tagger: serde.NewFieldTagger(s.Metadata)}, nil
}

func parseNode(raw any, depth int) (*node, error) {
	if depth > 32 {
		return nil, fmt.Errorf("rulestest: schema too deep")
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("rulestest: schema node is %T", raw)
	}
	n := &node{props: map[string]*node{}}
	switch t := m["type"].(type) {
	case string:
		n.types = []string{t}
	case []any:
		for _, x := range t {
			s, _ := x.(string)
			n.types = append(n.types, s)
		}
	}
	if p, ok := m["properties"].(map[string]any); ok {
		for k, v := range p {
			c, err := parseNode(v, depth+1)
			if err != nil {
				return nil, err
			}
			n.props[k] = c
			n.order = append(n.order, k)
		}
		slices.Sort(n.order)
	}
	var err error
	if it, ok := m["items"]; ok {
		if n.items, err = parseNode(it, depth+1); err != nil {
			return nil, err
		}
	}
	if ap, ok := m["additionalProperties"].(map[string]any); ok {
		if n.addl, err = parseNode(ap, depth+1); err != nil {
			return nil, err
		}
	}
	if tg, ok := m["confluent:tags"].([]any); ok {
		for _, x := range tg {
			s, _ := x.(string)
			n.tags = append(n.tags, s)
		}
	}
	return n, nil
}

// AppendEncode implements serde.Encoder: compact JSON, keys sorted.
func (*coder) AppendEncode(dst []byte, v Doc) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

// Decode implements serde.Decoder.
func (*coder) Decode(body []byte, v *Doc) error {
	*v = nil
	return json.Unmarshal(body, v)
}

// DecodeJSON implements serde.JSONDecoder.
func (*coder) DecodeJSON(body []byte) (any, error) {
	var j any
	err := json.Unmarshal(body, &j)
	return j, err
}

// ReadJSON implements serde.JSONReader.
func (c *coder) ReadJSON(j any, v *Doc) error {
	d, err := c.FromGeneric(j)
	*v = d
	return err
}

// Generic implements serde.RuleCodec: the document itself.
func (*coder) Generic(v Doc) (any, error) { return v, nil }

// FromGeneric implements serde.RuleCodec: a JSON round trip, so that the
// result holds JSON values only.
func (*coder) FromGeneric(g any) (Doc, error) {
	b, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	var d Doc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("rulestest: not an object: %w", err)
	}
	return d, nil
}

// JSON implements serde.RuleCodec.
func (*coder) JSON(v Doc) ([]byte, error) { return json.Marshal(v) }

// TransformFields implements serde.RuleCodec: it visits leaf fields
// (through objects, arrays and maps) with full names "$.a.b", copying the
// objects and arrays on the path of every visited field.
func (c *coder) TransformFields(v Doc, tags []string, fn serde.FieldFunc) (Doc, error) {
	out, err := c.walk(c.root, "$", "", v, v, tags, fn)
	if err != nil {
		return nil, err
	}
	d, _ := out.(Doc)
	return d, nil
}

func (c *coder) walk(n *node, path, name string, val any, containing Doc, tags []string, fn serde.FieldFunc) (any, error) {
	switch x := val.(type) {
	case map[string]any:
		cp := make(map[string]any, len(x))
		for k, e := range x {
			cp[k] = e
		}
		if len(n.props) > 0 {
			for _, k := range n.order {
				e, ok := x[k]
				if !ok {
					continue
				}
				nv, err := c.walk(n.props[k], path+"."+k, k, e, x, tags, fn)
				if err != nil {
					return nil, err
				}
				cp[k] = nv
			}
		} else if n.addl != nil {
			for k, e := range x {
				nv, err := c.walk(n.addl, path, name, e, containing, tags, fn)
				if err != nil {
					return nil, err
				}
				cp[k] = nv
			}
		}
		return cp, nil
	case []any:
		if n.items == nil {
			return x, nil
		}
		cp := make([]any, len(x))
		for i, e := range x {
			nv, err := c.walk(n.items, path, name, e, containing, tags, fn)
			if err != nil {
				return nil, err
			}
			cp[i] = nv
		}
		return cp, nil
	}
	f := &serde.Field{FullName: path, Name: name, Type: leafType(n, val), Tags: c.tagger.Tags(path, n.tags),
		Containing: func() (any, error) { return containing, nil }}
	if !f.HasAnyTag(tags) {
		return val, nil
	}
	return fn(f, val)
}

func leafType(n *node, val any) serde.FieldType {
	if val == nil {
		return serde.TypeNull
	}
	for _, t := range n.types {
		switch t {
		case "string":
			return serde.TypeString
		case "integer":
			return serde.TypeLong
		case "number":
			return serde.TypeDouble
		case "boolean":
			return serde.TypeBoolean
		}
	}
	return serde.FieldType(strings.ToUpper(strings.Join(n.types, ",")))
}
