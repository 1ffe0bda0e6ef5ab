package avro

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// normalized renders the model as Confluent's registry normalizes a schema
// (AvroSchemaUtils.toNormalizedString): full names everywhere, the
// "name","type" order, properties sorted by key, field aliases and defaults
// in a fixed order, logical types spelled out, references' types as names.
//
// Two details differ from a literal reading of that code, which would write
// invalid or unparsable JSON: a logical type's "logicalType" (and decimal
// "precision" and "scale") is written once, not a second time among the
// sorted properties.
func (m *model) normalized() string {
	p := &normPrinter{m: m, env: map[string]bool{}}
	for _, n := range m.depNames {
		p.env[n] = true
	}
	p.node(m.root)
	return p.b.String()
}

type normPrinter struct {
	m   *model
	b   bytes.Buffer
	env map[string]bool
}

// logical returns the logical type Avro's Java library recognizes on n
// (invalid ones are ignored), with a decimal's precision and scale.
func logical(n *snode) (name string, precision, scale int) {
	var lt string
	var prec, scl *jsontree.Value
	for _, m := range n.props {
		switch m.Key {
		case "logicalType":
			if m.Val.Kind == jsontree.String {
				lt = m.Val.Str
			}
		case "precision":
			prec = m.Val
		case "scale":
			scl = m.Val
		}
	}
	switch {
	case lt == "decimal" && (n.typ == "bytes" || n.typ == "fixed"):
		precision, ok := intProp(prec)
		if !ok || precision <= 0 {
			return "", 0, 0
		}
		scale, ok := intProp(scl)
		if scl != nil && (!ok || scale < 0 || scale > precision) {
			return "", 0, 0
		}
		return lt, precision, scale
	case lt == "uuid" && n.typ == "string",
		(lt == "date" || lt == "time-millis") && n.typ == "int",
		(lt == "time-micros" || lt == "timestamp-millis" || lt == "timestamp-micros" ||
			lt == "local-timestamp-millis" || lt == "local-timestamp-micros") && n.typ == "long",
		lt == "duration" && n.typ == "fixed" && n.size == 12:
		return lt, 0, 0
	}
	return "", 0, 0
}

func intProp(v *jsontree.Value) (int, bool) {
	if v == nil || v.Kind != jsontree.Number || !jsontree.IsInteger(v.Str) {
		return 0, false
	}
	n, err := strconv.Atoi(v.Str)
	return n, err == nil
}

// logicalProps writes the logical type and returns the property keys it
// covered.
func (p *normPrinter) logicalProps(n *snode) map[string]bool {
	lt, prec, scale := logical(n)
	if lt == "" {
		return nil
	}
	p.b.WriteString(`,"logicalType":"` + lt + `"`)
	if lt == "decimal" {
		p.b.WriteString(`,"precision":` + strconv.Itoa(prec))
		if scale != 0 {
			p.b.WriteString(`,"scale":` + strconv.Itoa(scale))
		}
		return map[string]bool{"logicalType": true, "precision": true, "scale": true}
	}
	return map[string]bool{"logicalType": true}
}

// sortedProps writes properties sorted by key, values with sorted keys.
func (p *normPrinter) sortedProps(props []jsontree.Member, skip map[string]bool) {
	sorted := slices.Clone(props)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	for _, m := range sorted {
		if skip[m.Key] {
			continue
		}
		p.b.WriteString(`,"` + m.Key + `":`)
		p.sorted(&p.b, m.Val, nil)
	}
}

func (p *normPrinter) node(n *snode) {
	n = p.m.resolve(n)
	switch n.typ {
	case "ref":
		p.b.WriteString(`"` + n.ref + `"`)
	case "union":
		p.b.WriteByte('[')
		for i, br := range n.branches {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.node(br)
		}
		p.b.WriteByte(']')
	case "array", "map":
		p.b.WriteString(`{"type":"` + n.typ + `"`)
		if n.typ == "array" {
			p.b.WriteString(`,"items":`)
			p.node(n.items)
		} else {
			p.b.WriteString(`,"values":`)
			p.node(n.values)
		}
		p.sortedProps(n.props, nil)
		p.b.WriteByte('}')
	case "record", "error", "enum", "fixed":
		p.named(n)
	default:
		if lt, _, _ := logical(n); lt != "" {
			p.b.WriteString(`{"type":"` + n.typ + `"`)
			skip := p.logicalProps(n)
			p.sortedProps(n.props, skip)
			p.b.WriteByte('}')
			return
		}
		if len(n.props) > 0 {
			p.b.WriteString(`{"type":"` + n.typ + `"`)
			p.sortedProps(n.props, nil)
			p.b.WriteByte('}')
			return
		}
		p.b.WriteString(`"` + n.typ + `"`)
	}
}

