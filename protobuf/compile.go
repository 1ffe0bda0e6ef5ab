package protobuf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/srkit-go/srkit/compat"
)

// Errors of this package. Functions wrap them with details; test with
// [errors.Is].
var (
	// ErrInvalidSchema: a schema does not parse or link (syntax error,
	// unknown type, duplicate name, missing import ...).
	ErrInvalidSchema = errors.New("protobuf: invalid schema")
	// ErrUnknownImport: a schema imports a file that is neither one of its
	// references nor a builtin (see [IsKnownDependency]). It comes wrapped in
	// an ErrInvalidSchema error.
	ErrUnknownImport = errors.New("protobuf: import is neither a reference nor a builtin")
	// ErrUnknownMessage: message indexes, or a message name, do not name a
	// message of the schema.
	ErrUnknownMessage = errors.New("protobuf: no such message in the schema")
	// ErrTypeMismatch: the message a payload holds is not the Go type the
	// deserializer reads into.
	ErrTypeMismatch = errors.New("protobuf: message type mismatch")
)

var bgContext = context.Background()

// rootName is the file name a registry schema's own text is compiled under
// (Confluent's ProtobufSchema uses the same default name).
const rootName = "default"

// compileSchema compiles schema text (.proto text, or a base64
// FileDescriptorProto as the registry serves it with format=serialized) and
// the schemas it references into a linked file descriptor. Builtins resolve
// without references. Nothing is registered process-wide. Every file is
// checked against limits before anything is compiled.
func compileSchema(text string, deps []compat.Dependency, limits Limits) (linker.File, error) {
	b := newBudget(limits)
	if err := b.spendBytes(len(text)); err != nil {
		return nil, err
	}
	for _, d := range deps {
		if err := b.spendBytes(len(d.Schema.Schema)); err != nil {
			return nil, err
		}
	}
	sources := make(map[string]protocompile.SearchResult, len(deps)+1)
	for _, d := range deps {
		r, fdp, err := b.load(d.Name, d.Schema.Schema)
		if err != nil {
			return nil, err
		}
		if fdp != nil {
			fdp.Name = proto.String(d.Name)
		}
		sources[d.Name] = r
	}
	root := rootName
	r, fdp, err := b.load("", text)
	if err != nil {
		return nil, err
	}
	if fdp != nil {
		if n := fdp.GetName(); n != "" {
			if _, clash := sources[n]; !clash {
				root = n
			}
		}
		fdp.Name = proto.String(root)
	} else if _, clash := sources[root]; clash {
		root = "__root__.proto"
	}
	sources[root] = r
	resolver := protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if r, ok := sources[path]; ok {
			return r, nil
		}
		fd, ok, err := builtinFile(path)
		if err != nil {
			return protocompile.SearchResult{}, fmt.Errorf("bundled %s: %w", path, err)
		}
		if ok {
			return protocompile.SearchResult{Desc: fd}, nil
		}
		if strings.HasPrefix(path, "google/protobuf/") {
			// Left to the standard imports.
			return protocompile.SearchResult{}, fmt.Errorf("%w: %q", ErrUnknownImport, path)
		}
		if IsKnownDependency(path) {
			return protocompile.SearchResult{}, fmt.Errorf("%w: %q is a builtin this library does not bundle; register it and reference it", ErrUnknownImport, path)
		}
		return protocompile.SearchResult{}, fmt.Errorf("%w: %q", ErrUnknownImport, path)
	}))
	c := protocompile.Compiler{Resolver: resolver, MaxParallelism: 1}
	files, err := compileSafely(&c, root)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	return files[0], nil
}

// compileSafely runs the compiler, turning a panic on hostile input into an
// error.
func compileSafely(c *protocompile.Compiler, root string) (files linker.Files, err error) {
	defer func() {
		if r := recover(); r != nil {
			files, err = nil, fmt.Errorf("compiler panic: %v", r)
		}
	}()
	return c.Compile(bgContext, root)
}

// load checks one file of a compilation against the budget and returns
// what the compiler reads: a serialized descriptor decoded (and returned,
// for the caller to name), or .proto text scanned.
func (b *budget) load(name, text string) (protocompile.SearchResult, *descriptorpb.FileDescriptorProto, error) {
	fdp, ok, err := decodeSerialized(text, b.limits.MaxDepth)
	if err != nil {
		return protocompile.SearchResult{}, nil, b.depthError(name)
	}
	if ok {
		return protocompile.SearchResult{Proto: fdp}, fdp, nil
	}
	if err := b.scanText(name, text); err != nil {
		return protocompile.SearchResult{}, nil, err
	}
	return protocompile.SearchResult{Source: strings.NewReader(text)}, nil, nil
}

func (b *budget) depthError(name string) error {
	return &LimitError{Limit: "MaxDepth", Max: b.limits.MaxDepth, File: name}
}

