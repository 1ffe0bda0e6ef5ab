package serde_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// rawCodec is a minimal format for testing the core: the body is the
// string's bytes, the schema is the Avro primitive "string" (or a named
// record for record-name strategies).
type rawCodec struct {
	recordName string
	indexes    []int
	encoders   atomic.Int32
	decoders   atomic.Int32
}

type rawEncoder struct{}

func (rawEncoder) AppendEncode(dst []byte, v string) ([]byte, error) {
	if v == "fail" {
		return nil, errors.New("cannot encode fail")
	}
	return append(dst, v...), nil
}

type rawDecoder struct{}

func (rawDecoder) Decode(body []byte, v *string) error { *v = string(body); return nil }

func (c *rawCodec) SchemaType() registry.SchemaType { return registry.Avro }
func (c *rawCodec) UsesMessageIndexes() bool        { return c.indexes != nil }
func (c *rawCodec) SchemaKey(string) any            { return nil }
func (c *rawCodec) Schema(context.Context, string) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: `"string"`}}}, c.recordName, nil
}
func (c *rawCodec) Encoder(context.Context, *serde.ResolvedSchema, string) (serde.Encoder[string], []int, error) {
	c.encoders.Add(1)
	return rawEncoder{}, c.indexes, nil
}
func (c *rawCodec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return c.recordName, nil }
func (c *rawCodec) Decoder(context.Context, *serde.ResolvedSchema, []int, *serde.ResolvedSchema) (serde.Decoder[string], error) {
	c.decoders.Add(1)
	return rawDecoder{}, nil
}

const guid1 = "6db60d7f-ee4a-46f5-9857-ce8458e2a78f"

// fixture serves a registry holding `"string"` as id 7 under several
// subjects, and counts the requests it answers.
func fixture(t testing.TB) (*registry.Client, *atomic.Int32) {
	t.Helper()
	v := &vectortest.Vector{Name: "core"}
	for i, subject := range []string{"orders-value", "orders-key", "io.example.Order", "orders-io.example.Order"} {
		s := registry.SubjectSchema{Subject: subject, Version: 1, ID: 7, GUID: guid1, Schema: registry.Schema{Schema: `"string"`}}
		_ = i
		v.Registry = append(v.Registry, vectortest.Registered{SubjectSchema: s})
	}
	client, count := vectortest.ServeCounting(t, v)
	return client, count
}

func TestSerializeRoundTripPlacements(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	cases := []struct {
		name      string
		placement serde.IDPlacement
		prefix    []byte
		header    bool
	}{
		{"payload id", serde.PayloadID, []byte{0, 0, 0, 0, 7}, false},
		{"payload guid", serde.PayloadGUID, append([]byte{1}, mustGUID(t)...), false},
		{"header guid", serde.HeaderGUID, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			codec := &rawCodec{}
			ser, err := serde.NewSerializer[string](client, serde.Value, codec, serCfg(serde.WithPlacement(c.placement)))
			if err != nil {
				t.Fatal(err)
			}
			payload, headers, err := ser.Serialize(ctx, "orders", "hello")
			if err != nil {
				t.Fatal(err)
			}
			if want := append(append([]byte{}, c.prefix...), "hello"...); !bytes.Equal(payload, want) {
				t.Fatalf("payload %x, want %x", payload, want)
			}
			if c.header != (len(headers) == 1) {
				t.Fatalf("headers %v", headers)
			}
			if c.header {
				if headers[0].Key != "__value_schema_id" || !bytes.Equal(headers[0].Value, append([]byte{1}, mustGUID(t)...)) {
					t.Fatalf("header %s=%x", headers[0].Key, headers[0].Value)
				}
			}
			de, err := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
			if err != nil {
				t.Fatal(err)
			}
			got, err := de.Deserialize(ctx, "orders", payload, headers)
			if err != nil || got != "hello" {
				t.Fatalf("Deserialize = %q, %v", got, err)
			}
		})
	}
}

func mustGUID(t testing.TB) []byte {
	g, err := serde.ParseGUID(guid1)
	if err != nil {
		t.Fatal(err)
	}
	return g[:]
}

