package jsonschema_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	invopop "github.com/invopop/jsonschema"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

func TestDeriveSchemaMatchesConfluentGoClient(t *testing.T) {
	// confluent-kafka-go registers json.Marshal(jsonschema.Reflect(msg))
	// with invopop's default reflector.
	want, err := json.Marshal(invopop.Reflect(&Order{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Order](), reflect.TypeFor[*Order]()} {
		got, err := jsonschema.DeriveSchema(typ)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Fatalf("DeriveSchema(%v)\n got %s\nwant %s", typ, got, want)
		}
	}
	// It is valid JSON Schema (2020-12), and Order values validate.
	s, err := jsonschema.Parse(string(want))
	if err != nil {
		t.Fatal(err)
	}
	if s.Draft() != "2020-12" {
		t.Fatalf("draft %s", s.Draft())
	}
	b, _ := json.Marshal(sampleOrder())
	var doc any
	_ = json.Unmarshal(b, &doc)
	if err := s.Validate(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := jsonschema.DeriveSchema(nil); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Fatalf("DeriveSchema(nil) = %v", err)
	}
}

func TestConstructorErrors(t *testing.T) {
	client := newMock(t)
	type withChan struct {
		C chan int `json:"c"`
	}
	type withFunc struct {
		Inner struct{ F func() }
	}
	type hidden struct {
		c chan int //lint:ignore U1000 unexported fields are not encoded
		F func()   `json:"-"`
		N int
	}
	if _, err := jsonschema.NewSerializer[withChan](client, serde.Value); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Errorf("chan field: %v", err)
	}
	if _, err := jsonschema.NewDeserializer[withFunc](client, serde.Value); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Errorf("func field: %v", err)
	}
	if _, err := jsonschema.NewSerializer[map[complex64]int](client, serde.Value); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Errorf("complex map keys: %v", err)
	}
	if _, err := jsonschema.NewDeserializer[error](client, serde.Value); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Errorf("interface with methods: %v", err)
	}
	if _, err := jsonschema.NewSerializer[hidden](client, serde.Value); err != nil {
		t.Errorf("unexported and skipped fields: %v", err)
	}
	if _, err := jsonschema.NewSerializer[Order](client, serde.Value, serde.WithSchema(registry.Avro, `"string"`)); err == nil {
		t.Error("an Avro schema was accepted")
	}
	if _, err := jsonschema.NewSerializer[Order](client, serde.Value, jsonschema.WithSchema(`{"type":`)); !errors.Is(err, jsonschema.ErrInvalidSchema) {
		t.Errorf("malformed schema: %v", err)
	}
}

