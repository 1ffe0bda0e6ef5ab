package avro

import (
	"bytes"
	"context"
	"encoding/hex"
	"reflect"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// encrypted: the encryption vectors need the file's KMS secret and DEK
// registry; encryption/vectors_avro_test.go decodes them.
const encrypted = "an encryption vector: decoded by encryption/vectors_avro_test.go"

func loadVectors(t *testing.T) []*vectortest.Vector {
	vs := vectortest.Load(t, "testdata/vectors", "AVRO")
	if len(vs) == 0 {
		t.Fatal("no Avro vectors")
	}
	return vs
}

func vectorPart(v *vectortest.Vector) serde.Part {
	if v.IsKey {
		return serde.Key
	}
	return serde.Value
}

func vectorStrategy(t testing.TB, v *vectortest.Vector) serde.SubjectNameStrategy {
	switch v.SubjectNameStrategy {
	case "", "TOPIC":
		return serde.TopicNameStrategy
	case "RECORD":
		return serde.RecordNameStrategy
	case "TOPIC_RECORD":
		return serde.TopicRecordNameStrategy
	}
	t.Fatalf("unknown strategy %q", v.SubjectNameStrategy)
	return nil
}

func vectorDeserOpts(t testing.TB, v *vectortest.Vector) []serde.DeserializerOption {
	opts := []serde.DeserializerOption{serde.WithSubjectNameStrategy(vectorStrategy(t, v))}
	if v.Deserializer.UseLatestVersion {
		opts = append(opts, serde.UseLatest())
	}
	if len(v.Deserializer.UseLatestWithMetadata) > 0 {
		opts = append(opts, serde.UseLatestWithMetadata(v.Deserializer.UseLatestWithMetadata))
	}
	return opts
}

func vectorSerOpts(t testing.TB, v *vectortest.Vector) []serde.SerializerOption {
	opts := []serde.SerializerOption{
		serde.WithSubjectNameStrategy(vectorStrategy(t, v)),
		serde.AutoRegister(v.Serializer.AutoRegisterSchemas),
	}
	if v.Serializer.UseLatestVersion {
		opts = append(opts, serde.UseLatest())
	}
	if len(v.Serializer.UseLatestWithMetadata) > 0 {
		opts = append(opts, serde.UseLatestWithMetadata(v.Serializer.UseLatestWithMetadata))
	}
	switch v.Serializer.SchemaIDSerializer {
	case "prefix-guid":
		opts = append(opts, serde.WithPlacement(serde.PayloadGUID))
	case "header-guid":
		opts = append(opts, serde.WithPlacement(serde.HeaderGUID))
	}
	return opts
}

func vectorHeaders(t testing.TB, v *vectortest.Vector) []serde.Header {
	var hs []serde.Header
	for _, h := range v.Headers {
		hs = append(hs, serde.Header{Key: h.Key, Value: v.HeaderValue(t, h.Key)})
	}
	return hs
}

// writerEntry returns the registry entry the vector's bytes name.
func writerEntry(t testing.TB, v *vectortest.Vector) vectortest.Registered {
	for _, r := range v.Registry {
		if (v.WireSchemaID.GUID != "" && r.GUID == v.WireSchemaID.GUID) || (v.WireSchemaID.GUID == "" && r.ID == v.WireSchemaID.ID) {
			return r
		}
	}
	t.Fatalf("%s: no registry entry for %+v", v.Name, v.WireSchemaID)
	return vectortest.Registered{}
}

// readerEntry returns the registry entry a use-latest deserializer reads
// into, or false.
func readerEntry(t testing.TB, v *vectortest.Vector) (vectortest.Registered, bool) {
	md := v.Deserializer.UseLatestWithMetadata
	if !v.Deserializer.UseLatestVersion && len(md) == 0 {
		return vectortest.Registered{}, false
	}
	var best vectortest.Registered
	found := false
	for _, r := range v.Registry {
		if r.Subject != v.Subject {
			continue
		}
		ok := true
		for k, val := range md {
			ok = ok && r.Metadata != nil && r.Metadata.Properties[k] == val
		}
		if ok && (!found || r.Version > best.Version) {
			best, found = r, true
		}
	}
	if !found {
		t.Fatalf("%s: no reader schema", v.Name)
	}
	return best, true
}

// parseEntry parses a registry entry with its references.
func parseEntry(t testing.TB, v *vectortest.Vector, e vectortest.Registered) *Schema {
	t.Helper()
	var deps []compat.Dependency
	var walk func(refs []registry.Reference)
	walk = func(refs []registry.Reference) {
		for _, ref := range refs {
			for _, r := range v.Registry {
				if r.Subject == ref.Subject && r.Version == ref.Version {
					walk(r.References)
					deps = append(deps, compat.Dependency{Name: ref.Name, Subject: r.Subject, Version: r.Version, Schema: r.Schema})
				}
			}
		}
	}
	walk(e.References)
	s, err := Parse(e.Schema.Schema, deps...)
	if err != nil {
		t.Fatalf("%s: parse schema %d: %v", v.Name, e.ID, err)
	}
	return s
}

// TestVectorsDecode decodes every Avro vector generically and compares it
// with expected_decoded.
func TestVectorsDecode(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if v.HasEncryption() {
				t.Skip(encrypted)
			}
			client := vectortest.Serve(t, v)
			d, err := NewDeserializer[any](client, vectorPart(v), append(vectorDeserOpts(t, v), rules.Standard())...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(context.Background(), v.Topic, v.Payload(t), vectorHeaders(t, v))
			if err != nil {
				t.Fatal(err)
			}
			schema := parseEntry(t, v, writerEntry(t, v))
			if r, ok := readerEntry(t, v); ok {
				schema = parseEntry(t, v, r)
			}
			j, err := toVectorJSON(schema.parsed.schema, got)
			if err != nil {
				t.Fatalf("decoded %#v: %v", got, err)
			}
			jsonEqual(t, j, v.ExpectedDecoded)
		})
	}
}

