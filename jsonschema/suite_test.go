package jsonschema

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// The official JSON Schema Test Suite
// (github.com/json-schema-org/JSON-Schema-Test-Suite, MIT licence, see
// testdata/README.md for the commit), drafts 4, 6, 7, 2019-09 and 2020-12
// with their optional tests (but ECMAScript regular expressions: patterns
// are Go regular expressions, RE2 syntax, as Confluent's Go client reads
// them). Every test passes but those listed in
// testdata/json-schema-test-suite-failures.txt, each with the reason.
const (
	suiteArchive  = "testdata/json-schema-test-suite.tar.gz"
	suiteFailures = "testdata/json-schema-test-suite-failures.txt"
)

// suiteDrafts maps the suite's directories to the "$schema" that selects
// the draft.
var suiteDrafts = map[string]string{
	"draft4":       "http://json-schema.org/draft-04/schema#",
	"draft6":       "http://json-schema.org/draft-06/schema#",
	"draft7":       "http://json-schema.org/draft-07/schema#",
	"draft2019-09": "https://json-schema.org/draft/2019-09/schema",
	"draft2020-12": "https://json-schema.org/draft/2020-12/schema",
}

type suiteCase struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// loadSuite returns the suite's test files and remote schemas by path.
func loadSuite(t *testing.T) (tests, remotes map[string][]byte) {
	t.Helper()
	f, err := os.Open(suiteArchive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tests, remotes = map[string][]byte{}, map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(name, "tests/"):
			tests[strings.TrimPrefix(name, "tests/")] = b
		case strings.HasPrefix(name, "remotes/"):
			remotes[strings.TrimPrefix(name, "remotes/")] = b
		}
	}
	return tests, remotes
}

// withDraft selects draft for a schema that does not name one.
func withDraft(schema json.RawMessage, uri string) string {
	s := strings.TrimSpace(string(schema))
	if !strings.HasPrefix(s, "{") || strings.Contains(s, `"$schema"`) {
		return s
	}
	rest := strings.TrimSpace(s[1:])
	if rest == "}" {
		return `{"$schema":"` + uri + `"}`
	}
	return `{"$schema":"` + uri + `",` + rest
}

// suiteDeps returns the remote schemas text mentions (the suite serves them
// at http://localhost:1234/), and those they mention in turn.
func suiteDeps(text string, remotes map[string][]byte) []compat.Dependency {
	var deps []compat.Dependency
	seen := map[string]bool{}
	queue := []string{text}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for name, b := range remotes {
			if seen[name] || !strings.Contains(cur, path.Base(name)) {
				continue
			}
			seen[name] = true
			deps = append(deps, compat.Dependency{Name: "http://localhost:1234/" + name, Subject: name, Version: 1,
				Schema: registry.Schema{Schema: string(b), SchemaType: registry.JSON}})
			queue = append(queue, string(b))
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return deps
}

// suiteValidate validates a test's data, given as JSON text, as a
// deserializer does.
func suiteValidate(s *Schema, data []byte) error { return s.ValidateJSON(data) }

// annotationOnly reports whether a test file checks format assertions in
// 2019-09 or 2020-12, where "format" is an annotation: like
// santhosh-tekuri/jsonschema and Confluent's clients by default, srkit
// asserts formats only up to draft-07.
func annotationOnly(name string) bool {
	return strings.HasPrefix(name, "draft2019-09/optional/format/") || strings.HasPrefix(name, "draft2020-12/optional/format/")
}

// runSuite runs every test and returns the IDs of those that fail, with why.
func runSuite(t *testing.T) map[string]string {
	tests, remotes := loadSuite(t)
	failed := map[string]string{}
	names := make([]string, 0, len(tests))
	for name := range tests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		uri := suiteDrafts[strings.SplitN(name, "/", 2)[0]]
		if uri == "" || annotationOnly(name) {
			continue
		}
		var cases []suiteCase
		if err := json.Unmarshal(tests[name], &cases); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, c := range cases {
			text := withDraft(c.Schema, uri)
			s, perr := Parse(text, suiteDeps(text, remotes)...)
			for _, tc := range c.Tests {
				id := name + ": " + c.Description + ": " + tc.Description
				if perr != nil {
					failed[id] = "parse: " + perr.Error()
					continue
				}
				err := suiteValidate(s, tc.Data)
				var ve *ValidationError
				switch {
				case err == nil && !tc.Valid:
					failed[id] = "accepted an invalid instance"
				case err != nil && tc.Valid:
					failed[id] = "rejected a valid instance: " + err.Error()
				case err != nil && !errors.As(err, &ve):
					failed[id] = "not a *ValidationError: " + err.Error()
				}
			}
		}
	}
	return failed
}

// readFailures reads the known failures: one test ID a line, then " # "
// and the reason.
func readFailures(t *testing.T) map[string]bool {
	f, err := os.Open(suiteFailures)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, _, _ := strings.Cut(line, " # ")
		known[id] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}

// TestJSONSchemaTestSuite runs the official test suite. A test that fails
// and is not a known failure is a regression; a known failure that passes
// must be taken off the list. SRKIT_SUITE_FAILURES=path writes the current
// failures there.
func TestJSONSchemaTestSuite(t *testing.T) {
	failed := runSuite(t)
	if out := os.Getenv("SRKIT_SUITE_FAILURES"); out != "" {
		ids := make([]string, 0, len(failed))
		for id := range failed {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var b bytes.Buffer
		for _, id := range ids {
			b.WriteString(id + " # " + strings.ReplaceAll(failed[id], "\n", " ") + "\n")
		}
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	known := readFailures(t)
	for id, why := range failed {
		if !known[id] {
			t.Errorf("%s: %s", id, why)
		}
	}
	for id := range known {
		if _, ok := failed[id]; !ok {
			t.Errorf("%s passes now: take it off %s", id, suiteFailures)
		}
	}
}
