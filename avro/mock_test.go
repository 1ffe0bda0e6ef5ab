package avro_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// startRegistry starts a mock registry over HTTP with the Avro format.
func startRegistry(t testing.TB, opts ...mockregistry.Option) *registry.Client {
	t.Helper()
	srv := mockregistry.StartServer(t, append([]mockregistry.Option{mockregistry.WithFormats(avro.Format())}, opts...)...)
	client, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

type LineItem struct {
	SKU      string  `avro:"sku"`
	Quantity int32   `avro:"quantity"`
	Price    float64 `avro:"price"`
}

type Order struct {
	ID        string            `avro:"id,uuid"`
	Customer  int64             `avro:"customer"`
	Email     string            `avro:"email"`
	Status    string            `avro:"status"`
	Total     float64           `avro:"total"`
	Currency  string            `avro:"currency"`
	CreatedAt time.Time         `avro:"createdAt"`
	Items     []LineItem        `avro:"items"`
	Attrs     map[string]string `avro:"attrs"`
	Note      *string           `avro:"note"`
}

func (Order) AvroName() string { return "com.example.shop.Order" }

func sampleOrder() Order {
	note := "leave at the door"
	return Order{
		ID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Customer: 42, Email: "ada@example.com", Status: "PAID",
		Total: 99.5, Currency: "EUR", CreatedAt: time.Date(2024, 3, 15, 12, 34, 56, 789_000_000, time.UTC),
		Items: []LineItem{{"A-1", 2, 10}, {"B-2", 1, 79.5}}, Attrs: map[string]string{"gift": "yes"}, Note: &note,
	}
}

// TestRoundTripStrategiesAndPlacements serializes through the mock registry
// over HTTP with every subject-name strategy, schema-reference placement
// and record part, then reads the message back specifically and
// generically.
func TestRoundTripStrategiesAndPlacements(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	strategies := map[string]serde.SubjectNameStrategy{
		"topic": serde.TopicNameStrategy, "record": serde.RecordNameStrategy, "topic-record": serde.TopicRecordNameStrategy,
		// The mock registry has no associations: the strategy falls back
		// to TopicNameStrategy.
		"associated": serde.AssociatedNameStrategy(client, "", nil),
		"custom": func(_ context.Context, topic string, part serde.Part, recordName string) (string, error) {
			return "custom." + topic + "." + part.String() + "." + recordName, nil
		},
	}
	subjects := map[string]func(topic string, part serde.Part) string{
		"topic":        func(topic string, part serde.Part) string { return topic + "-" + part.String() },
		"record":       func(string, serde.Part) string { return "com.example.shop.Order" },
		"topic-record": func(topic string, _ serde.Part) string { return topic + "-com.example.shop.Order" },
		"associated":   func(topic string, part serde.Part) string { return topic + "-" + part.String() },
		"custom": func(topic string, part serde.Part) string {
			return "custom." + topic + "." + part.String() + ".com.example.shop.Order"
		},
	}
	placements := map[string]serde.IDPlacement{"payload-id": serde.PayloadID, "payload-guid": serde.PayloadGUID, "header-guid": serde.HeaderGUID}
	for sname, strategy := range strategies {
		for pname, placement := range placements {
			for _, part := range []serde.Part{serde.Key, serde.Value} {
				t.Run(fmt.Sprintf("%s/%s/%s", sname, pname, part), func(t *testing.T) {
					topic := "orders-" + sname + "-" + pname
					s, err := avro.NewSerializer[Order](client, part, serde.WithSubjectNameStrategy(strategy), serde.WithPlacement(placement))
					if err != nil {
						t.Fatal(err)
					}
					payload, headers, err := s.Serialize(ctx, topic, sampleOrder())
					if err != nil {
						t.Fatal(err)
					}
					reg, err := client.LatestSchema(ctx, subjects[sname](topic, part))
					if err != nil {
						t.Fatalf("registered subject: %v", err)
					}
					checkFraming(t, placement, part, reg, payload, headers)

					d, err := avro.NewDeserializer[Order](client, part, serde.WithSubjectNameStrategy(strategy))
					if err != nil {
						t.Fatal(err)
					}
					got, err := d.Deserialize(ctx, topic, payload, headers)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, sampleOrder()) {
						t.Errorf("got  %+v\nwant %+v", got, sampleOrder())
					}
					g, err := avro.NewDeserializer[map[string]any](client, part, serde.WithSubjectNameStrategy(strategy), serde.UseLatest())
					if err != nil {
						t.Fatal(err)
					}
					gv, err := g.Deserialize(ctx, topic, payload, headers)
					if err != nil {
						t.Fatal(err)
					}
					if gv["email"] != "ada@example.com" || len(gv["items"].([]any)) != 2 {
						t.Errorf("generic %v", gv)
					}
				})
			}
		}
	}
}

