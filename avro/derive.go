package avro

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	havro "github.com/hamba/avro/v2"
)

// Named is implemented by Go types that choose the full Avro name (with its
// namespace) of the record or fixed type derived from them. AvroName is
// called once, on the zero value, when a serializer is built:
//
//	type CustomerKey struct {
//		Tenant     string `avro:"tenant"`
//		CustomerID int64  `avro:"customerId"`
//	}
//
//	func (CustomerKey) AvroName() string { return "io.vectors.keys.CustomerKey" }
//
// A struct without AvroName is named after its Go type, in the namespace of
// the record that contains it (the top-level record has no namespace).
type Named interface {
	AvroName() string
}

// Schemer is implemented by Go types that carry their own hamba schema, as
// Confluent's Go serializer (avrov2) expects. Schema is called once, on the
// zero value, when a serializer or deserializer is built.
type Schemer interface {
	Schema() havro.Schema
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	durationType        = reflect.TypeFor[time.Duration]()
	ratType             = reflect.TypeFor[big.Rat]()
	logicalDurationType = reflect.TypeFor[havro.LogicalDuration]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	namedType           = reflect.TypeFor[Named]()
	schemerType         = reflect.TypeFor[Schemer]()
)

// errGeneric marks types that hold interface values: their schema cannot be
// derived, but they can still be read generically.
type errGeneric struct{ t reflect.Type }

// Error implements error.
func (e errGeneric) Error() string {
	return fmt.Sprintf("%s holds interface values, its schema cannot be derived", e.t)
}

// DeriveSchema returns the Avro schema text derived from the Go type t: the
// text a serializer of t registers. It is written as hamba's canonical form
// is (full names, "name" before "type"), which is what Confluent's Go
// serializer registers, plus the defaults that form drops: a schema
// without pointer fields is exactly Confluent's text.
//
// Mapping: bool→boolean; int8, int16, int32, uint8, uint16→int; int, int64,
// uint32→long; float32→float; float64→double; string→string; []byte→bytes;
// [N]byte→fixed; time.Time→long timestamp-millis; time.Duration→long
// time-micros; avro.LogicalDuration→fixed(12) duration; *big.Rat→bytes
// decimal (needs a decimal(P,S) tag option); types implementing
// encoding.TextMarshaler and TextUnmarshaler→string; *X→["null", X] (at the
// top level a pointer is just X: nil is a tombstone); []X→array;
// map[string]X→map; struct→record with one field per exported field (the
// `avro:"name"` tag renames it, `avro:"-"` drops it, embedded structs are
// flattened).
//
// Options after the name in the avro tag choose a logical type: date,
// time-millis, time-micros, timestamp-millis, timestamp-micros,
// local-timestamp-millis, local-timestamp-micros, uuid, decimal(P,S). For
// example `avro:"birthday,date"` or `avro:"balance,decimal(12,2)"`.
//
// Records are named by [Named], else after their Go type. Types that hold
// interface values (any, map[string]any) have no derivable schema.
//
// Pointer fields default to null, which makes adding an optional field a
// BACKWARD-compatible change (with [CanonicalSchemaText] a serializer
// registers the form without defaults, as Confluent's Go serializer does).
func DeriveSchema(t reflect.Type) (string, error) {
	text, err := deriveText(t)
	if err != nil {
		return "", err
	}
	if _, err := parseSchema(text, nil); err != nil {
		return "", fmt.Errorf("avro: schema derived from %s: %w", t, err)
	}
	return text, nil
}

// deriveText returns the JSON schema derived from t (not yet canonical).
func deriveText(t reflect.Type) (string, error) {
	if t == nil {
		return "", errGeneric{t: t}
	}
	for t.Kind() == reflect.Pointer && t != reflect.PointerTo(ratType) {
		t = t.Elem()
	}
	d := &deriver{defined: map[reflect.Type]string{}, types: map[string]reflect.Type{}}
	var buf bytes.Buffer
	if err := d.typ(&buf, t, tagOptions{}, "", ""); err != nil {
		return "", err
	}
	return buf.String(), nil
}

type deriver struct {
	defined map[reflect.Type]string // Go type → full Avro name, once written
	types   map[string]reflect.Type // full Avro name → Go type
	depth   int
}

// tagOptions are the options after the field name in an avro tag.
type tagOptions struct {
	logical        string
	precision, scl int
}

func parseTag(tag string) (name string, opts tagOptions, err error) {
	name, rest, _ := strings.Cut(tag, ",")
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return name, opts, nil
	}
	if p, ok := strings.CutPrefix(rest, "decimal("); ok {
		ps, ok := strings.CutSuffix(p, ")")
		if !ok {
			return "", opts, fmt.Errorf("bad decimal option %q", rest)
		}
		a, b, _ := strings.Cut(ps, ",")
		prec, err1 := strconv.Atoi(strings.TrimSpace(a))
		scale, err2 := strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || prec <= 0 || scale < 0 || scale > prec {
			return "", opts, fmt.Errorf("bad decimal option %q: want decimal(precision,scale)", rest)
		}
		opts.logical, opts.precision, opts.scl = "decimal", prec, scale
		return name, opts, nil
	}
	switch rest {
	case "date", "time-millis", "time-micros", "timestamp-millis", "timestamp-micros",
		"local-timestamp-millis", "local-timestamp-micros", "uuid":
		opts.logical = rest
		return name, opts, nil
	}
	return "", opts, fmt.Errorf("unknown avro tag option %q", rest)
}

