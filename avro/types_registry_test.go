package avro_test

import (
	"context"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Round trips through the mock registry for the schema shapes that need
// more than one subject or more than one schema: unions of named types,
// references of references, recursive records, enums read with a default.

type Card struct {
	Last4 string `avro:"last4"`
}

type Transfer struct {
	IBAN string `avro:"iban"`
}

type Settlement struct {
	Method any `avro:"method"`
}

const settlementSchema = `{"type":"record","name":"Settlement","namespace":"com.example","fields":[
  {"name":"method","type":["null","string",
    {"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]},
    {"type":"record","name":"Transfer","fields":[{"name":"iban","type":"string"}]}]}]}`

// TestUnionOfRecords writes and reads a union of two records and a
// primitive held in an any field: with WithUnionType as Go structs (the
// bytes Confluent's Go serializer writes after RegisterType), without it as
// generic values.
func TestUnionOfRecords(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	types := []serde.Option{avro.WithUnionType("com.example.Card", Card{}), avro.WithUnionType("com.example.Transfer", Transfer{})}
	s, err := avro.NewSerializer[Settlement](client, serde.Value, append([]serde.SerializerOption{avro.WithSchema(settlementSchema)}, toSer(types)...)...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := avro.NewDeserializer[Settlement](client, serde.Value, toDeser(types)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   Settlement
		body string // after the 5-byte schema reference
	}{
		{Settlement{Method: Transfer{IBAN: "DE1"}}, "0606444531"},
		{Settlement{Method: Card{Last4: "4242"}}, "040834323432"},
		{Settlement{Method: "cash"}, "020863617368"},
		{Settlement{}, "00"},
	} {
		b, _, err := s.Serialize(ctx, "settlements", tc.in)
		if err != nil {
			t.Fatalf("%+v: %v", tc.in, err)
		}
		if got := hex.EncodeToString(b[5:]); got != tc.body {
			t.Errorf("%+v: body %s, want %s", tc.in, got, tc.body)
		}
		got, err := d.Deserialize(ctx, "settlements", b, nil)
		if err != nil || !reflect.DeepEqual(got, tc.in) {
			t.Errorf("read %+v, %v; want %+v", got, err, tc.in)
		}
	}

	// Without the mapping the branch is generic.
	plain, err := avro.NewDeserializer[Settlement](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := s.Serialize(ctx, "settlements", Settlement{Method: Card{Last4: "4242"}})
	got, err := plain.Deserialize(ctx, "settlements", b, nil)
	if want := map[string]any{"com.example.Card": map[string]any{"last4": "4242"}}; err != nil || !reflect.DeepEqual(got.Method, want) {
		t.Errorf("generic branch %#v, %v", got.Method, err)
	}
	ps, err := avro.NewSerializer[Settlement](client, serde.Value, avro.WithSchema(settlementSchema))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ps.Serialize(ctx, "settlements", Settlement{Method: Card{}}); !errors.Is(err, avro.ErrInvalidValue) {
		t.Errorf("struct branch without WithUnionType: %v", err)
	}
	if _, err := avro.NewDeserializer[Settlement](client, serde.Value, avro.WithUnionType("", Card{})); !errors.Is(err, avro.ErrUnsupportedType) {
		t.Errorf("empty name: %v", err)
	}
	if _, err := avro.NewSerializer[Settlement](client, serde.Value, avro.WithUnionType("com.example.Card", nil)); !errors.Is(err, avro.ErrUnsupportedType) {
		t.Errorf("nil example: %v", err)
	}
}

func toSer(opts []serde.Option) []serde.SerializerOption {
	out := make([]serde.SerializerOption, len(opts))
	for i, o := range opts {
		out[i] = o
	}
	return out
}

func toDeser(opts []serde.Option) []serde.DeserializerOption {
	out := make([]serde.DeserializerOption, len(opts))
	for i, o := range opts {
		out[i] = o
	}
	return out
}

type Country struct {
	Code string `avro:"code"`
}

type Address struct {
	Street  string  `avro:"street"`
	Country Country `avro:"country"`
}

type Shopper struct {
	ID   int64   `avro:"id"`
	Home Address `avro:"home"`
}

// TestReferenceOfReference: Shopper references Address (its own subject),
// which references Country (a third subject). Writers and readers resolve
// the chain through the registry: specific, generic, with the reader
// schema given, and with the registered latest.
func TestReferenceOfReference(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	country, err := client.Register(ctx, "com.example.Country",
		registry.Schema{Schema: `{"type":"record","name":"Country","namespace":"com.example","fields":[{"name":"code","type":"string"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	countryRef := registry.Reference{Name: "com.example.Country", Subject: "com.example.Country", Version: country.Version}
	address, err := client.Register(ctx, "com.example.Address", registry.Schema{
		Schema:     `{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"street","type":"string"},{"name":"country","type":"Country"}]}`,
		References: []registry.Reference{countryRef},
	})
	if err != nil {
		t.Fatal(err)
	}
	addressRef := registry.Reference{Name: "com.example.Address", Subject: "com.example.Address", Version: address.Version}
	shopper := `{"type":"record","name":"Shopper","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"home","type":"Address"}]}`

	want := Shopper{ID: 7, Home: Address{Street: "1 Main St", Country: Country{Code: "FR"}}}
	b := serialize(t, client, "shoppers", want, avro.WithSchema(shopper, addressRef))
	latest, err := client.LatestSchema(ctx, "shoppers-value")
	if err != nil || !reflect.DeepEqual(latest.References, []registry.Reference{addressRef}) || latest.ID != int(b[4]) {
		t.Fatalf("registered %+v, %v", latest, err)
	}
	if got := deserialize[Shopper](t, client, "shoppers", b); got != want {
		t.Errorf("specific: %+v", got)
	}
	if got := deserialize[Shopper](t, client, "shoppers", b, avro.WithSchema(shopper, addressRef)); got != want {
		t.Errorf("with the reader schema: %+v", got)
	}
	wantGeneric := map[string]any{"id": int64(7), "home": map[string]any{"street": "1 Main St", "country": map[string]any{"code": "FR"}}}
	if got := deserialize[any](t, client, "shoppers", b); !reflect.DeepEqual(got, wantGeneric) {
		t.Errorf("generic: %#v", got)
	}
	if got := deserialize[any](t, client, "shoppers", b, serde.UseLatest()); !reflect.DeepEqual(got, wantGeneric) {
		t.Errorf("generic, latest: %#v", got)
	}
	// Writing with the registered schema resolves the chain too, and
	// gives the same bytes.
	if got := serialize[any](t, client, "shoppers", wantGeneric, serde.UseLatest()); string(got) != string(b) {
		t.Errorf("use latest wrote %x, want %x", got, b)
	}
	// A reference the registry does not have fails clearly.
	s, err := avro.NewSerializer[Shopper](client, serde.Value,
		avro.WithSchema(shopper, registry.Reference{Name: "com.example.Address", Subject: "nope", Version: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "shoppers", want); !errors.Is(err, registry.ErrSubjectNotFound) {
		t.Errorf("missing reference: %v", err)
	}
}

type Tree struct {
	Label    string `avro:"label"`
	Children []Tree `avro:"children"`
	Next     *Tree  `avro:"next"`
}

func (Tree) AvroName() string { return "com.example.Tree" }

// TestRecursiveThroughRegistry derives, registers and reads back a record
// that contains itself through an array and a nullable field.
func TestRecursiveThroughRegistry(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	want := Tree{Label: "root", Children: []Tree{{Label: "a", Children: []Tree{}}, {Label: "b", Children: []Tree{{Label: "c", Children: []Tree{}}}}},
		Next: &Tree{Label: "sibling", Children: []Tree{}}}
	b := serialize(t, client, "trees", want)
	reg, err := client.LatestSchema(ctx, "trees-value")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reg.Schema.Schema, `"items":"Tree"`) || !strings.Contains(reg.Schema.Schema, `["null","Tree"]`) {
		t.Errorf("registered %s", reg.Schema.Schema)
	}
	if got := deserialize[Tree](t, client, "trees", b); !reflect.DeepEqual(got, want) {
		t.Errorf("specific %+v", got)
	}
	g := deserialize[map[string]any](t, client, "trees", b)
	if next, _ := g["next"].(map[string]any)["com.example.Tree"].(map[string]any); next["label"] != "sibling" || len(g["children"].([]any)) != 2 {
		t.Errorf("generic %#v", g)
	}
}

type Shipment struct {
	State string `avro:"state"`
}

// TestEnumReaderDefault: data written with a symbol the reader lacks reads
// as the reader's default, specifically and generically; a reader without
// a default reads the symbols it knows and rejects the others.
func TestEnumReaderDefault(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	writer := `{"type":"record","name":"Shipment","fields":[{"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","SENT","LOST"]}}]}`
	withDefault := `{"type":"record","name":"Shipment","fields":[{"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","SENT","UNKNOWN"],"default":"UNKNOWN"}}]}`
	noDefault := `{"type":"record","name":"Shipment","fields":[{"name":"state","type":{"type":"enum","name":"State","symbols":["SENT","NEW"]}}]}`
	lost := serialize(t, client, "shipments", Shipment{State: "LOST"}, avro.WithSchema(writer))
	sent := serialize(t, client, "shipments", Shipment{State: "SENT"}, avro.WithSchema(writer))

	if got := deserialize[Shipment](t, client, "shipments", lost, avro.WithSchema(withDefault)); got.State != "UNKNOWN" {
		t.Errorf("specific: %+v", got)
	}
	if got := deserialize[map[string]any](t, client, "shipments", lost, avro.WithSchema(withDefault)); got["state"] != "UNKNOWN" {
		t.Errorf("generic: %v", got)
	}
	if got := deserialize[Shipment](t, client, "shipments", sent, avro.WithSchema(noDefault)); got.State != "SENT" {
		t.Errorf("known symbol, no default: %+v", got)
	}
	d, err := avro.NewDeserializer[Shipment](client, serde.Value, avro.WithSchema(noDefault))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deserialize(ctx, "shipments", lost, nil); !errors.Is(err, avro.ErrInvalidData) {
		t.Errorf("unknown symbol, no default: %v", err)
	}
}

type Tick struct {
	At int64 `avro:"at"`
}

// TestNanosRegistration: hamba, and so Confluent's Go serializer, does not
// know timestamp-nanos; the canonical form it registers drops the logical
// type (CanonicalSchemaText). By default it is registered as written.
func TestNanosRegistration(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	schema := `{"type":"record","name":"Tick","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-nanos"}}]}`
	b := serialize(t, client, "ticks", Tick{At: 1_710_506_096_789_123_456}, avro.WithSchema(schema), avro.CanonicalSchemaText())
	reg, err := client.LatestSchema(ctx, "ticks-value")
	if err != nil || reg.Schema.Schema != `{"type":"record","name":"Tick","fields":[{"name":"at","type":"long"}]}` {
		t.Errorf("registered %s, %v", reg.Schema.Schema, err)
	}
	if got := deserialize[any](t, client, "ticks", b); !reflect.DeepEqual(got, map[string]any{"at": int64(1_710_506_096_789_123_456)}) {
		t.Errorf("generic %#v", got)
	}
	serialize(t, client, "ticks2", Tick{At: 1}, avro.WithSchema(schema))
	if reg, err := client.LatestSchema(ctx, "ticks2-value"); err != nil || !strings.Contains(reg.Schema.Schema, "timestamp-nanos") {
		t.Errorf("registered %s, %v", reg.Schema.Schema, err)
	}
}

// TestRegistryOutage: a serializer or deserializer whose registry is down
// returns the registry's error (not a cached failure, not an unknown
// schema), honours a cancelled context, and works once the registry is
// back.
func TestRegistryOutage(t *testing.T) {
	ctx := context.Background()
	srv := mockregistry.StartServer(t, mockregistry.WithFormats(avro.Format()),
		mockregistry.WithFault(mockregistry.Fault{Status: 503, Times: 1}))
	client, err := registry.New(registry.URLs(srv.URL()), registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	s, err := avro.NewSerializer[UserV1](client, serde.Value, avro.WithSchema(userV1))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "outage", UserV1{ID: 1}); !errors.Is(err, registry.ErrorCode(503)) {
		t.Fatalf("serialize during the outage: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Serialize(cancelled, "outage", UserV1{ID: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("serialize with a cancelled context: %v", err)
	}
	b, _, err := s.Serialize(ctx, "outage", UserV1{ID: 1, Name: "Ada"})
	if err != nil {
		t.Fatalf("serialize after the outage: %v", err)
	}

	srv.Registry.InjectFault(mockregistry.Fault{Status: 503, Times: 1})
	d, err := avro.NewDeserializer[UserV1](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deserialize(ctx, "outage", b, nil); !errors.Is(err, registry.ErrorCode(503)) || errors.Is(err, serde.ErrUnknownSchema) {
		t.Fatalf("deserialize during the outage: %v", err)
	}
	if got, err := d.Deserialize(ctx, "outage", b, nil); err != nil || got != (UserV1{1, "Ada"}) {
		t.Fatalf("deserialize after the outage: %+v, %v", got, err)
	}
}

// TestFixedIDAndLatestWithMetadata writes with a fixed schema ID and with
// the latest version carrying given metadata, and reads into the latest
// version carrying given metadata.
func TestFixedIDAndLatestWithMetadata(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	md := func(major string) *registry.Metadata {
		return &registry.Metadata{Properties: map[string]string{"major": major}}
	}
	v1, err := client.Register(ctx, "meta-value", registry.Schema{Schema: userV1, Metadata: md("1")})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := client.Register(ctx, "meta-value", registry.Schema{Schema: userV2, Metadata: md("2")})
	if err != nil {
		t.Fatal(err)
	}

	// A fixed ID: no registration, the schema as registered.
	b1 := serialize[any](t, client, "meta", map[string]any{"id": int64(1), "name": "Ada"}, serde.UseSchemaID(v1.ID))
	if b1[4] != byte(v1.ID) {
		t.Errorf("written with schema %d, want %d", b1[4], v1.ID)
	}
	// The latest version with major=1 is v1, though v2 is the latest.
	b := serialize(t, client, "meta", UserV2{ID: 2, Name: "Bo", Email: "bo@example.com"}, serde.UseLatestWithMetadata(map[string]string{"major": "1"}))
	if b[4] != byte(v1.ID) {
		t.Errorf("written with schema %d, want %d", b[4], v1.ID)
	}
	if got := deserialize[map[string]any](t, client, "meta", b); !reflect.DeepEqual(got, map[string]any{"id": int64(2), "name": "Bo"}) {
		t.Errorf("read %v", got)
	}
	// Reading v1 data into the latest version with major=2 fills the default.
	if got := deserialize[UserV2](t, client, "meta", b1, serde.UseLatestWithMetadata(map[string]string{"major": "2"})); got != (UserV2{1, "Ada", "unknown"}) {
		t.Errorf("read into major 2: %+v", got)
	}
	if vs, err := client.Versions(ctx, "meta-value"); err != nil || len(vs) != 2 {
		t.Errorf("versions %v, %v: the serializers registered nothing", vs, err)
	}
	// Plain use latest takes v2.
	if b := serialize(t, client, "meta", UserV2{ID: 3}, serde.UseLatest()); b[4] != byte(v2.ID) {
		t.Errorf("use latest wrote with schema %d, want %d", b[4], v2.ID)
	}
}