// TestVectorsReserialize serializes every vector's value generically with
// the vector's settings and compares the bytes and headers.
func TestVectorsReserialize(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if v.HasEncryption() {
				t.Skip(encrypted)
			}
			client := vectortest.Serve(t, v)
			entry := writerEntry(t, v)
			schema := parseEntry(t, v, entry)
			value, err := fromVectorJSON(schema.parsed.schema, decodeJSON(t, v.Value))
			if err != nil {
				t.Fatal(err)
			}
			opts := append(vectorSerOpts(t, v), rules.Standard())
			if !v.Serializer.UseLatestVersion && len(v.Serializer.UseLatestWithMetadata) == 0 {
				opts = append(opts, WithSchema(entry.Schema.Schema, entry.References...))
			}
			s, err := NewSerializer[any](client, vectorPart(v), opts...)
			if err != nil {
				t.Fatal(err)
			}
			checkSerialized(t, v, schema.parsed.schema, func() ([]byte, []serde.Header, error) {
				return s.Serialize(context.Background(), v.Topic, value)
			})
		})
	}
}

// checkSerialized compares what serialize produces with the vector. A value
// holding an Avro map of several entries is written in Go's random map
// order, while the vectors were generated with sorted entries: for those,
// every attempt must decode to the vector's value and one of up to 64
// attempts must match the bytes exactly (a 2-entry map fails that with
// probability 2^-64).
func checkSerialized(t *testing.T, v *vectortest.Vector, schema havro.Schema, serialize func() ([]byte, []serde.Header, error)) {
	t.Helper()
	want := v.Payload(t)
	attempts := 1
	if hasMultiEntryMap(schema, decodeJSON(t, v.Value)) {
		attempts = 64
	}
	var got []byte
	for i := 0; i < attempts; i++ {
		b, hs, err := serialize()
		if err != nil {
			t.Fatal(err)
		}
		checkHeaders(t, v, hs)
		got = b
		if bytes.Equal(b, want) {
			return
		}
		if attempts == 1 {
			break
		}
		if len(b) != len(want) || !bytes.Equal(b[:v.WireSchemaID.BodyOffset], want[:v.WireSchemaID.BodyOffset]) {
			break
		}
	}
	t.Errorf("payload differs\n got: %s\nwant: %s", hex.EncodeToString(got), v.PayloadHex)
}

func checkHeaders(t *testing.T, v *vectortest.Vector, hs []serde.Header) {
	t.Helper()
	want := vectorHeaders(t, v)
	if len(want) == 0 && len(hs) == 0 {
		return
	}
	if !reflect.DeepEqual(hs, want) {
		t.Errorf("headers differ\n got: %+v\nwant: %+v", hs, want)
	}
}

// hasMultiEntryMap reports whether the JSON value holds an Avro map with
// more than one entry.
func hasMultiEntryMap(s havro.Schema, j any) bool {
	switch t := deref(s).(type) {
	case *havro.MapSchema:
		m, _ := j.(map[string]any)
		if len(m) > 1 {
			return true
		}
		for _, e := range m {
			if hasMultiEntryMap(t.Values(), e) {
				return true
			}
		}
	case *havro.RecordSchema:
		m, _ := j.(map[string]any)
		for _, f := range t.Fields() {
			if hasMultiEntryMap(f.Type(), m[f.Name()]) {
				return true
			}
		}
	case *havro.ArraySchema:
		a, _ := j.([]any)
		for _, e := range a {
			if hasMultiEntryMap(t.Items(), e) {
				return true
			}
		}
	case *havro.UnionSchema:
		for _, b := range t.Types() {
			if hasMultiEntryMap(b, j) {
				return true
			}
		}
	}
	return false
}
