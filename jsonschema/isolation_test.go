package jsonschema

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// References that exist on the filesystem or on a reachable server are
// still unresolved: schemas resolve only against themselves and the
// registry's references. (With a loader that read them, both would parse.)
func TestReferencesNeverLeaveTheRegistry(t *testing.T) {
	const target = `{"type":"string"}`
	path := filepath.Join(t.TempDir(), "address.json")
	if err := os.WriteFile(path, []byte(target), 0o600); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write([]byte(target))
	}))
	defer srv.Close()

	for _, ref := range []string{"file://" + filepath.ToSlash(path), srv.URL + "/address.json"} {
		for _, schema := range []string{
			`{"$ref":"` + ref + `"}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"$ref":"` + ref + `"}}}`,
			`{"$id":"` + ref + `","properties":{"a":{"$ref":"other.json"}}}`,
		} {
			if _, err := Parse(schema); !errors.Is(err, ErrInvalidSchema) {
				t.Errorf("Parse(%s) = %v, want ErrInvalidSchema", schema, err)
			}
		}
	}
	// A "$schema" naming a server is refused, not fetched.
	if _, err := Parse(`{"$schema":"` + srv.URL + `/meta.json"}`); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("custom $schema: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server was asked %d times", n)
	}
}
