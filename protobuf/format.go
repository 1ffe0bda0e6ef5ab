package protobuf

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// Format returns the Protobuf schema format: it parses and validates .proto
// text (or a base64 FileDescriptorProto, the registry's "serialized"
// format) with its references, and decides compatibility with Confluent's
// Protobuf rules. The mock registry uses it.
func Format() compat.Format { return protobufFormat{} }

type protobufFormat struct{ limits Limits }

func (protobufFormat) Type() registry.SchemaType { return registry.Protobuf }

func (f protobufFormat) Parse(schema string, deps []compat.Dependency) (compat.Schema, error) {
	s, err := parse(f.limits, schema, deps)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Parse compiles a schema as the registry holds it: .proto text or a base64
// FileDescriptorProto, with every schema it references (directly or not).
// Builtin imports (see [IsKnownDependency]) need no reference. Errors match
// [ErrInvalidSchema], and [ErrUnknownImport] for a missing reference. The
// schema and its references are checked against the default [Limits]
// before they are compiled (see [ParseWithLimits]).
func Parse(schema string, deps ...compat.Dependency) (*Schema, error) {
	return parse(Limits{}, schema, deps)
}

func parse(limits Limits, schema string, deps []compat.Dependency) (*Schema, error) {
	fd, err := compileSchema(schema, deps, limits)
	if err != nil {
		return nil, err
	}
	refs := make(map[string]compat.Dependency, len(deps))
	for _, d := range deps {
		refs[d.Name] = d
	}
	return &Schema{fd: fd, text: schema, refs: refs}, nil
}

// Schema is a parsed Protobuf schema. It implements compat.Schema and
// compat.Formatter.
type Schema struct {
	fd   protoreflect.FileDescriptor
	text string
	refs map[string]compat.Dependency // by import path

	canonical  func() (string, error)
	normalized func() (string, error)
	once       sync.Once
}

// Descriptor returns the schema's file descriptor. It is not registered in
// any registry of the process.
func (s *Schema) Descriptor() protoreflect.FileDescriptor { return s.fd }

// Text returns the schema text as it was parsed.
func (s *Schema) Text() string { return s.text }

// MessageAt returns the message that message indexes name (see
// [MessageIndexes]); an out-of-range index is an [ErrUnknownMessage] error.
func (s *Schema) MessageAt(indexes []int) (protoreflect.MessageDescriptor, error) {
	return messageAt(s.fd, indexes)
}

// MessageIndexes returns the message indexes of md: its path in its file,
// as the wire format carries it.
func MessageIndexes(md protoreflect.MessageDescriptor) []int { return messageIndexes(md) }

// normalizedPrinter prints the normalized form: type references fully
// qualified. Declarations keep their order (message indexes depend on it)
// and options are printed sorted by name by both printers; imports are
// sorted afterwards by [sortImports]. (protoprint's CustomSortFunction is
// not used: it reorders the zero-valued aliases of an open enum, which
// changes the enum's default.)
var normalizedPrinter = protoprint.Printer{
	OmitComments:             protoprint.CommentsAll,
	ForceFullyQualifiedNames: true,
}

// sortImports sorts the import statements of text printed by protoprint
// (one per line, at the start of the line) by path, leaving every other
// line where it is.
func sortImports(text string) string {
	lines := strings.Split(text, "\n")
	var at []int
	var imports []string
	for i, l := range lines {
		if strings.HasPrefix(l, "import ") {
			at = append(at, i)
			imports = append(imports, l)
		}
	}
	path := func(l string) string { return l[strings.IndexByte(l, '"')+1:] }
	sort.SliceStable(imports, func(i, j int) bool { return path(imports[i]) < path(imports[j]) })
	for k, i := range at {
		lines[i] = imports[k]
	}
	return strings.Join(lines, "\n")
}

func (s *Schema) init() {
	s.once.Do(func() {
		s.canonical = sync.OnceValues(func() (string, error) { return PrintFile(s.fd) })
		s.normalized = sync.OnceValues(func() (string, error) {
			text, err := printWith(&normalizedPrinter, s.fd)
			return sortImports(text), err
		})
	})
}

// Canonical returns the schema printed from its descriptor, without
// comments: texts that differ only in formatting or comments print alike.
func (s *Schema) Canonical() string {
	s.init()
	if c, err := s.canonical(); err == nil {
		return c
	}
	return s.text
}

// Normalized returns Canonical with imports and options sorted and every
// type reference fully qualified.
func (s *Schema) Normalized() string {
	s.init()
	if n, err := s.normalized(); err == nil {
		return n
	}
	return s.Canonical()
}

// Format renders the schema in a registry format: "serialized" (a base64
// FileDescriptorProto), "ignore_extensions" (the canonical text without
// extension declarations) or ""/"default" (the canonical text).
func (s *Schema) Format(name string) (string, error) {
	switch strings.ToLower(name) {
	case "", "default":
		return s.Canonical(), nil
	case "serialized":
		return SerializedFile(s.fd)
	case "ignore_extensions":
		return ignoreExtensions(s.Canonical()), nil
	}
	return "", fmt.Errorf("protobuf: unknown schema format %q", name)
}

// ignoreExtensions drops top-level extend blocks from printed text.
func ignoreExtensions(text string) string {
	var out []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "extend ") {
			for i < len(lines) && lines[i] != "}" {
				i++
			}
			// Drop the blank line that followed the block.
			if i+1 < len(lines) && lines[i+1] == "" {
				i++
			}
			continue
		}
		out = append(out, lines[i])
	}
	return strings.Join(out, "\n")
}