const maxDeriveDepth = 64

// typ writes the schema for t. ns is the enclosing namespace, hint names
// anonymous named types (the field name).
func (d *deriver) typ(buf *bytes.Buffer, t reflect.Type, o tagOptions, ns, hint string) error {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDeriveDepth {
		return fmt.Errorf("%w: %s nests deeper than %d types", ErrUnsupportedType, t, maxDeriveDepth)
	}
	switch {
	case t == timeType:
		return d.timeType(buf, o)
	case t == durationType:
		switch o.logical {
		case "", "time-micros":
			buf.WriteString(`{"type":"long","logicalType":"time-micros"}`)
		case "time-millis":
			buf.WriteString(`{"type":"int","logicalType":"time-millis"}`)
		default:
			return fmt.Errorf("%w: option %s does not apply to time.Duration", ErrUnsupportedType, o.logical)
		}
		return nil
	case t == ratType || t == reflect.PointerTo(ratType):
		if o.logical != "decimal" {
			return fmt.Errorf("%w: %s needs a decimal(precision,scale) tag option", ErrUnsupportedType, t)
		}
		fmt.Fprintf(buf, `{"type":"bytes","logicalType":"decimal","precision":%d,"scale":%d}`, o.precision, o.scl)
		return nil
	case t == logicalDurationType:
		return d.named(buf, t, ns, hint, func(buf *bytes.Buffer, name string) error {
			fmt.Fprintf(buf, `{"name":%s,"type":"fixed","size":12,"logicalType":"duration"}`, jsonString(d.defined[t]))
			return nil
		})
	case t.Kind() != reflect.Struct && t.Kind() != reflect.Pointer && t.Implements(textMarshalerType) && reflect.PointerTo(t).Implements(textUnmarshalerType):
		if o.logical == "uuid" || (t.Name() == "UUID" && t.Kind() == reflect.Array && t.Len() == 16) {
			buf.WriteString(`{"type":"string","logicalType":"uuid"}`)
		} else {
			buf.WriteString(`"string"`)
		}
		return nil
	}
	if o.logical != "" && o.logical != "uuid" {
		return fmt.Errorf("%w: option %s does not apply to %s", ErrUnsupportedType, o.logical, t)
	}
	switch t.Kind() {
	case reflect.Bool:
		buf.WriteString(`"boolean"`)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		buf.WriteString(`"int"`)
	case reflect.Int, reflect.Int64, reflect.Uint32:
		buf.WriteString(`"long"`)
	case reflect.Float32:
		buf.WriteString(`"float"`)
	case reflect.Float64:
		buf.WriteString(`"double"`)
	case reflect.String:
		if o.logical == "uuid" {
			buf.WriteString(`{"type":"string","logicalType":"uuid"}`)
		} else {
			buf.WriteString(`"string"`)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			buf.WriteString(`"bytes"`)
			return nil
		}
		buf.WriteString(`{"type":"array","items":`)
		if err := d.typ(buf, t.Elem(), tagOptions{}, ns, hint+"_item"); err != nil {
			return err
		}
		buf.WriteByte('}')
	case reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("%w: %s: only byte arrays map to Avro (fixed)", ErrUnsupportedType, t)
		}
		return d.named(buf, t, ns, hint, func(buf *bytes.Buffer, name string) error {
			fmt.Fprintf(buf, `{"name":%s,"type":"fixed","size":%d}`, jsonString(d.defined[t]), t.Len())
			return nil
		})
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%w: %s: Avro map keys are strings", ErrUnsupportedType, t)
		}
		if t.Elem().Kind() == reflect.Interface {
			return errGeneric{t: t}
		}
		buf.WriteString(`{"type":"map","values":`)
		if err := d.typ(buf, t.Elem(), tagOptions{}, ns, hint+"_value"); err != nil {
			return err
		}
		buf.WriteByte('}')
	case reflect.Pointer:
		e := t.Elem()
		for e.Kind() == reflect.Pointer && e != reflect.PointerTo(ratType) {
			e = e.Elem()
		}
		buf.WriteString(`["null",`)
		if err := d.typ(buf, e, o, ns, hint); err != nil {
			return err
		}
		buf.WriteByte(']')
	case reflect.Struct:
		return d.record(buf, t, ns, hint)
	case reflect.Interface:
		return errGeneric{t: t}
	default:
		return fmt.Errorf("%w: %s has no Avro equivalent", ErrUnsupportedType, t)
	}
	return nil
}