func checkFraming(t *testing.T, placement serde.IDPlacement, part serde.Part, reg registry.SubjectSchema, payload []byte, headers []serde.Header) {
	t.Helper()
	var ref []byte
	switch placement {
	case serde.PayloadID:
		ref = payload[:5]
		if len(headers) != 0 {
			t.Errorf("headers %v", headers)
		}
		if want := serde.AppendSchemaRef(nil, serde.SchemaRef{Magic: serde.MagicID, ID: reg.ID}); !bytes.Equal(ref, want) {
			t.Errorf("prefix %x, want %x", ref, want)
		}
		return
	case serde.PayloadGUID:
		ref = payload[:17]
	case serde.HeaderGUID:
		if len(headers) != 1 || headers[0].Key != part.SchemaIDHeader() {
			t.Fatalf("headers %v", headers)
		}
		ref = headers[0].Value
	}
	g, err := serde.ParseGUID(reg.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if want := serde.AppendSchemaRef(nil, serde.SchemaRef{Magic: serde.MagicGUID, GUID: g}); !bytes.Equal(ref, want) {
		t.Errorf("reference %x, want %x", ref, want)
	}
}

// Schema evolution, version 1 and the versions that evolve from it.
const (
	userV1 = `{"type":"record","name":"User","namespace":"com.example","fields":[
	  {"name":"id","type":"long"},{"name":"name","type":"string"}]}`
	// v2 adds a field with a default.
	userV2 = `{"type":"record","name":"User","namespace":"com.example","fields":[
	  {"name":"id","type":"long"},{"name":"name","type":"string"},
	  {"name":"email","type":"string","default":"unknown"}]}`
	// v3 removes a field.
	userV3 = `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"}]}`
	// v4 renames name to fullName, with an alias.
	userV4 = `{"type":"record","name":"User","namespace":"com.example","fields":[
	  {"name":"id","type":"long"},{"name":"fullName","type":"string","aliases":["name"]}]}`
)

type UserV1 struct {
	ID   int64  `avro:"id"`
	Name string `avro:"name"`
}

type UserV2 struct {
	ID    int64  `avro:"id"`
	Name  string `avro:"name"`
	Email string `avro:"email"`
}

type UserV3 struct {
	ID int64 `avro:"id"`
}

type UserV4 struct {
	ID       int64  `avro:"id"`
	FullName string `avro:"fullName"`
}

func serialize[T any](t *testing.T, client *registry.Client, topic string, v T, opts ...serde.SerializerOption) []byte {
	t.Helper()
	s, err := avro.NewSerializer[T](client, serde.Value, opts...)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(context.Background(), topic, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deserialize[T any](t *testing.T, client *registry.Client, topic string, b []byte, opts ...serde.DeserializerOption) T {
	t.Helper()
	d, err := avro.NewDeserializer[T](client, serde.Value, opts...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Deserialize(context.Background(), topic, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEvolution registers evolving schemas under BACKWARD compatibility (the
// registry's default) and reads every version's data with every other
// version's reader: Avro resolution on the client, the compatibility checker
// on the registry.
func TestEvolution(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	// Each case evolves version 1 on a topic of its own.
	var topic string
	var b1 []byte
	start := func(t *testing.T, name string) {
		topic = name
		b1 = serialize(t, client, topic, UserV1{ID: 1, Name: "Ada"}, avro.WithSchema(userV1))
	}

	t.Run("add a field with a default", func(t *testing.T) {
		start(t, "users-add")
		b2 := serialize(t, client, topic, UserV2{ID: 2, Name: "Grace", Email: "grace@example.com"},
			avro.WithSchema(userV2))
		// New reader, old data: the default fills the new field.
		if got := deserialize[UserV2](t, client, topic, b1, avro.WithSchema(userV2)); got != (UserV2{1, "Ada", "unknown"}) {
			t.Errorf("v2 reading v1: %+v", got)
		}
		// Old reader, new data: the new field is skipped.
		if got := deserialize[UserV1](t, client, topic, b2, avro.WithSchema(userV1)); got != (UserV1{2, "Grace"}) {
			t.Errorf("v1 reading v2: %+v", got)
		}
		// A generic reader of the latest version.
		got := deserialize[map[string]any](t, client, topic, b1, serde.UseLatest())
		if got["email"] != "unknown" || got["name"] != "Ada" {
			t.Errorf("latest reading v1: %v", got)
		}
	})

	t.Run("remove a field", func(t *testing.T) {
		start(t, "users-remove")
		b3 := serialize(t, client, topic, UserV3{ID: 3}, avro.WithSchema(userV3))
		if got := deserialize[UserV3](t, client, topic, b1, avro.WithSchema(userV3)); got != (UserV3{1}) {
			t.Errorf("v3 reading v1: %+v", got)
		}
		// A reader that needs name (no default) cannot read v3 data:
		// BACKWARD allowed the change, resolution refuses that read.
		d, err := avro.NewDeserializer[UserV2](client, serde.Value, avro.WithSchema(userV2))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Deserialize(ctx, topic, b3, nil); !errors.Is(err, avro.ErrIncompatibleSchemas) {
			t.Errorf("v2 reading v3: %v", err)
		}
	})

	t.Run("rename via alias", func(t *testing.T) {
		start(t, "users-rename")
		serialize(t, client, topic, UserV4{ID: 4, FullName: "Alan"}, avro.WithSchema(userV4))
		if got := deserialize[UserV4](t, client, topic, b1, avro.WithSchema(userV4)); got != (UserV4{1, "Ada"}) {
			t.Errorf("v4 reading v1: %+v", got)
		}
		// The generic latest reader resolves through the alias too.
		got := deserialize[map[string]any](t, client, topic, b1, serde.UseLatest())
		if got["fullName"] != "Ada" {
			t.Errorf("latest reading v1: %v", got)
		}
	})

	t.Run("incompatible change rejected", func(t *testing.T) {
		start(t, "users-incompatible")
		s, err := avro.NewSerializer[map[string]any](client, serde.Value, avro.WithSchema(
			`{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Serialize(ctx, topic, map[string]any{"id": int64(5), "age": 3})
		if !errors.Is(err, registry.ErrIncompatibleSchema) {
			t.Errorf("got %v", err)
		}
	})
}

// TestCompatibilityLevelsThroughRegistry sets each compatibility level on a
// subject and checks what the registry accepts, with the verbose messages
// of the Avro checker.
func TestCompatibilityLevelsThroughRegistry(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		level   registry.CompatibilityLevel
		history []string
		next    string
		ok      bool
		message string
	}{
		{registry.Backward, []string{userV1}, userV2, true, ""},
		{registry.Backward, []string{userV2}, userV1, true, ""},
		{registry.Forward, []string{userV1}, userV2, true, ""},
		{registry.Forward, []string{userV2}, userV3, false, "The field 'name' at path '/fields/1' in the old schema has no default value and is missing in the new schema"},
		{registry.Full, []string{userV1}, userV2, true, ""},
		{registry.Full, []string{userV1}, userV3, false, "READER_FIELD_MISSING_DEFAULT_VALUE"},
		{registry.Backward, []string{userV1, userV3}, userV2, false, "The field 'name' at path '/fields/1' in the new schema has no default value and is missing in the old schema"},
		{registry.BackwardTransitive, []string{userV1, userV2}, userV4, true, ""},
		{registry.ForwardTransitive, []string{userV2, userV1}, userV3, false, "READER_FIELD_MISSING_DEFAULT_VALUE"},
		{registry.FullTransitive, []string{userV1, userV2}, userV4, false, "'fullName'"},
		{registry.None, []string{userV1}, userV3, true, ""},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s", i, tt.level), func(t *testing.T) {
			client := startRegistry(t)
			subject := "s"
			if _, err := client.SetConfig(ctx, subject, registry.Config{CompatibilityLevel: tt.level}); err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.history {
				if _, err := client.Register(ctx, subject, registry.Schema{Schema: h}); err != nil {
					t.Fatalf("history: %v", err)
				}
			}
			res, err := client.CheckCompatibility(ctx, subject, registry.Latest, registry.Schema{Schema: tt.next}, registry.Verbose())
			if err != nil {
				t.Fatal(err)
			}
			_, regErr := client.Register(ctx, subject, registry.Schema{Schema: tt.next})
			if tt.ok {
				if regErr != nil {
					t.Errorf("register: %v", regErr)
				}
			} else if !errors.Is(regErr, registry.ErrIncompatibleSchema) {
				t.Errorf("register: %v", regErr)
			}
			if tt.level == registry.BackwardTransitive || tt.level == registry.ForwardTransitive || tt.level == registry.FullTransitive {
				return // the version-specific check compares with the latest only
			}
			if res.IsCompatible != tt.ok {
				t.Errorf("compatible = %v, messages %q", res.IsCompatible, res.Messages)
			}
			if tt.message != "" && !strings.Contains(strings.Join(res.Messages, "\n"), tt.message) {
				t.Errorf("messages %q lack %q", res.Messages, tt.message)
			}
		})
	}
}

type PostalAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
}

type Customer struct {
	ID   int64         `avro:"id"`
	Home PostalAddress `avro:"home"`
}

// TestReferencesThroughRegistry registers a type under its own subject and
// a schema that references it, serializes with the reference resolved
// through the registry, and reads the message back.
func TestReferencesThroughRegistry(t *testing.T) {
	ctx := context.Background()
	client := startRegistry(t)
	addr := `{"type":"record","name":"PostalAddress","namespace":"com.example","fields":[{"name":"street","type":"string"},{"name":"city","type":"string"}]}`
	reg, err := client.Register(ctx, "com.example.PostalAddress", registry.Schema{Schema: addr})
	if err != nil {
		t.Fatal(err)
	}
	ref := registry.Reference{Name: "com.example.PostalAddress", Subject: "com.example.PostalAddress", Version: reg.Version}
	customer := `{"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"home","type":"PostalAddress"}]}`
	want := Customer{ID: 7, Home: PostalAddress{"1 Main St", "Springfield"}}
	b := serialize(t, client, "customers", want, avro.WithSchema(customer, ref))
	if got := deserialize[Customer](t, client, "customers", b); got != want {
		t.Errorf("got %+v", got)
	}
	if got := deserialize[Customer](t, client, "customers", b, avro.WithSchema(customer, ref)); got != want {
		t.Errorf("with reader schema: got %+v", got)
	}
	latest, err := client.LatestSchema(ctx, "customers-value")
	if err != nil || len(latest.References) != 1 || latest.References[0] != ref {
		t.Errorf("registered %+v, %v", latest, err)
	}
}

// TestGenericAndPrimitiveRoundTrips covers generic values and primitives
// through the registry.
func TestGenericAndPrimitiveRoundTrips(t *testing.T) {
	client := startRegistry(t)
	b := serialize(t, client, "strings", "héllo")
	if got := deserialize[string](t, client, "strings", b); got != "héllo" {
		t.Errorf("string %q", got)
	}
	if got := deserialize[any](t, client, "strings", b); got != "héllo" {
		t.Errorf("any %v", got)
	}
	raw := []byte{0, 1, 2, 0xff}
	b = serialize(t, client, "blobs", raw)
	if !bytes.Equal(b[5:], raw) {
		t.Errorf("bytes not raw: %x", b)
	}
	if got := deserialize[any](t, client, "blobs", b); !bytes.Equal(got.([]byte), raw) {
		t.Errorf("any %v", got)
	}
	b = serialize(t, client, "nums", int64(-7))
	if got := deserialize[int64](t, client, "nums", b); got != -7 {
		t.Errorf("long %d", got)
	}
	schema := `{"type":"map","values":{"type":"array","items":"int"}}`
	b = serialize[any](t, client, "maps", map[string]any{"a": []any{1, 2}}, avro.WithSchema(schema))
	got := deserialize[map[string][]int32](t, client, "maps", b)
	if !reflect.DeepEqual(got, map[string][]int32{"a": {1, 2}}) {
		t.Errorf("map %v", got)
	}
	// A tombstone.
	s, _ := avro.NewSerializer[*Order](client, serde.Value)
	if p, _, err := s.Serialize(context.Background(), "orders", nil); p != nil || err != nil {
		t.Errorf("tombstone %x %v", p, err)
	}
}
