package avro_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// What a serializer registers: the full schema by default, hamba's
// canonical form with CanonicalSchemaText, the normalized form with
// serde.Normalize.

// EvoOrderV1 and EvoOrderV2 are two versions of one struct: V2 adds an
// optional field, the first change a service makes on its second deploy.
type EvoOrderV1 struct {
	ID int64 `avro:"id"`
}

func (EvoOrderV1) AvroName() string { return "com.example.EvoOrder" }

type EvoOrderV2 struct {
	ID   int64   `avro:"id"`
	Note *string `avro:"note"`
}

func (EvoOrderV2) AvroName() string { return "com.example.EvoOrder" }

// TestFirstEvolutionWithDefaults is the regression for issue 11 item 6:
// two struct versions with an added optional field (Note *string, derived
// ["null","string"] with default null) register under BACKWARD with
// default options. Registering hamba's canonical form (the default before,
// and still CanonicalSchemaText) dropped the default, and the registry
// answered 409 READER_FIELD_MISSING_DEFAULT_VALUE.
func TestFirstEvolutionWithDefaults(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	if _, err := client.SetConfig(ctx, "orders-value", registry.Config{CompatibilityLevel: registry.Backward}); err != nil {
		t.Fatal(err)
	}
	b1 := serialize(t, client, "orders", EvoOrderV1{ID: 1})
	note := "leave at the door"
	b2 := serialize(t, client, "orders", EvoOrderV2{ID: 2, Note: &note})
	reg, err := client.LatestSchema(ctx, "orders-value")
	if err != nil {
		t.Fatal(err)
	}
	if reg.Version != 2 {
		t.Errorf("latest version %d, want 2", reg.Version)
	}
	if want := `{"type":"record","name":"EvoOrder","namespace":"com.example","fields":[{"name":"id","type":"long"},` +
		`{"name":"note","type":["null","string"],"default":null}]}`; reg.Schema.Schema != want {
		t.Errorf("registered %s\nwant %s", reg.Schema.Schema, want)
	}
	// Old data through the new struct, new data through the old one.
	if got := deserialize[EvoOrderV2](t, client, "orders", b1, avro.WithSchema(reg.Schema.Schema)); got.ID != 1 || got.Note != nil {
		t.Errorf("v2 reading v1: %+v", got)
	}
	if got := deserialize[EvoOrderV1](t, client, "orders", b2); got.ID != 2 {
		t.Errorf("v1 reading v2: %+v", got)
	}
	got := deserialize[map[string]any](t, client, "orders", b1, serde.UseLatest())
	if got["id"] != int64(1) || got["note"] != nil {
		t.Errorf("latest reading v1: %v", got)
	}

	// With CanonicalSchemaText, as with Confluent's Go serializer, the
	// registry refuses the same change.
	if _, err := client.SetConfig(ctx, "orders2-value", registry.Config{CompatibilityLevel: registry.Backward}); err != nil {
		t.Fatal(err)
	}
	serialize(t, client, "orders2", EvoOrderV1{ID: 1}, avro.CanonicalSchemaText())
	s, err := avro.NewSerializer[EvoOrderV2](client, serde.Value, avro.CanonicalSchemaText())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "orders2", EvoOrderV2{ID: 2}); !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Errorf("with CanonicalSchemaText: %v", err)
	}
}

// TestFullSchemaRegistered: by default the registered schema keeps docs,
// aliases, defaults, logical types and custom properties (confluent:tags);
// CanonicalSchemaText drops them all, as Confluent's Go serializer does.
func TestFullSchemaRegistered(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	schema := `{"type":"record","name":"Patient","namespace":"com.example","doc":"a patient","aliases":["Person"],
	  "fields":[{"name":"id","type":"long","doc":"the key"},
	  {"name":"ssn","type":"string","confluent:tags":["PII"]},
	  {"name":"born","type":{"type":"int","logicalType":"date"}},
	  {"name":"ward","type":["null","string"],"default":null,"aliases":["room"]}]}`
	type patient struct {
		ID   int64     `avro:"id"`
		SSN  string    `avro:"ssn"`
		Born time.Time `avro:"born"`
		Ward *string   `avro:"ward"`
	}
	v := patient{ID: 1, SSN: "123", Born: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)}
	serialize(t, client, "patients", v, avro.WithSchema(schema))
	reg, err := client.LatestSchema(ctx, "patients-value")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"doc":"a patient"`, `"aliases":["Person"]`, `"doc":"the key"`, `"confluent:tags":["PII"]`,
		`"logicalType":"date"`, `"default":null`, `"aliases":["room"]`} {
		if !strings.Contains(reg.Schema.Schema, want) {
			t.Errorf("registered schema lacks %s: %s", want, reg.Schema.Schema)
		}
	}
	serialize(t, client, "patients2", v, avro.WithSchema(schema), avro.CanonicalSchemaText())
	if reg, err = client.LatestSchema(ctx, "patients2-value"); err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"Patient","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"ssn","type":"string"},` +
		`{"name":"born","type":{"type":"int","logicalType":"date"}},{"name":"ward","type":["null","string"]}]}`; reg.Schema.Schema != want {
		t.Errorf("registered with CanonicalSchemaText %s\nwant %s", reg.Schema.Schema, want)
	}
}

// TestNormalizedRegistration registers with normalize=true: the registry
// stores Confluent's normalized text (field orders in upper case, which
// Avro's Java parser accepts and hamba alone would not), and messages read
// back through it.
func TestNormalizedRegistration(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	b := serialize(t, client, "norm", UserV2{ID: 1, Name: "Ada", Email: "a@b"}, avro.WithSchema(userV2), serde.Normalize(true))
	reg, err := client.LatestSchema(ctx, "norm-value")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"com.example.User","type":"record","fields":[{"name":"id","type":"long","order":"ASCENDING"},` +
		`{"name":"name","type":"string","order":"ASCENDING"},{"name":"email","type":"string","order":"ASCENDING","default":"unknown"}]}`
	if reg.Schema.Schema != want {
		t.Errorf("stored %s\nwant %s", reg.Schema.Schema, want)
	}
	if got := deserialize[UserV2](t, client, "norm", b); got != (UserV2{1, "Ada", "a@b"}) {
		t.Errorf("got %+v", got)
	}
	if got := deserialize[map[string]any](t, client, "norm", b, serde.UseLatest()); got["email"] != "a@b" {
		t.Errorf("got %v", got)
	}
}

// TestCanonicalSchemaTextDropsDefaults: with CanonicalSchemaText the
// serializer registers hamba's canonical form, as Confluent's Go
// serializer does, which drops defaults, so adding a field with a default
// is no longer a BACKWARD-compatible change.
func TestCanonicalSchemaTextDropsDefaults(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	serialize(t, client, "u", UserV1{ID: 1, Name: "Ada"}, avro.WithSchema(userV1), avro.CanonicalSchemaText())
	reg, err := client.LatestSchema(ctx, "u-value")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}`; reg.Schema.Schema != want {
		t.Errorf("registered %s", reg.Schema.Schema)
	}
	s, err := avro.NewSerializer[UserV2](client, serde.Value, avro.WithSchema(userV2), avro.CanonicalSchemaText())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "u", UserV2{ID: 2}); !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Errorf("got %v", err)
	}
}
