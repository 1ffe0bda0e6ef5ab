package avro

import (
	"fmt"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// WithSchema gives the Avro schema explicitly: the writer schema for a
// serializer, the reader schema for a deserializer. refs name registered
// schemas whose types the schema uses (reference name = the type's full
// name, as Confluent's clients do).
//
// A serializer registers (or looks up) the text as given, with its docs,
// defaults, aliases, logical types and custom properties: the registry
// stores it in its own canonical form. [CanonicalSchemaText] registers
// hamba's canonical form instead, as Confluent's Go serializer does.
func WithSchema(schema string, refs ...registry.Reference) serde.Option {
	return serde.WithSchema(registry.Avro, schema, refs...)
}

// settings holds the options that only the Avro codecs read.
type settings struct {
	canonicalText bool
	limits        Limits
	unionTypes    []unionType
}

// unionType is one WithUnionType mapping.
type unionType struct {
	name    string
	example any
}

// check reports settings no codec can work with.
func (s settings) check() error {
	for _, u := range s.unionTypes {
		if u.name == "" || u.example == nil {
			return fmt.Errorf("%w: avro.WithUnionType needs a type name and a non-nil example value (got %q, %T)", ErrUnsupportedType, u.name, u.example)
		}
	}
	return nil
}

func defaultSettings() settings {
	return settings{limits: DefaultLimits()}
}

// option is an Avro-specific setting that can be passed among serde's
// options to NewSerializer and NewDeserializer; serde ignores it
// (serde.FormatOption) and the Avro constructors pick it out of the list by
// type.
type option struct {
	serde.FormatOption
	apply func(*settings)
}

func newOption(apply func(*settings)) serde.Option {
	return option{FormatOption: serde.NewFormatOption(registry.Avro), apply: apply}
}

// CanonicalSchemaText makes a serializer register (or look up) hamba's
// canonical form of its schema, which is exactly the text Confluent's Go
// serializer (confluent-kafka-go's avrov2) registers, instead of the full
// schema. Use it to share subjects with Go services that run Confluent's
// serializer, so that both register the same version. The canonical form
// drops docs, field defaults, aliases and custom properties (such as
// confluent:tags), so a subject whose versions were registered that way
// cannot evolve by adding a field with a default under BACKWARD
// compatibility. A schema with references is registered as given even so:
// its canonical form would define the referenced types again, which the
// registry rejects.
func CanonicalSchemaText() serde.Option {
	return newOption(func(s *settings) { s.canonicalText = true })
}

// WithUnionType makes union fields of interface type (any) in Go structs
// take values of example's Go type for the Avro named type fullName (a
// record, enum or fixed that is a branch of the union): a serializer writes
// such a value as that branch, and a deserializer reads that branch into a
// value of that type rather than a generic one. Confluent's Go serializer
// does the same with its RegisterType. Without it, a union of several
// non-null types takes generic values ({"ns.Name": map[string]any{...}} for
// a record branch), and a struct value in the field is an error.
//
//	avro.NewSerializer[Payment](client, serde.Value,
//		avro.WithUnionType("com.example.Card", Card{}),
//		avro.WithUnionType("com.example.Transfer", Transfer{}))
func WithUnionType(fullName string, example any) serde.Option {
	return newOption(func(s *settings) {
		s.unionTypes = append(s.unionTypes, unionType{name: fullName, example: example})
	})
}

func collectSettings[O any](opts []O) settings {
	s := defaultSettings()
	for _, o := range opts {
		if ao, ok := any(o).(option); ok {
			ao.apply(&s)
		}
	}
	return s
}

// newAPI returns the hamba API a codec owns: its own encoder and decoder
// caches and type registry, with the decoding limits of s.
func newAPI(s settings) havro.API {
	api := havro.Config{
		TagKey:            "avro",
		MaxByteSliceSize:  s.limits.MaxBytesLen,
		MaxSliceAllocSize: s.limits.MaxItems,
	}.Freeze()
	for _, u := range s.unionTypes {
		api.Register(u.name, u.example)
	}
	return api
}
