// Package confluentproto embeds the .proto sources of Confluent's own
// files: confluent/meta.proto (the Meta options that carry docs, params
// and the tags data-contract rules select fields by),
// confluent/type/decimal.proto and confluent/type/variant.proto.
// Confluent's serializers treat them as builtins: schemas import them
// without registering them as references.
//
// The protobuf package compiles these sources privately, when a schema
// first needs them; it links no generated Go code for them, so that
// nothing of Confluent's is registered in protobuf-go's process-wide
// registry, where confluent-kafka-go's generated packages (or a program's
// own copy) register the same files and names. Their go_package names
// confluent-kafka-go's packages, the Go code for these files that a
// program would use.
package confluentproto

import (
	"embed"
	"io/fs"
)

//go:embed confluent/meta.proto confluent/type/*.proto
var files embed.FS

// The bundled files.
const (
	MetaPath    = "confluent/meta.proto"
	DecimalPath = "confluent/type/decimal.proto"
	VariantPath = "confluent/type/variant.proto"
)

// Source returns the .proto text of path (e.g. "confluent/meta.proto").
func Source(path string) (string, bool) {
	b, err := fs.ReadFile(files, path)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Paths lists the bundled files.
func Paths() []string {
	return []string{MetaPath, DecimalPath, VariantPath}
}

// Has reports whether path is one of the bundled files.
func Has(path string) bool {
	switch path {
	case MetaPath, DecimalPath, VariantPath:
		return true
	}
	return false
}