func (d *deriver) timeType(buf *bytes.Buffer, o tagOptions) error {
	switch o.logical {
	case "", "timestamp-millis":
		buf.WriteString(`{"type":"long","logicalType":"timestamp-millis"}`)
	case "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros":
		fmt.Fprintf(buf, `{"type":"long","logicalType":%q}`, o.logical)
	case "date":
		buf.WriteString(`{"type":"int","logicalType":"date"}`)
	default:
		return fmt.Errorf("%w: option %s does not apply to time.Time", ErrUnsupportedType, o.logical)
	}
	return nil
}

// named writes a named type: its definition the first time, its full name
// afterwards (and for recursive references).
func (d *deriver) named(buf *bytes.Buffer, t reflect.Type, ns, hint string, def func(*bytes.Buffer, string) error) error {
	if full, ok := d.defined[t]; ok {
		buf.WriteString(jsonString(full))
		return nil
	}
	name, err := avroName(t, hint)
	if err != nil {
		return err
	}
	full := name
	if !strings.Contains(name, ".") && ns != "" {
		full = ns + "." + name
	}
	if other, ok := d.types[full]; ok && other != t {
		return fmt.Errorf("%w: %s and %s both derive the Avro name %s; give one an AvroName method", ErrUnsupportedType, other, t, full)
	}
	d.defined[t] = full
	d.types[full] = t
	return def(buf, name)
}

func (d *deriver) record(buf *bytes.Buffer, t reflect.Type, ns, hint string) error {
	return d.named(buf, t, ns, hint, func(buf *bytes.Buffer, name string) error {
		full := d.defined[t]
		recNS := ""
		if i := strings.LastIndexByte(full, '.'); i >= 0 {
			recNS = full[:i]
		}
		fmt.Fprintf(buf, `{"name":%s,"type":"record","fields":[`, jsonString(full))
		n := 0
		var fieldErr error
		eachField(t, func(f reflect.StructField, name string, opts tagOptions, err error) {
			if fieldErr != nil {
				return
			}
			if err != nil {
				fieldErr = fmt.Errorf("%w: %s.%s: %v", ErrUnsupportedType, t, f.Name, err)
				return
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			n++
			fmt.Fprintf(buf, `{"name":%s,"type":`, jsonString(name))
			if err := d.typ(buf, f.Type, opts, recNS, sanitize(f.Name)); err != nil {
				fieldErr = err
				return
			}
			if f.Type.Kind() == reflect.Pointer && f.Type != reflect.PointerTo(ratType) {
				// Optional fields default to null, so that adding one is
				// a compatible change where the default is registered.
				buf.WriteString(`,"default":null`)
			}
			buf.WriteByte('}')
		})
		if fieldErr != nil {
			return fieldErr
		}
		buf.WriteString(`]}`)
		return nil
	})
}

// eachField calls fn for every field hamba encodes for struct t, in order:
// exported fields, with embedded structs flattened (each field's Index is
// its path from t).
func eachField(t reflect.Type, fn func(f reflect.StructField, name string, opts tagOptions, err error)) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("avro")
		if f.Anonymous && !hasTag {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				// The embedded struct's fields, with their index paths
				// from t (reflect.Value.FieldByIndex).
				outer := f.Index
				eachField(et, func(sf reflect.StructField, name string, opts tagOptions, err error) {
					sf.Index = append(slices.Clone(outer), sf.Index...)
					fn(sf, name, opts, err)
				})
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name := f.Name
		var opts tagOptions
		if hasTag {
			n, o, err := parseTag(tag)
			if err != nil {
				fn(f, name, opts, err)
				return
			}
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
			opts = o
		}
		fn(f, name, opts, nil)
	}
}

// avroName is the Avro name of a named Go type: its AvroName method, else
// its Go name, else the hint (the field holding an anonymous type).
func avroName(t reflect.Type, hint string) (name string, err error) {
	if t.Implements(namedType) || reflect.PointerTo(t).Implements(namedType) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: %s.AvroName panicked: %v", ErrUnsupportedType, t, r)
			}
		}()
		var n Named
		if t.Implements(namedType) {
			n = reflect.Zero(t).Interface().(Named)
		} else {
			n = reflect.New(t).Interface().(Named)
		}
		if name = n.AvroName(); name == "" {
			return "", fmt.Errorf("%w: %s.AvroName returned an empty name", ErrUnsupportedType, t)
		}
		return name, nil
	}
	if t.Name() != "" {
		return sanitize(t.Name()), nil
	}
	if hint == "" {
		return "", fmt.Errorf("%w: anonymous %s needs a name", ErrUnsupportedType, t)
	}
	return hint, nil
}

// sanitize maps a Go name to an Avro name: letters, digits and '_' only,
// not starting with a digit. Generic instantiations such as Box[int] become
// Box_int_.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// jsonString renders s as a JSON string without HTML escaping.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}