func (p *normPrinter) named(n *snode) {
	full := n.fullName()
	if p.env[full] {
		p.b.WriteString(`"` + full + `"`)
		return
	}
	p.env[full] = true
	typ := n.typ
	if typ == "error" {
		typ = "record"
	}
	p.b.WriteString(`{"name":"` + full + `","type":"` + typ + `"`)
	var skip map[string]bool
	switch n.typ {
	case "enum":
		p.b.WriteString(`,"symbols":[`)
		for i, s := range n.symbols {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.b.WriteString(`"` + s + `"`)
		}
		p.b.WriteByte(']')
	case "fixed":
		p.b.WriteString(`,"size":` + strconv.Itoa(n.size))
		skip = p.logicalProps(n)
	default:
		p.b.WriteString(`,"fields":[`)
		for i, f := range n.fields {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.b.WriteString(`{"name":"` + f.name + `","type":`)
			p.node(f.typ)
			p.fieldProps(f)
			p.b.WriteByte('}')
		}
		p.b.WriteByte(']')
	}
	if n.doc != nil && *n.doc != "" {
		p.b.WriteString(`,"doc":`)
		jsontree.WriteString(&p.b, *n.doc)
	}
	if len(n.aliases) > 0 {
		p.b.WriteString(`,"aliases":`)
		writeStringArray(&p.b, sortedUnique(n.aliases))
	}
	if n.typ == "enum" && n.enumDefault != nil {
		p.b.WriteString(`,"default":`)
		jsontree.WriteString(&p.b, *n.enumDefault)
	}
	p.sortedProps(n.props, skip)
	p.b.WriteByte('}')
}

func (p *normPrinter) fieldProps(f *sfield) {
	p.b.WriteString(`,"order":"` + strings.ToUpper(f.order) + `"`)
	if f.doc != nil {
		p.b.WriteString(`,"doc":`)
		jsontree.WriteString(&p.b, *f.doc)
	}
	if len(f.aliases) > 0 {
		p.b.WriteString(`,"aliases":`)
		writeStringArray(&p.b, sortedUnique(f.aliases))
	}
	if f.def != nil {
		var def bytes.Buffer
		if p.sorted(&def, f.def, f.typ); def.Len() > 0 {
			p.b.WriteString(`,"default":`)
			p.b.Write(def.Bytes())
		}
	}
	p.sortedProps(f.props, nil)
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}

func writeStringArray(b *bytes.Buffer, s []string) {
	b.WriteByte('[')
	for i, e := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		jsontree.WriteString(b, e)
	}
	b.WriteByte(']')
}

// sorted writes v with object keys sorted, as Confluent's normalizer
// renders properties and defaults. When schema is known, numbers take its
// type (a float default prints as a Java float); a number that does not fit
// the schema writes nothing, as Java drops such a default.
func (p *normPrinter) sorted(b *bytes.Buffer, v *jsontree.Value, schema *snode) {
	if schema != nil {
		schema = p.m.resolve(schema)
		if schema.typ == "union" && len(schema.branches) > 0 {
			schema = p.m.resolve(schema.branches[0])
		}
	}
	switch v.Kind {
	case jsontree.Number:
		typ := ""
		if schema != nil {
			typ = schema.typ
		}
		switch typ {
		case "int", "long":
			if jsontree.IsInteger(v.Str) {
				b.WriteString(jsontree.JavaNumber(v.Str))
			}
		case "float":
			if f, err := strconv.ParseFloat(v.Str, 64); err == nil {
				b.WriteString(jsontree.JavaFloat(float64(float32(f)), 32))
			}
		case "double":
			if f, err := strconv.ParseFloat(v.Str, 64); err == nil {
				b.WriteString(jsontree.JavaDouble(f))
			}
		default:
			b.WriteString(jsontree.JavaNumber(v.Str))
		}
	case jsontree.Array:
		var items *snode
		if schema != nil && schema.typ == "array" {
			items = schema.items
		}
		b.WriteByte('[')
		for i, e := range v.Arr {
			if i > 0 {
				b.WriteByte(',')
			}
			p.sorted(b, e, items)
		}
		b.WriteByte(']')
	case jsontree.Object:
		sorted := slices.Clone(v.Obj)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
		b.WriteByte('{')
		for i, m := range sorted {
			if i > 0 {
				b.WriteByte(',')
			}
			jsontree.WriteString(b, m.Key)
			b.WriteByte(':')
			p.sorted(b, m.Val, memberSchema(schema, m.Key))
		}
		b.WriteByte('}')
	default:
		jsontree.Printer{}.Write(b, v)
	}
}

// memberSchema is the schema of an object member of a default value: a map's
// values, or a record's field.
func memberSchema(s *snode, key string) *snode {
	switch {
	case s == nil:
		return nil
	case s.typ == "map":
		return s.values
	case s.typ == "record" || s.typ == "error":
		for _, f := range s.fields {
			if f.name == key {
				return f.typ
			}
		}
	}
	return nil
}
