package encryption_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// person is the test message of a fake JSON format with field walking
// (serde/rule_fixture_test.go's pattern). Its fields are tagged by the
// schema's metadata.tags ("person.name", ...).
type person struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	Email string  `json:"email"`
	Photo []byte  `json:"photo"`
	Nick  *string `json:"nick"`
	City  string  `json:"city"`
}

const personSchema = `{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},"email":{"type":"string"},"photo":{"type":"string"},"nick":{"type":["string","null"]},"city":{"type":"string"}}}`

type personCodec struct{}

func (personCodec) SchemaType() registry.SchemaType { return registry.JSON }
func (personCodec) UsesMessageIndexes() bool        { return false }
func (personCodec) SchemaKey(*person) any           { return nil }
func (personCodec) Schema(context.Context, *person) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: personSchema, SchemaType: registry.JSON}}}, "", nil
}
func (personCodec) Encoder(_ context.Context, s *serde.ResolvedSchema, _ *person) (serde.Encoder[*person], []int, error) {
	return newPersonCoder(s), nil, nil
}
func (personCodec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "", nil }
func (personCodec) Decoder(_ context.Context, w *serde.ResolvedSchema, _ []int, r *serde.ResolvedSchema) (serde.Decoder[*person], error) {
	if r != nil {
		w = r
	}
	return newPersonCoder(w), nil
}

// personFields are the fields the coder visits.
var personFields = []string{"id", "name", "email", "photo", "nick", "city"}

// personCoder computes its fields' tags once per schema, as real formats
// plan field walks.
type personCoder struct {
	tags map[string][]string
}

func newPersonCoder(s *serde.ResolvedSchema) personCoder {
	tagger := serde.NewFieldTagger(s.Metadata)
	c := personCoder{tags: map[string][]string{}}
	for _, f := range personFields {
		c.tags[f] = tagger.Tags("person."+f, nil)
	}
	return c
}

func (personCoder) AppendEncode(dst []byte, v *person) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

func (personCoder) Decode(body []byte, v **person) error {
	*v = new(person)
	return json.Unmarshal(body, *v)
}

func (personCoder) Generic(v *person) (any, error) {
	return map[string]any{"id": v.ID, "name": v.Name, "email": v.Email, "photo": v.Photo, "city": v.City}, nil
}

func (personCoder) FromGeneric(any) (*person, error) { return nil, fmt.Errorf("not supported") }

func (personCoder) JSON(v *person) ([]byte, error) { return json.Marshal(v) }

// TransformFields visits id (INT), name, email, city (STRING), photo
// (BYTES) and nick (STRING or NULL), and sets new values into a copy.
func (c personCoder) TransformFields(v *person, tags []string, fn serde.FieldFunc) (*person, error) {
	out := *v
	visit := func(name string, typ serde.FieldType, val any, set func(any) error) error {
		if len(tags) > 0 && !serde.TagsIntersect(c.tags[name], tags) {
			return nil
		}
		f := &serde.Field{FullName: "person." + name, Name: name, Type: typ, Tags: c.tags[name]}
		nv, err := fn(f, val)
		if err != nil {
			return err
		}
		return set(nv)
	}
	str := func(p *string) func(any) error {
		return func(x any) error {
			s, ok := x.(string)
			if !ok {
				return fmt.Errorf("set %T into a string", x)
			}
			*p = s
			return nil
		}
	}
	if err := visit("id", serde.TypeInt, out.ID, func(x any) error { out.ID, _ = x.(int); return nil }); err != nil {
		return nil, err
	}
	if err := visit("name", serde.TypeString, out.Name, str(&out.Name)); err != nil {
		return nil, err
	}
	if err := visit("email", serde.TypeString, out.Email, str(&out.Email)); err != nil {
		return nil, err
	}
	if err := visit("photo", serde.TypeBytes, out.Photo, func(x any) error {
		b, ok := x.([]byte)
		if !ok {
			return fmt.Errorf("set %T into bytes", x)
		}
		out.Photo = b
		return nil
	}); err != nil {
		return nil, err
	}
	var nick any
	typ := serde.TypeNull
	if out.Nick != nil {
		nick, typ = *out.Nick, serde.TypeString
	}
	if err := visit("nick", typ, nick, func(x any) error {
		if x == nil {
			out.Nick = nil
			return nil
		}
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("set %T into a nullable string", x)
		}
		out.Nick = &s
		return nil
	}); err != nil {
		return nil, err
	}
	if err := visit("city", serde.TypeString, out.City, str(&out.City)); err != nil {
		return nil, err
	}
	return &out, nil
}
