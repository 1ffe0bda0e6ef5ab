package jsonschema_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// recursiveAnyOf is the schema of the hardening probe: an array nests
// arrays of itself under anyOf. Validating an n-deep instance of it with
// santhosh-tekuri/jsonschema v5 costs O(n³): 800 levels took 3.6-6.7 s and
// 4.9 GB.
const recursiveAnyOf = `{"anyOf":[{"type":"string"},{"type":"array","items":{"$ref":"#"}}]}`

// nested returns n nested arrays around 1: 800 levels are 1.6 KB.
func nested(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }

func nestedValue(n int) any {
	var v any = 1.0
	for range n {
		v = []any{v}
	}
	return v
}

func wantLimit(t *testing.T, err error, limit string, max int) {
	t.Helper()
	var le *jsonschema.LimitError
	if !errors.As(err, &le) || !errors.Is(err, jsonschema.ErrInvalid) || le.Limit != limit || le.Max != max {
		t.Fatalf("err = %v, want a *LimitError for %s = %d matching ErrInvalid", err, limit, max)
	}
	if !strings.Contains(err.Error(), "jsonschema.WithLimits") {
		t.Errorf("error %q does not name the option that raises the limit", err)
	}
}

// An 800-deep instance of a recursive anyOf is refused before it is
// validated, with a typed error, doing almost no work: a handful of
// allocations where validating it took 4.9 GB.
func TestDeepInstanceRefusedBeforeValidation(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	reg, err := client.Register(ctx, "deep-value", registry.Schema{Schema: recursiveAnyOf, SchemaType: registry.JSON})
	if err != nil {
		t.Fatal(err)
	}
	id := reg.ID
	body := nested(800)
	if len(body) != 1601 {
		t.Fatalf("instance is %d bytes", len(body))
	}
	payload := append([]byte{0, 0, 0, 0, byte(id)}, body...)

	dAny, err := jsonschema.NewDeserializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	dRaw, err := jsonschema.NewDeserializer[json.RawMessage](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ser, err := jsonschema.NewSerializer[any](client, serde.Value, serde.UseSchemaID(id))
	if err != nil {
		t.Fatal(err)
	}
	rawSer, err := jsonschema.NewSerializer[json.RawMessage](client, serde.Value, serde.UseSchemaID(id))
	if err != nil {
		t.Fatal(err)
	}
	value, raw := nestedValue(800), json.RawMessage(body)
	s, err := jsonschema.Parse(recursiveAnyOf)
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Deserialize any": func() error { _, err := dAny.Deserialize(ctx, "deep", payload, nil); return err },
		"Deserialize typed": func() error {
			var out json.RawMessage
			return dRaw.DeserializeInto(ctx, "deep", payload, nil, &out)
		},
		"Serialize []any": func() error { _, _, err := ser.Serialize(ctx, "deep", value); return err },
		"Serialize bytes": func() error { _, _, err := rawSer.Serialize(ctx, "deep", raw); return err },
		"Schema.Validate": func() error { return s.Validate(value) },
	} {
		t.Run(name, func(t *testing.T) {
			wantLimit(t, call(), "MaxDepth", jsonschema.DefaultMaxDepth)
			// Validating it allocated gigabytes; refusing it allocates
			// the error and little else.
			if n := testing.AllocsPerRun(5, func() { _ = call() }); n > 30 {
				t.Errorf("refusing the instance made %.0f allocations", n)
			}
		})
	}
}

// Messages within the limits validate as before; WithLimits raises and
// lowers them, for serializers and deserializers alike.
func TestWithLimits(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	const listSchema = `{"type":"array","items":{"$ref":"#"}}`
	reg, err := client.Register(ctx, "list-value", registry.Schema{Schema: listSchema, SchemaType: registry.JSON})
	if err != nil {
		t.Fatal(err)
	}
	id := reg.ID
	frame := func(body string) []byte { return append([]byte{0, 0, 0, 0, byte(id)}, body...) }

	def, err := jsonschema.NewDeserializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	// At the default depth: accepted; one level deeper: refused.
	if _, err := def.Deserialize(ctx, "list", frame(strings.Repeat("[", jsonschema.DefaultMaxDepth)+strings.Repeat("]", jsonschema.DefaultMaxDepth)), nil); err != nil {
		t.Fatalf("at the depth limit: %v", err)
	}
	if _, err := def.Deserialize(ctx, "list", frame(strings.Repeat("[", jsonschema.DefaultMaxDepth+1)+strings.Repeat("]", jsonschema.DefaultMaxDepth+1)), nil); err == nil {
		t.Fatal("one level over the depth limit was accepted")
	} else {
		wantLimit(t, err, "MaxDepth", jsonschema.DefaultMaxDepth)
	}
	// Brackets inside strings do not count.
	if _, err := def.Deserialize(ctx, "list", frame(`["`+strings.Repeat("[{", 500)+`"]`), nil); err == nil || errors.As(err, new(*jsonschema.LimitError)) {
		t.Fatalf("brackets in a string: %v, want a validation error, not a limit", err)
	}

	deep, err := jsonschema.NewDeserializer[any](client, serde.Value, jsonschema.WithLimits(jsonschema.Limits{MaxDepth: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := deep.Deserialize(ctx, "list", frame(strings.Repeat("[", 900)+strings.Repeat("]", 900)), nil); err != nil {
		t.Fatalf("900 deep with MaxDepth 1000: %v", err)
	}

	small, err := jsonschema.NewDeserializer[any](client, serde.Value, jsonschema.WithLimits(jsonschema.Limits{MaxBytes: 10}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.Deserialize(ctx, "list", frame("[[],[]]"), nil); err != nil {
		t.Fatalf("7 bytes with MaxBytes 10: %v", err)
	}
	_, err = small.Deserialize(ctx, "list", frame("[[],[],[],[]]"), nil)
	wantLimit(t, err, "MaxBytes", 10)

	ser, err := jsonschema.NewSerializer[[]any](client, serde.Value, serde.UseSchemaID(id), jsonschema.WithLimits(jsonschema.Limits{MaxDepth: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ser.Serialize(ctx, "list", []any{[]any{}}); err != nil {
		t.Fatalf("2 deep with MaxDepth 2: %v", err)
	}
	_, _, err = ser.Serialize(ctx, "list", []any{[]any{[]any{}}})
	wantLimit(t, err, "MaxDepth", 2)

	// Without validation nothing is checked (there is no validation to
	// bound).
	lax, err := jsonschema.NewDeserializer[any](client, serde.Value, serde.Validate(false), jsonschema.WithLimits(jsonschema.Limits{MaxBytes: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lax.Deserialize(ctx, "list", frame("[[],[]]"), nil); err != nil {
		t.Fatalf("without validation: %v", err)
	}
}