// Message indexes follow Confluent's Java ProtobufSchema, the reference: a
// message's index counts the messages declared before it in its file or
// parent message as the registry's .proto text declares them, enums and
// the synthetic messages of map fields and proto2 groups left out. (Java
// reads registry text with Square Wire, which keeps groups apart from
// nested messages and has no map-entry messages; confluent-kafka-go counts
// both, so it disagrees with Java for a nested message declared after a
// map field or a group; this package sides with Java.)

// declaredMessage reports whether m counts as a message for message
// indexes: it is neither a map entry nor a proto2 group's type.
func declaredMessage(m protoreflect.MessageDescriptor) bool {
	return !m.IsMapEntry() && !isGroupType(m)
}

// isGroupType reports whether m is the type of a proto2 group, which .proto
// text declares with its field ("optional group Item = 1 { ... }") rather
// than as a message. (In editions, delimited fields use ordinary messages.)
func isGroupType(m protoreflect.MessageDescriptor) bool {
	if m.ParentFile().Syntax() == protoreflect.Editions {
		return false
	}
	var fields protoreflect.FieldDescriptors
	var exts protoreflect.ExtensionDescriptors
	switch p := m.Parent().(type) {
	case protoreflect.MessageDescriptor:
		fields, exts = p.Fields(), p.Extensions()
	case protoreflect.FileDescriptor:
		exts = p.Extensions()
	}
	isGroupOf := func(f protoreflect.FieldDescriptor) bool {
		return f.Kind() == protoreflect.GroupKind && f.Message() != nil && f.Message().FullName() == m.FullName()
	}
	if fields != nil {
		for i := 0; i < fields.Len(); i++ {
			if isGroupOf(fields.Get(i)) {
				return true
			}
		}
	}
	for i := 0; exts != nil && i < exts.Len(); i++ {
		if isGroupOf(exts.Get(i)) {
			return true
		}
	}
	return false
}

// messageAt resolves message indexes against fd: the first index picks a
// top-level message, each further one a nested message of the previous. An
// empty path means the first message.
func messageAt(fd protoreflect.FileDescriptor, indexes []int) (protoreflect.MessageDescriptor, error) {
	if len(indexes) == 0 {
		indexes = []int{0}
	}
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for depth, i := range indexes {
		next := nthMessage(msgs, i)
		if next == nil {
			if depth == 0 {
				return nil, fmt.Errorf("%w: message index %d out of range: the schema has %d top-level messages (indexes %v)", ErrUnknownMessage, i, countMessages(msgs), indexes)
			}
			return nil, fmt.Errorf("%w: message index %d out of range: %s has %d nested messages (indexes %v)", ErrUnknownMessage, i, md.FullName(), countMessages(msgs), indexes)
		}
		md = next
		msgs = md.Messages()
	}
	return md, nil
}

// nthMessage returns the i-th declared message of ms, or nil.
func nthMessage(ms protoreflect.MessageDescriptors, i int) protoreflect.MessageDescriptor {
	if i < 0 {
		return nil
	}
	for j := 0; j < ms.Len(); j++ {
		m := ms.Get(j)
		if !declaredMessage(m) {
			continue
		}
		if i == 0 {
			return m
		}
		i--
	}
	return nil
}

func countMessages(ms protoreflect.MessageDescriptors) int {
	n := 0
	for j := 0; j < ms.Len(); j++ {
		if declaredMessage(ms.Get(j)) {
			n++
		}
	}
	return n
}

// messageIndexes returns the path of md in its file: the index of its
// top-level ancestor, then the nested indexes down to md.
func messageIndexes(md protoreflect.MessageDescriptor) []int {
	var rev []int
	var d protoreflect.Descriptor = md
	for {
		idx := 0
		var siblings protoreflect.MessageDescriptors
		switch p := d.Parent().(type) {
		case protoreflect.MessageDescriptor:
			siblings = p.Messages()
		case protoreflect.FileDescriptor:
			siblings = p.Messages()
		}
		if siblings != nil {
			for j := 0; j < d.Index() && j < siblings.Len(); j++ {
				if declaredMessage(siblings.Get(j)) {
					idx++
				}
			}
		}
		rev = append(rev, idx)
		p, ok := d.Parent().(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		d = p
	}
	out := make([]int, len(rev))
	for i, x := range rev {
		out[len(rev)-1-i] = x
	}
	return out
}

// findMessage finds the message named name among fd's messages, nested
// ones included.
func findMessage(fd protoreflect.FileDescriptor, name protoreflect.FullName) (protoreflect.MessageDescriptor, bool) {
	var walk func(ms protoreflect.MessageDescriptors) protoreflect.MessageDescriptor
	walk = func(ms protoreflect.MessageDescriptors) protoreflect.MessageDescriptor {
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			if m.FullName() == name {
				return m
			}
			if strings.HasPrefix(string(name), string(m.FullName())+".") {
				if found := walk(m.Messages()); found != nil {
					return found
				}
			}
		}
		return nil
	}
	md := walk(fd.Messages())
	return md, md != nil
}
