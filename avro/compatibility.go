package avro

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	havro "github.com/hamba/avro/v2"
)

// IncompatibilityType names a kind of incompatibility between a reader and
// a writer schema, as Avro's SchemaCompatibility (Java) and Confluent's
// registry name them.
type IncompatibilityType string

// The incompatibility types.
const (
	NameMismatch                   IncompatibilityType = "NAME_MISMATCH"
	FixedSizeMismatch              IncompatibilityType = "FIXED_SIZE_MISMATCH"
	MissingEnumSymbols             IncompatibilityType = "MISSING_ENUM_SYMBOLS"
	ReaderFieldMissingDefaultValue IncompatibilityType = "READER_FIELD_MISSING_DEFAULT_VALUE"
	TypeMismatch                   IncompatibilityType = "TYPE_MISMATCH"
	MissingUnionBranch             IncompatibilityType = "MISSING_UNION_BRANCH"
	// Unexpected reports a schema the check itself cannot handle (a reader
	// field whose name and aliases match several writer fields).
	Unexpected IncompatibilityType = "UNEXPECTED"
)

// Incompatibility is one reason why a reader schema cannot read data
// written with a writer schema.
type Incompatibility struct {
	Type IncompatibilityType
	// Location is a JSON pointer into the reader schema, such as
	// "/fields/1/type/symbols".
	Location string
	// Message is Avro's detail: the missing field's name, the missing enum
	// symbols ("[C, D]"), "reader type: INT not compatible with writer
	// type: STRING", ...
	Message string
}

// Describe renders the incompatibility as Confluent's registry does in its
// verbose compatibility messages; reader and writer name the two schemas
// there ("new" and "old").
func (i Incompatibility) Describe(reader, writer string) string {
	if i.Type == Unexpected {
		return "Unexpected exception during compatibility check: " + i.Message
	}
	p := i.Location
	var d string
	switch i.Type {
	case FixedSizeMismatch:
		d = "The size of FIXED type field at path '" + p + "' in the " + reader + " schema does not match with the " + writer + " schema"
	case TypeMismatch:
		d = "The type (path '" + p + "') of a field in the " + reader + " schema does not match with the " + writer + " schema"
	case NameMismatch:
		d = "The name of the schema has changed (path '" + p + "')"
	case MissingEnumSymbols:
		d = "The " + reader + " schema is missing enum symbols '" + i.Message + "' at path '" + p + "' in the " + writer + " schema"
	case MissingUnionBranch:
		d = "The " + reader + " schema is missing a type inside a union field at path '" + p + "' in the " + writer + " schema"
	case ReaderFieldMissingDefaultValue:
		d = "The field '" + i.Message + "' at path '" + p + "' in the " + reader + " schema has no default value and is missing in the " + writer + " schema"
	}
	return "{errorType:'" + string(i.Type) + "', description:'" + d + "', additionalInfo:'" + i.Message + "'}"
}

// Compatibility reports why reader cannot read data written with writer,
// following Avro's schema resolution rules exactly as Confluent's registry
// checks them (Avro's SchemaCompatibility): fields are matched by name and
// reader aliases, a reader-only field needs a default, enums need every
// writer symbol unless the reader has a default, numbers widen (int → long
// → float → double), string and bytes interchange, and every writer union
// branch must be readable. It returns nil when reader can read writer.
func Compatibility(reader, writer *Schema) []Incompatibility {
	return checkCompatibility(reader.parsed.schema, writer.parsed.schema)
}

func checkCompatibility(reader, writer havro.Schema) []Incompatibility {
	c := &checker{memo: map[[2]havro.Schema]*result{}}
	return c.check("", reader, writer, nil).incompatible
}

func formatMessages(msgs []Incompatibility, reader, writer string) string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Describe(reader, writer)
	}
	return strings.Join(out, "; ")
}

// result is the outcome for one reader/writer pair; inProgress marks a pair
// being checked further up the stack (recursive schemas), which counts as
// compatible until proven otherwise.
type result struct {
	incompatible []Incompatibility
	inProgress   bool
}

var compatible = &result{}

type checker struct {
	memo map[[2]havro.Schema]*result
}

func incompatible(t IncompatibilityType, msg string, location []string) *result {
	return &result{incompatible: []Incompatibility{{Type: t, Location: pointer(location), Message: msg}}}
}

func merge(a, b *result) *result {
	if len(b.incompatible) == 0 {
		return a
	}
	return &result{incompatible: append(slices.Clip(a.incompatible), b.incompatible...)}
}

// pointer renders a location as a JSON pointer, leaving out the root token.
func pointer(location []string) string {
	var b strings.Builder
	b.WriteByte('/')
	for i, tok := range location[min(1, len(location)):] {
		if i > 0 {
			b.WriteByte('/')
		}
		tok = strings.ReplaceAll(tok, "~", "~0")
		b.WriteString(strings.ReplaceAll(tok, "/", "~1"))
	}
	return b.String()
}

// check compares reader and writer at location + token. Pairs are memoized
// by identity, so named types met again (and recursion) are checked once,
// as in Avro's implementation.
func (c *checker) check(token string, reader, writer havro.Schema, location []string) *result {
	reader, writer = deref(reader), deref(writer)
	location = append(slices.Clip(location), token)
	key := [2]havro.Schema{reader, writer}
	if r, ok := c.memo[key]; ok {
		if r.inProgress {
			return compatible
		}
		return r
	}
	c.memo[key] = &result{inProgress: true}
	r := c.calculate(reader, writer, location)
	c.memo[key] = r
	return r
}