func TestSubjectNameStrategies(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		part     serde.Part
		strategy serde.SubjectNameStrategy
		want     string
	}{
		{"topic value", serde.Value, serde.TopicNameStrategy, "orders-value"},
		{"topic key", serde.Key, serde.TopicNameStrategy, "orders-key"},
		{"record", serde.Value, serde.RecordNameStrategy, "io.example.Order"},
		{"topic record", serde.Key, serde.TopicRecordNameStrategy, "orders-io.example.Order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.strategy(ctx, "orders", c.part, "io.example.Order")
			if err != nil || got != c.want {
				t.Fatalf("strategy = %q, %v; want %q", got, err, c.want)
			}
			// The serializer looks the schema up under that subject: the
			// fixture registry only has these four subjects.
			client, _ := fixture(t)
			ser, err := serde.NewSerializer[string](client, c.part, &rawCodec{recordName: "io.example.Order"},
				serCfg(serde.AutoRegister(false), serde.WithSubjectNameStrategy(c.strategy)))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := ser.Serialize(ctx, "orders", "x"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := serde.RecordNameStrategy(ctx, "orders", serde.Value, ""); err == nil {
		t.Error("record name strategy accepted a schema without a name")
	}
}

func TestUnknownSubjectFailsWithoutAutoRegister(t *testing.T) {
	client, _ := fixture(t)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.AutoRegister(false)))
	_, _, err := ser.Serialize(context.Background(), "payments", "x")
	if !errors.Is(err, registry.ErrSubjectNotFound) && !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestTombstones(t *testing.T) {
	ctx := context.Background()
	client, count := fixture(t)
	ser, _ := serde.NewSerializer[*string](client, serde.Value, ptrCodec{}, serCfg())
	payload, headers, err := ser.Serialize(ctx, "orders", nil)
	if payload != nil || headers != nil || err != nil {
		t.Fatalf("tombstone serialized to %x %v %v", payload, headers, err)
	}
	de, _ := serde.NewDeserializer[*string](client, serde.Value, ptrCodec{}, deserCfg())
	v, err := de.Deserialize(ctx, "orders", nil, nil)
	if v != nil || err != nil {
		t.Fatalf("tombstone deserialized to %v %v", v, err)
	}
	if n := count.Load(); n != 0 {
		t.Fatalf("tombstones made %d registry requests", n)
	}
}

type ptrCodec struct{}

func (ptrCodec) SchemaType() registry.SchemaType { return registry.Avro }
func (ptrCodec) UsesMessageIndexes() bool        { return false }
func (ptrCodec) SchemaKey(*string) any           { return nil }
func (ptrCodec) Schema(context.Context, *string) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: `"string"`}}}, "", nil
}
func (ptrCodec) Encoder(context.Context, *serde.ResolvedSchema, *string) (serde.Encoder[*string], []int, error) {
	return nil, nil, errors.New("unused")
}
func (ptrCodec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "", nil }
func (ptrCodec) Decoder(context.Context, *serde.ResolvedSchema, []int, *serde.ResolvedSchema) (serde.Decoder[*string], error) {
	return nil, errors.New("unused")
}

func TestDeserializeErrors(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	cases := []struct {
		name    string
		payload []byte
		headers []serde.Header
		want    []error
	}{
		{"empty", []byte{}, nil, []error{serde.ErrTruncated}},
		{"plain json", []byte(`{"a":1}`), nil, []error{serde.ErrUnknownMagicByte}},
		{"truncated id", []byte{0, 0, 0}, nil, []error{serde.ErrTruncated}},
		{"unknown id", []byte{0, 0, 0, 0, 99, 'x'}, nil, []error{serde.ErrUnknownSchema, registry.ErrSchemaNotFound}},
		{"unknown guid header", []byte("x"), []serde.Header{{Key: "__value_schema_id", Value: append([]byte{1}, make([]byte, 16)...)}}, []error{serde.ErrUnknownSchema, registry.ErrSchemaNotFound}},
		{"bad header", []byte{0, 0, 0, 0, 7, 'x'}, []serde.Header{{Key: "__value_schema_id", Value: []byte{9}}}, []error{serde.ErrUnknownMagicByte}},
		{"header with trailing bytes", []byte("x"), []serde.Header{{Key: "__value_schema_id", Value: append(append([]byte{1}, make([]byte, 16)...), 0)}}, []error{serde.ErrMalformedHeader}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := de.Deserialize(ctx, "orders", c.payload, c.headers)
			for _, want := range c.want {
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want errors.Is %v", err, want)
				}
			}
			var use *serde.UnknownSchemaError
			if errors.Is(err, serde.ErrUnknownSchema) && !errors.As(err, &use) {
				t.Fatalf("unknown schema error is not a *UnknownSchemaError: %T", err)
			}
		})
	}
	// The key header is not the value header: a value deserializer ignores it.
	got, err := de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 7, 'o', 'k'}, []serde.Header{{Key: "__key_schema_id", Value: []byte{9}}})
	if err != nil || got != "ok" {
		t.Fatalf("got %q %v", got, err)
	}
}

func TestEncodeErrorIsReturned(t *testing.T) {
	client, _ := fixture(t)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg())
	buf := append(make([]byte, 0, 64), "kept"...)
	got, _, err := ser.AppendSerialize(context.Background(), buf, "orders", "fail")
	if err == nil {
		t.Fatal("encode error swallowed")
	}
	if string(got) != "kept" {
		t.Fatalf("on error AppendSerialize returned %q, want the caller's buffer as given", got)
	}
	if _, _, err := ser.Serialize(context.Background(), "orders", "ok"); err != nil {
		t.Fatalf("a failed record poisoned the serializer: %v", err)
	}
}

func TestMessageIndexesFramed(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	codec := &rawCodec{indexes: []int{2, 1, 0}}
	ser, _ := serde.NewSerializer[string](client, serde.Value, codec, serCfg())
	payload, _, err := ser.Serialize(ctx, "orders", "m")
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'm'}; !bytes.Equal(payload, want) {
		t.Fatalf("payload %x want %x", payload, want)
	}
	de, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
	got, err := de.Deserialize(ctx, "orders", payload, nil)
	if err != nil || got != "m" {
		t.Fatalf("got %q %v", got, err)
	}
	// A different index path is a different message type: a second decoder.
	if _, err := de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 7, 0, 'n'}, nil); err != nil {
		t.Fatal(err)
	}
	if n := codec.decoders.Load(); n != 2 {
		t.Fatalf("%d decoders built, want 2", n)
	}
}

