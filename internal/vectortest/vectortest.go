// Package vectortest loads the golden Schema Registry vectors (written by
// Confluent's own Go serializers, see testdata/README in each format package)
// and serves a vector's registry contents over HTTP, so format tests can
// decode a vector's bytes and re-encode its value offline.
package vectortest

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/srkit-go/srkit/registry"
)

// Vector is one golden test case.
type Vector struct {
	Name                string             `json:"name"`
	Description         string             `json:"description"`
	Format              string             `json:"format"`
	Topic               string             `json:"topic"`
	IsKey               bool               `json:"isKey"`
	Subject             string             `json:"subject"`
	SubjectNameStrategy string             `json:"subjectNameStrategy"`
	Serializer          SerializerConfig   `json:"serializer"`
	Deserializer        DeserializerConfig `json:"deserializer"`
	Registry            []Registered       `json:"registry"`
	SubjectConfigs      json.RawMessage    `json:"subjectConfigs"`
	Encryption          json.RawMessage    `json:"encryption"`
	Value               json.RawMessage    `json:"value"`
	PayloadHex          string             `json:"payload_hex"`
	Headers             []Header           `json:"headers"`
	WireSchemaID        WireSchemaID       `json:"wire_schema_id"`
	ExpectedDecoded     json.RawMessage    `json:"expected_decoded"`
}

// SerializerConfig is how Confluent's serializer was configured.
type SerializerConfig struct {
	AutoRegisterSchemas   bool              `json:"autoRegisterSchemas"`
	UseLatestVersion      bool              `json:"useLatestVersion"`
	UseLatestWithMetadata map[string]string `json:"useLatestWithMetadata"`
	EnableValidation      bool              `json:"enableValidation"`
	// SchemaIDSerializer is "prefix-id", "prefix-guid" or "header-guid".
	SchemaIDSerializer string `json:"schemaIdSerializer"`
}

// DeserializerConfig is how Confluent's deserializer was configured.
type DeserializerConfig struct {
	UseLatestVersion      bool              `json:"useLatestVersion"`
	UseLatestWithMetadata map[string]string `json:"useLatestWithMetadata"`
	EnableValidation      bool              `json:"enableValidation"`
}

// Registered is one schema version of the vector's registry.
type Registered struct {
	registry.SubjectSchema
}

// Header is a record header, hex-encoded.
type Header struct {
	Key      string `json:"key"`
	ValueHex string `json:"value_hex"`
}

// WireSchemaID describes where the schema reference is.
type WireSchemaID struct {
	Location       string `json:"location"`
	MagicByte      int    `json:"magicByte"`
	ID             int    `json:"id"`
	GUID           string `json:"guid"`
	MessageIndexes []int  `json:"messageIndexes"`
	BodyOffset     int    `json:"bodyOffset"`
}

// Payload returns the vector's payload bytes.
func (v *Vector) Payload(t testing.TB) []byte {
	t.Helper()
	b, err := hex.DecodeString(v.PayloadHex)
	if err != nil {
		t.Fatalf("%s: payload_hex: %v", v.Name, err)
	}
	return b
}

// HeaderValue returns the value of header key, or nil.
func (v *Vector) HeaderValue(t testing.TB, key string) []byte {
	t.Helper()
	for _, h := range v.Headers {
		if h.Key == key {
			b, err := hex.DecodeString(h.ValueHex)
			if err != nil {
				t.Fatalf("%s: header %s: %v", v.Name, key, err)
			}
			return b
		}
	}
	return nil
}

// NeedsRules reports whether the vector needs the rule engine or encryption
// (a later issue): any registered schema has a rule set, or the vector has
// an encryption block.
func (v *Vector) NeedsRules() bool {
	if v.HasEncryption() {
		return true
	}
	for _, r := range v.Registry {
		if !r.RuleSet.IsEmpty() {
			return true
		}
	}
	return false
}

// HasEncryption reports whether the vector has an encryption block (its
// KMS secret and DEK registry).
func (v *Vector) HasEncryption() bool {
	return len(v.Encryption) > 0 && string(v.Encryption) != "null"
}