// fresh checks a pair from a new root, as Avro does for union branches: only
// whether the pair is compatible matters there.
func (c *checker) fresh(reader, writer havro.Schema) bool {
	return len(c.check("", reader, writer, nil).incompatible) == 0
}

func typeName(s havro.Schema) string {
	return strings.ToUpper(string(s.Type()))
}

func (c *checker) calculate(reader, writer havro.Schema, location []string) *result {
	res := compatible
	if reader.Type() == writer.Type() {
		switch r := reader.(type) {
		case *havro.ArraySchema:
			return c.check("items", r.Items(), writer.(*havro.ArraySchema).Items(), location)
		case *havro.MapSchema:
			return c.check("values", r.Values(), writer.(*havro.MapSchema).Values(), location)
		case *havro.FixedSchema:
			w := writer.(*havro.FixedSchema)
			res = merge(res, checkNames(r, w, location))
			if r.Size() != w.Size() {
				res = merge(res, incompatible(FixedSizeMismatch,
					fmt.Sprintf("expected: %d, found: %d", w.Size(), r.Size()), append(location, "size")))
			}
			return res
		case *havro.EnumSchema:
			w := writer.(*havro.EnumSchema)
			res = merge(res, checkNames(r, w, location))
			return merge(res, checkEnumSymbols(r, w, location))
		case *havro.RecordSchema:
			w := writer.(*havro.RecordSchema)
			res = merge(res, checkNames(r, w, location))
			return merge(res, c.checkFields(r, w, location))
		case *havro.UnionSchema:
			for i, wb := range writer.(*havro.UnionSchema).Types() {
				if !c.fresh(reader, wb) {
					res = merge(res, incompatible(MissingUnionBranch,
						"reader union lacking writer type: "+typeName(deref(wb)), append(location, strconv.Itoa(i))))
				}
			}
			return res
		}
		return res // null and the primitives
	}

	if wu, ok := writer.(*havro.UnionSchema); ok {
		for i, wb := range wu.Types() {
			res = merge(res, c.check(strconv.Itoa(i), reader, wb, location))
		}
		return res
	}
	switch reader.Type() {
	case havro.Long:
		if writer.Type() == havro.Int {
			return res
		}
	case havro.Float:
		if writer.Type() == havro.Int || writer.Type() == havro.Long {
			return res
		}
	case havro.Double:
		if writer.Type() == havro.Int || writer.Type() == havro.Long || writer.Type() == havro.Float {
			return res
		}
	case havro.Bytes:
		if writer.Type() == havro.String {
			return res
		}
	case havro.String:
		if writer.Type() == havro.Bytes {
			return res
		}
	case havro.Union:
		for _, rb := range reader.(*havro.UnionSchema).Types() {
			if c.fresh(rb, writer) {
				return res
			}
		}
		return merge(res, incompatible(MissingUnionBranch, "reader union lacking writer type: "+typeName(writer), location))
	}
	return merge(res, incompatible(TypeMismatch,
		fmt.Sprintf("reader type: %s not compatible with writer type: %s", typeName(reader), typeName(writer)), location))
}

// checkNames compares the names of named types: the same full name, or a
// reader alias naming the writer.
func checkNames(reader, writer havro.NamedSchema, location []string) *result {
	if reader.FullName() == writer.FullName() || slices.Contains(reader.Aliases(), writer.FullName()) {
		return compatible
	}
	return incompatible(NameMismatch, "expected: "+writer.FullName(), append(location, "name"))
}

func checkEnumSymbols(reader, writer *havro.EnumSchema, location []string) *result {
	var missing []string
	for _, s := range writer.Symbols() {
		if !slices.Contains(reader.Symbols(), s) && !slices.Contains(missing, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 || (reader.HasDefault() && slices.Contains(reader.Symbols(), reader.Default())) {
		return compatible
	}
	sort.Strings(missing)
	return incompatible(MissingEnumSymbols, "["+strings.Join(missing, ", ")+"]", append(location, "symbols"))
}

func (c *checker) checkFields(reader, writer *havro.RecordSchema, location []string) *result {
	res := compatible
	location = append(slices.Clip(location), "fields")
	for pos, rf := range reader.Fields() {
		loc := append(slices.Clip(location), strconv.Itoa(pos))
		wf, err := lookupWriterField(writer, rf)
		if err != nil {
			return merge(res, &result{incompatible: []Incompatibility{{Type: Unexpected, Location: pointer(loc), Message: err.Error()}}})
		}
		if wf != nil {
			res = merge(res, c.check("type", rf.Type(), wf.Type(), loc))
			continue
		}
		if rf.HasDefault() {
			continue
		}
		if e, ok := deref(rf.Type()).(*havro.EnumSchema); ok && e.HasDefault() {
			// Avro compares such a field's enum with the writer record
			// itself, which reports a type mismatch.
			res = merge(res, c.check("type", rf.Type(), writer, loc))
			continue
		}
		res = merge(res, incompatible(ReaderFieldMissingDefaultValue, rf.Name(), loc))
	}
	return res
}

// lookupWriterField finds the writer field that a reader field reads: by
// name, or by one of the reader field's aliases.
func lookupWriterField(writer *havro.RecordSchema, rf *havro.Field) (*havro.Field, error) {
	var found []*havro.Field
	for _, name := range append([]string{rf.Name()}, rf.Aliases()...) {
		for _, wf := range writer.Fields() {
			if wf.Name() == name {
				found = append(found, wf)
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("Reader record field %s matches multiple fields in writer record schema %s", rf.Name(), writer.FullName())
}
