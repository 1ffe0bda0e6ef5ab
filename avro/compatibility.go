package avro

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	havro "github.com/hamba/avro/v2"
)

// DifferenceType names a kind of difference between a reader and a writer
// schema, as Avro's SchemaCompatibility (Java) and Confluent's registry name
// its incompatibilities.
type DifferenceType string

// The difference types. Avro's check reports only differences that keep
// the reader from reading the writer's data: none is
// [DifferenceType.Compatible].
const (
	NameMismatch                   DifferenceType = "NAME_MISMATCH"
	FixedSizeMismatch              DifferenceType = "FIXED_SIZE_MISMATCH"
	MissingEnumSymbols             DifferenceType = "MISSING_ENUM_SYMBOLS"
	ReaderFieldMissingDefaultValue DifferenceType = "READER_FIELD_MISSING_DEFAULT_VALUE"
	TypeMismatch                   DifferenceType = "TYPE_MISMATCH"
	MissingUnionBranch             DifferenceType = "MISSING_UNION_BRANCH"
	// Unexpected reports a schema the check itself cannot handle (a reader
	// field whose name and aliases match several writer fields).
	Unexpected DifferenceType = "UNEXPECTED"
)

// Compatible reports whether a difference of type t keeps data written
// with the writer schema readable with the reader schema. It is false for
// every Avro type: Avro's check (unlike the Protobuf and JSON Schema diffs)
// reports incompatibilities only, never the compatible changes it passes.
func (t DifferenceType) Compatible() bool { return false }

// Difference is one reason why a reader schema cannot read data written
// with a writer schema.
type Difference struct {
	Type DifferenceType
	// Path is a JSON pointer into the reader schema, such as
	// "/fields/1/type/symbols".
	Path string
	// Detail is Avro's detail: the missing field's name, the missing enum
	// symbols ("[C, D]"), "reader type: INT not compatible with writer
	// type: STRING", ...
	Detail string
}

// Message renders d as Confluent's registry does in its verbose
// compatibility messages; reader and writer name the two schemas there
// ("new" and "old").
func (d Difference) Message(reader, writer string) string {
	if d.Type == Unexpected {
		return "Unexpected exception during compatibility check: " + d.Detail
	}
	p := d.Path
	var desc string
	switch d.Type {
	case FixedSizeMismatch:
		desc = "The size of FIXED type field at path '" + p + "' in the " + reader + " schema does not match with the " + writer + " schema"
	case TypeMismatch:
		desc = "The type (path '" + p + "') of a field in the " + reader + " schema does not match with the " + writer + " schema"
	case NameMismatch:
		desc = "The name of the schema has changed (path '" + p + "')"
	case MissingEnumSymbols:
		desc = "The " + reader + " schema is missing enum symbols '" + d.Detail + "' at path '" + p + "' in the " + writer + " schema"
	case MissingUnionBranch:
		desc = "The " + reader + " schema is missing a type inside a union field at path '" + p + "' in the " + writer + " schema"
	case ReaderFieldMissingDefaultValue:
		desc = "The field '" + d.Detail + "' at path '" + p + "' in the " + reader + " schema has no default value and is missing in the " + writer + " schema"
	}
	return "{errorType:'" + string(d.Type) + "', description:'" + desc + "', additionalInfo:'" + d.Detail + "'}"
}

// Compare reports why reader (the schema that reads: Confluent's new one
// when it checks BACKWARD) cannot read data written with writer (the
// previous one), following Avro's schema resolution rules exactly as
// Confluent's registry checks them (Avro's SchemaCompatibility): fields are
// matched by name and reader aliases, a reader-only field needs a default,
// enums need every writer symbol unless the reader has a default, numbers
// widen (int → long → float → double), string and bytes interchange, and
// every writer union branch must be readable. It returns nil when reader
// can read writer.
func Compare(reader, writer *Schema) []Difference {
	return checkCompatibility(reader.parsed.schema, writer.parsed.schema)
}

func checkCompatibility(reader, writer havro.Schema) []Difference {
	c := &checker{memo: map[[2]havro.Schema]*result{}}
	return c.check("", reader, writer, nil).incompatible
}

// result is the outcome for one reader/writer pair; inProgress marks a pair
// being checked further up the stack (recursive schemas), which counts as
// compatible until proven otherwise.
type result struct {
	incompatible []Difference
	inProgress   bool
}

var compatible = &result{}

type checker struct {
	memo map[[2]havro.Schema]*result
}

func incompatible(t DifferenceType, msg string, location []string) *result {
	return &result{incompatible: []Difference{{Type: t, Path: pointer(location), Detail: msg}}}
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
		wf, ambiguous := lookupWriterField(writer, rf)
		if ambiguous != "" {
			return merge(res, &result{incompatible: []Difference{{Type: Unexpected, Path: pointer(loc), Detail: ambiguous}}})
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
// name, or by one of the reader field's aliases. When several match it
// returns Avro's message saying so instead.
func lookupWriterField(writer *havro.RecordSchema, rf *havro.Field) (*havro.Field, string) {
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
		return nil, ""
	case 1:
		return found[0], ""
	}
	// Avro's (Java) exception message, which the registry passes on.
	return nil, "Reader record field " + rf.Name() + " matches multiple fields in writer record schema " + writer.FullName()
}