func TestSerializerEdgeCases(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	const schema = `{"type":"object","properties":{"n":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}}}}`
	s, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	// A nil map is a tombstone.
	if b, _, err := s.Serialize(ctx, "edge", nil); b != nil || err != nil {
		t.Fatalf("Serialize(nil) = %q, %v", b, err)
	}
	// Typed Go values inside a generic map are validated through their JSON
	// form.
	b, _, err := s.Serialize(ctx, "edge", map[string]any{"n": int16(3), "tags": []string{"a"}})
	if err != nil || !strings.HasSuffix(string(b), `{"n":3,"tags":["a"]}`) {
		t.Fatalf("Serialize typed values = %q, %v", b, err)
	}
	if _, _, err := s.Serialize(ctx, "edge", map[string]any{"tags": []int{1}}); !errors.Is(err, jsonschema.ErrInvalid) {
		t.Fatalf("typed slice of the wrong item type = %v", err)
	}
	// Values JSON cannot represent.
	if _, _, err := s.Serialize(ctx, "edge", map[string]any{"n": math.NaN()}); err == nil {
		t.Fatal("NaN was written")
	}
	if _, _, err := s.Serialize(ctx, "edge", map[string]any{"x": make(chan int)}); !errors.Is(err, jsonschema.ErrUnsupportedType) {
		t.Fatalf("chan value = %v", err)
	}
	// Without validation nothing but encoding/json looks at the value.
	lax, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(schema), serde.Validate(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lax.Serialize(ctx, "edge", map[string]any{"n": "not a number"}); err != nil {
		t.Fatal(err)
	}
}

func TestDeserializerModes(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	ser, err := jsonschema.NewSerializer[any](client, serde.Value, jsonschema.WithSchema(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	frame := func(v any) []byte {
		t.Helper()
		b, _, err := ser.Serialize(ctx, "modes", v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	object, array, number := frame(map[string]any{"big": json.Number("12345678901234567890")}), frame([]any{1, "x"}), frame(7)

	da, _ := jsonschema.NewDeserializer[any](client, serde.Value)
	if v, err := da.Deserialize(ctx, "modes", number, nil); err != nil || v != 7.0 {
		t.Fatalf("any(7) = %#v, %v", v, err)
	}
	dm, _ := jsonschema.NewDeserializer[map[string]any](client, serde.Value)
	if m, err := dm.Deserialize(ctx, "modes", object, nil); err != nil || m["big"] != 12345678901234567890.0 {
		t.Fatalf("map = %#v, %v", m, err)
	}
	if _, err := dm.Deserialize(ctx, "modes", array, nil); err == nil {
		t.Fatal("an array was read into a map")
	}
	ds, _ := jsonschema.NewDeserializer[[]any](client, serde.Value)
	if a, err := ds.Deserialize(ctx, "modes", array, nil); err != nil || len(a) != 2 {
		t.Fatalf("slice = %#v, %v", a, err)
	}
	if _, err := ds.Deserialize(ctx, "modes", object, nil); err == nil {
		t.Fatal("an object was read into a slice")
	}
	dt, _ := jsonschema.NewDeserializer[Order](client, serde.Value)
	if _, err := dt.Deserialize(ctx, "modes", number, nil); err == nil || errors.Is(err, jsonschema.ErrMalformed) {
		t.Fatalf("number into a struct = %v, want a type error", err)
	}

	// Malformed bodies behind a valid schema reference.
	for _, body := range []string{``, `{`, `{"a":1} x`, `nul`, "\xff"} {
		payload := append(append([]byte(nil), object[:5]...), body...)
		for name, err := range map[string]error{
			"any":    errOf(da.Deserialize(ctx, "modes", payload, nil)),
			"map":    errOf(dm.Deserialize(ctx, "modes", payload, nil)),
			"struct": errOf(dt.Deserialize(ctx, "modes", payload, nil)),
		} {
			if !errors.Is(err, jsonschema.ErrMalformed) {
				t.Errorf("%s(%q) = %v, want ErrMalformed", name, body, err)
			}
		}
	}
	// A tombstone reads as the zero value.
	if v, err := dt.Deserialize(ctx, "modes", nil, nil); err != nil || !reflect.DeepEqual(v, Order{}) {
		t.Fatalf("tombstone = %+v, %v", v, err)
	}
}

// DeserializeInto gives what Deserialize gives, whatever the value held
// before: fields the message lacks do not keep the previous message's
// values.
func TestDeserializeIntoReusedValue(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	ser, err := jsonschema.NewSerializer[Order](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	note := "leave at the door"
	full := Order{ID: "o-1", Customer: "ada", Items: []LineItem{{SKU: "a", Quantity: 1}, {SKU: "b", Quantity: 2}},
		Labels: map[string]string{"tier": "gold"}, Note: &note}
	sparse := Order{ID: "o-2", Customer: "bob", Items: []LineItem{{SKU: "c", Quantity: 3}}}
	p1, _, err := ser.Serialize(ctx, "reuse", full)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := ser.Serialize(ctx, "reuse", sparse)
	if err != nil {
		t.Fatal(err)
	}
	for _, validate := range []bool{true, false} {
		d, err := jsonschema.NewDeserializer[Order](client, serde.Value, serde.Validate(validate))
		if err != nil {
			t.Fatal(err)
		}
		var o Order
		if err := d.DeserializeInto(ctx, "reuse", p1, nil, &o); err != nil || !reflect.DeepEqual(o, full) {
			t.Fatalf("first = %+v, %v", o, err)
		}
		if err := d.DeserializeInto(ctx, "reuse", p2, nil, &o); err != nil || !reflect.DeepEqual(o, sparse) {
			t.Fatalf("validate=%v: second = %+v, %v; want %+v", validate, o, err, sparse)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// anyFormat accepts any schema text of one type, for registering schemas
// of other formats in the mock.
type anyFormat registry.SchemaType

func (f anyFormat) Type() registry.SchemaType { return registry.SchemaType(f) }
func (f anyFormat) Parse(s string, _ []compat.Dependency) (compat.Schema, error) {
	return anySchema(s), nil
}

type anySchema string

func (s anySchema) Canonical() string                                { return string(s) }
func (s anySchema) Normalized() string                               { return string(s) }
func (s anySchema) CheckRead(compat.Schema, string, string) []string { return nil }

func TestWrongSchemaType(t *testing.T) {
	ctx := context.Background()
	client := newMock(t, mockregistry.WithFormats(jsonschema.Format(), anyFormat(registry.Avro)))
	avro, err := client.Register(ctx, "avro-value", registry.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatal(err)
	}
	s, err := jsonschema.NewSerializer[Order](client, serde.Value, serde.UseSchemaID(avro.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "x", sampleOrder()); !errors.Is(err, serde.ErrWrongSchemaType) {
		t.Fatalf("writing with an Avro schema = %v", err)
	}
	d, _ := jsonschema.NewDeserializer[Order](client, serde.Value)
	if _, err := d.Deserialize(ctx, "x", []byte{0, 0, 0, 0, byte(avro.ID), '{', '}'}, nil); err == nil {
		t.Fatal("read a message written with an Avro schema")
	}
	s, err = jsonschema.NewSerializer[Order](client, serde.Value, serde.UseSchemaID(99))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "x", sampleOrder()); !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Fatalf("unknown schema ID = %v", err)
	}
	if _, err := d.Deserialize(ctx, "x", []byte{0, 0, 0, 0, 42, '{', '}'}, nil); !errors.Is(err, serde.ErrUnknownSchema) {
		t.Fatalf("unknown writer schema = %v", err)
	}
}