func TestConcurrentFirstUseBuildsOnce(t *testing.T) {
	ctx := context.Background()
	client, count := fixture(t)
	codec := &rawCodec{}
	ser, _ := serde.NewSerializer[string](client, serde.Value, codec, serCfg())
	de, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			msg := fmt.Sprint("m", i)
			p, _, err := ser.Serialize(ctx, "orders", msg)
			if err == nil {
				var got string
				got, err = de.Deserialize(ctx, "orders", p, nil)
				if err == nil && got != msg {
					err = fmt.Errorf("got %q want %q", got, msg)
				}
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := codec.encoders.Load(); n != 1 {
		t.Errorf("%d encoders built, want 1", n)
	}
	if n := codec.decoders.Load(); n != 1 {
		t.Errorf("%d decoders built, want 1", n)
	}
	if n := count.Load(); n > 2 {
		t.Errorf("%d registry requests, want at most 2 (register once, schema by id once)", n)
	}
}

func TestWarmPathAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	client, count := fixture(t)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg())
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	buf := make([]byte, 0, 64)
	payload, _, err := ser.AppendSerialize(ctx, buf, "orders", "warm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := de.Deserialize(ctx, "orders", payload, nil); err != nil {
		t.Fatal(err)
	}
	before := count.Load()
	var sink string
	allocs := testing.AllocsPerRun(100, func() {
		p, _, err := ser.AppendSerialize(ctx, buf[:0], "orders", "warm")
		if err != nil {
			t.Fatal(err)
		}
		if err := de.DeserializeInto(ctx, "orders", p, nil, &sink); err != nil {
			t.Fatal(err)
		}
	})
	// rawDecoder's string(body) is the only allocation.
	if allocs > 1 {
		t.Errorf("warm serialize+deserialize allocates %v times, want at most 1 (the decoded string)", allocs)
	}
	if count.Load() != before {
		t.Errorf("warm path made %d registry requests", count.Load()-before)
	}
}

func TestWrongSchemaType(t *testing.T) {
	client, _ := fixture(t)
	de, _ := serde.NewDeserializer[string](client, serde.Value, jsonCodec{&rawCodec{}}, deserCfg())
	_, err := de.Deserialize(context.Background(), "orders", []byte{0, 0, 0, 0, 7, 'x'}, nil)
	if !errors.Is(err, serde.ErrWrongSchemaType) {
		t.Fatalf("err = %v", err)
	}
}

// TestSerializerWrongSchemaType: a serializer told to write with a
// registered schema of another format says so instead of handing its text
// to the codec.
func TestSerializerWrongSchemaType(t *testing.T) {
	client, _ := fixture(t)
	for _, opt := range []serde.SerializerOption{serde.UseSchemaID(7), serde.UseLatest()} {
		s, err := serde.NewSerializer[string](client, serde.Value, jsonCodec{&rawCodec{}}, serCfg(opt))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Serialize(context.Background(), "orders", "x"); !errors.Is(err, serde.ErrWrongSchemaType) {
			t.Errorf("err = %v", err)
		}
	}
}

// jsonCodec claims to read JSON Schema data; the fixture only holds Avro.
type jsonCodec struct{ *rawCodec }

func (jsonCodec) SchemaType() registry.SchemaType { return registry.JSON }

// serCfg builds the settings of a test serializer (the test codecs write
// Avro).
func serCfg(opts ...serde.SerializerOption) serde.SerializerConfig {
	c, err := serde.NewSerializerConfig(registry.Avro, opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// deserCfg builds the settings of a test deserializer.
func deserCfg(opts ...serde.DeserializerOption) serde.DeserializerConfig {
	c, err := serde.NewDeserializerConfig(registry.Avro, opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// TestFastPathHonoursHeaders: after a message of schema 7, a message whose
// payload names schema 7 again but which carries a schema-ID header is read
// by the header (here a malformed one: an error, not the payload's schema).
func TestFastPathHonoursHeaders(t *testing.T) {
	client, _ := fixture(t)
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	payload := []byte{0, 0, 0, 0, 7, 'x'}
	for range 2 {
		if v, err := de.Deserialize(context.Background(), "orders", payload, nil); err != nil || v != "x" {
			t.Fatalf("%q %v", v, err)
		}
	}
	bad := []serde.Header{{Key: serde.ValueSchemaIDHeader, Value: []byte{9}}}
	if _, err := de.Deserialize(context.Background(), "orders", payload, bad); err == nil {
		t.Fatal("a schema-ID header was ignored")
	}
	if v, err := de.Deserialize(context.Background(), "orders", []byte{0, 0, 0, 0, 0, 'x'}, nil); err == nil {
		t.Fatalf("schema ID 0 read as %q", v)
	}
}
