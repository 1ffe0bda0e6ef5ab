// Command protogen generates Go code for .proto files without protoc: it
// compiles them with protocompile and runs protoc-gen-go's generator in
// process. The srkit protobuf package uses it for its test types (see the
// generate directives in ../../testpb), the interop module for its own.
//
// Usage:
//
//	protogen -I <proto root>... -module <go module> -out <module dir> [-M file.proto=import/path]... file.proto...
//
// Every named file is generated; its imports are resolved under the proto
// roots (-I is repeatable, searched in order) or among the well-known
// types. Output paths follow each file's Go import path (-M, else its
// go_package) with the module prefix stripped (protoc-gen-go's module=
// option).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

func main() {
	var roots listFlag
	flag.Var(&roots, "I", "proto import root (repeatable; default .)")
	module := flag.String("module", "", "Go module path stripped from output paths")
	out := flag.String("out", ".", "output directory (the module's root)")
	var maps listFlag
	flag.Var(&maps, "M", "file.proto=go/import/path: the Go package of a file without go_package (repeatable)")
	flag.Parse()
	if len(roots) == 0 {
		roots = listFlag{"."}
	}
	if err := run(roots, *module, *out, maps, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "protogen:", err)
		os.Exit(1)
	}
}

// listFlag collects the values of a repeatable flag (-I, -M).
type listFlag []string

func (m *listFlag) String() string     { return strings.Join(*m, ",") }
func (m *listFlag) Set(v string) error { *m = append(*m, v); return nil }

func run(roots []string, module, out string, maps []string, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("no .proto files named")
	}
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: roots}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	compiled, err := c.Compile(context.Background(), files...)
	if err != nil {
		return err
	}
	// The request lists every file in dependency order.
	var all []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		for i := 0; i < imps.Len(); i++ {
			add(imps.Get(i).FileDescriptor)
		}
		all = append(all, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range compiled {
		add(f)
	}
	param := "module=" + module
	if module == "" {
		param = "paths=import"
	}
	for _, m := range maps {
		param += ",M" + m
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: files,
		Parameter:      proto.String(param),
		ProtoFile:      all,
	}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		return err
	}
	for _, f := range gen.Files {
		if f.Generate {
			gengo.GenerateFile(gen, f)
		}
	}
	gen.SupportedFeatures = gengo.SupportedFeatures
	gen.SupportedEditionsMinimum = gengo.SupportedEditionsMinimum
	gen.SupportedEditionsMaximum = gengo.SupportedEditionsMaximum
	resp := gen.Response()
	if resp.Error != nil {
		return fmt.Errorf("%s", resp.GetError())
	}
	for _, f := range resp.File {
		path := filepath.Join(out, filepath.FromSlash(f.GetName()))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(f.GetContent()), 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