// Load reads every *.json vector in dir whose "format" is format.
func Load(t testing.TB, dir, format string) []*Vector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s: %v", dir, err)
	}
	var out []*Vector
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v := new(Vector)
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Format == format {
			out = append(out, v)
		}
	}
	return out
}

// Serve starts an HTTP server holding exactly the vector's registry
// contents (read-only: registering a schema succeeds only if the subject
// already has that exact schema text), and returns a client for it. It
// serves the endpoints serializers and deserializers use: schema by ID and
// GUID, subject versions incl. latest and latest-with-metadata, register and
// lookup.
func Serve(t testing.TB, v *Vector) *registry.Client {
	t.Helper()
	srv := httptest.NewServer(&handler{v: v})
	t.Cleanup(srv.Close)
	c, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type handler struct {
	v  *Vector
	mu sync.Mutex
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range parts {
		parts[i], _ = url.PathUnescape(parts[i])
	}
	switch {
	case len(parts) == 3 && parts[0] == "schemas" && parts[1] == "ids":
		id, _ := strconv.Atoi(parts[2])
		for _, s := range h.v.Registry {
			if s.ID == id {
				writeJSON(w, 200, struct {
					registry.Schema
					GUID string `json:"guid,omitempty"`
				}{s.Schema, s.GUID})
				return
			}
		}
		writeErr(w, 404, 40403, "Schema not found")
	case len(parts) == 3 && parts[0] == "schemas" && parts[1] == "guids":
		for _, s := range h.v.Registry {
			if s.GUID == parts[2] {
				writeJSON(w, 200, struct {
					registry.Schema
					ID int `json:"id"`
				}{s.Schema, s.ID})
				return
			}
		}
		writeErr(w, 404, 40403, "Schema not found")
	case len(parts) == 4 && parts[0] == "subjects" && parts[2] == "versions" && r.Method == http.MethodGet:
		versions := h.versions(parts[1])
		if len(versions) == 0 {
			writeErr(w, 404, 40401, "Subject not found")
			return
		}
		if parts[3] == "latest" || parts[3] == "-1" {
			writeJSON(w, 200, versions[len(versions)-1].SubjectSchema)
			return
		}
		n, _ := strconv.Atoi(parts[3])
		for _, s := range versions {
			if s.Version == n {
				writeJSON(w, 200, s.SubjectSchema)
				return
			}
		}
		writeErr(w, 404, 40402, "Version not found")
	case len(parts) == 3 && parts[0] == "subjects" && parts[2] == "metadata":
		q := r.URL.Query()
		keys, vals := q["key"], q["value"]
		versions := h.versions(parts[1])
		for i := len(versions) - 1; i >= 0; i-- {
			s := versions[i]
			match := s.Metadata != nil
			for j := 0; match && j < len(keys) && j < len(vals); j++ {
				match = s.Metadata.Properties[keys[j]] == vals[j]
			}
			if match {
				writeJSON(w, 200, s.SubjectSchema)
				return
			}
		}
		writeErr(w, 404, 40401, "Subject not found")
	case (len(parts) == 3 && parts[0] == "subjects" && parts[2] == "versions" && r.Method == http.MethodPost) ||
		(len(parts) == 2 && parts[0] == "subjects" && r.Method == http.MethodPost):
		var in registry.Schema
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeErr(w, 422, 42201, err.Error())
			return
		}
		for _, s := range h.versions(parts[1]) {
			if s.Schema.Schema == in.Schema && s.Type() == in.Type() {
				writeJSON(w, 200, s.SubjectSchema)
				return
			}
		}
		writeErr(w, 404, 40403, "Schema not found (vector registries are read-only)")
	default:
		writeErr(w, 404, 404, "not served by the vector registry: "+r.Method+" "+r.URL.Path)
	}
}

func (h *handler) versions(subject string) []Registered {
	var out []Registered
	for _, s := range h.v.Registry {
		if s.Subject == subject {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"error_code": code, "message": msg})
}

// ServeCounting is [Serve] that also counts the requests the server answers.
func ServeCounting(t testing.TB, v *Vector) (*registry.Client, *atomic.Int32) {
	t.Helper()
	count := new(atomic.Int32)
	h := &handler{v: v}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, count
}
