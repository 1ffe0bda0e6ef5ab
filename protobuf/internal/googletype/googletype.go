// Package googletype embeds the .proto sources of Google's common types
// (google/type/*.proto from googleapis), which Confluent's serializers
// bundle as builtins: schemas may import them without registering them as
// references.
package googletype

import (
	"embed"
	"io/fs"
)

//go:embed google/type/*.proto
var files embed.FS

// Source returns the .proto text of path (e.g. "google/type/date.proto").
func Source(path string) (string, bool) {
	b, err := fs.ReadFile(files, path)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Paths lists the bundled files.
func Paths() []string {
	ents, _ := fs.ReadDir(files, "google/type")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, "google/type/"+e.Name())
	}
	return out
}
