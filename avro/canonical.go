package avro

import (
	"bytes"
	"strconv"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// javaTypeNames are the names of Avro's Schema.Type values: a named type
// whose short name is one of them is always printed with its namespace.
var javaTypeNames = map[string]bool{"record": true, "enum": true, "array": true, "map": true, "union": true,
	"fixed": true, "string": true, "bytes": true, "int": true, "long": true, "float": true, "double": true,
	"boolean": true, "null": true}

// canonical renders the model as Confluent's registry stores a schema
// (AvroSchema.canonicalString: Avro's Schema.toString with the references'
// types already known): compact JSON, "type" first, namespaces written only
// where they change, properties and defaults as written, types defined by
// references printed as names.
func (m *model) canonical() string {
	p := &canonPrinter{m: m, known: map[string]bool{}}
	for _, n := range m.depNames {
		p.known[n] = true
	}
	p.node(m.root, "")
	return p.b.String()
}

type canonPrinter struct {
	m     *model
	b     bytes.Buffer
	known map[string]bool
}

// qualified is a named type's name as Java writes it from namespace ns.
func qualified(full, ns string) string {
	short, space := splitName(full, "")
	if space != "" && space == ns && !javaTypeNames[short] {
		return short
	}
	return full
}

func (p *canonPrinter) props(props []jsontree.Member) {
	for _, m := range props {
		p.b.WriteByte(',')
		jsontree.WriteString(&p.b, m.Key)
		p.b.WriteByte(':')
		jsontree.Printer{}.Write(&p.b, m.Val)
	}
}

func (p *canonPrinter) field(key, value string) {
	p.b.WriteByte(',')
	jsontree.WriteString(&p.b, key)
	p.b.WriteByte(':')
	jsontree.WriteString(&p.b, value)
}

func (p *canonPrinter) node(n *snode, ns string) {
	n = p.m.resolve(n)
	switch n.typ {
	case "ref":
		jsontree.WriteString(&p.b, qualified(n.ref, ns))
	case "union":
		p.b.WriteByte('[')
		for i, br := range n.branches {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.node(br, ns)
		}
		p.b.WriteByte(']')
	case "array":
		p.b.WriteString(`{"type":"array","items":`)
		p.node(n.items, ns)
		p.props(n.props)
		p.b.WriteByte('}')
	case "map":
		p.b.WriteString(`{"type":"map","values":`)
		p.node(n.values, ns)
		p.props(n.props)
		p.b.WriteByte('}')
	case "record", "error", "enum", "fixed":
		p.named(n, ns)
	default:
		if len(n.props) == 0 {
			jsontree.WriteString(&p.b, n.typ)
			return
		}
		p.b.WriteString(`{"type":`)
		jsontree.WriteString(&p.b, n.typ)
		p.props(n.props)
		p.b.WriteByte('}')
	}
}

func (p *canonPrinter) named(n *snode, ns string) {
	full := n.fullName()
	if p.known[full] {
		jsontree.WriteString(&p.b, qualified(full, ns))
		return
	}
	p.known[full] = true
	p.b.WriteString(`{"type":`)
	jsontree.WriteString(&p.b, n.typ)
	p.field("name", n.name)
	if n.space != "" {
		if n.space != ns {
			p.field("namespace", n.space)
		}
	} else if ns != "" {
		p.field("namespace", "")
	}
	if n.doc != nil {
		p.field("doc", *n.doc)
	}
	switch n.typ {
	case "enum":
		p.b.WriteString(`,"symbols":[`)
		for i, s := range n.symbols {
			if i > 0 {
				p.b.WriteByte(',')
			}
			jsontree.WriteString(&p.b, s)
		}
		p.b.WriteByte(']')
		if n.enumDefault != nil {
			p.field("default", *n.enumDefault)
		}
	case "fixed":
		p.b.WriteString(`,"size":` + strconv.Itoa(n.size))
	default:
		p.b.WriteString(`,"fields":[`)
		for i, f := range n.fields {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.recordField(f, n.space)
		}
		p.b.WriteByte(']')
	}
	p.props(n.props)
	if len(n.aliases) > 0 {
		p.b.WriteString(`,"aliases":[`)
		for i, a := range n.aliases {
			if i > 0 {
				p.b.WriteByte(',')
			}
			jsontree.WriteString(&p.b, qualified(a, n.space))
		}
		p.b.WriteByte(']')
	}
	p.b.WriteByte('}')
}

func (p *canonPrinter) recordField(f *sfield, ns string) {
	p.b.WriteString(`{"name":`)
	jsontree.WriteString(&p.b, f.name)
	p.b.WriteString(`,"type":`)
	p.node(f.typ, ns)
	if f.doc != nil {
		p.field("doc", *f.doc)
	}
	if f.def != nil {
		p.b.WriteString(`,"default":`)
		jsontree.Printer{}.Write(&p.b, f.def)
	}
	if f.order != "ascending" {
		p.field("order", f.order)
	}
	if len(f.aliases) > 0 {
		p.b.WriteString(`,"aliases":[`)
		for i, a := range f.aliases {
			if i > 0 {
				p.b.WriteByte(',')
			}
			jsontree.WriteString(&p.b, a)
		}
		p.b.WriteByte(']')
	}
	p.props(f.props)
	p.b.WriteByte('}')
}
