package serde_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/srkit-go/srkit/serde"
)

// pathCodec is rawCodec whose decoders prefix what they decode with the
// message-index path they were built for, so that a test sees which
// decoder read a message.
type pathCodec struct{ rawCodec }

type pathDecoder struct{ path string }

func (d pathDecoder) Decode(body []byte, v *string) error { *v = d.path + string(body); return nil }

func (c *pathCodec) Decoder(_ context.Context, _ *serde.ResolvedSchema, indexes []int, _ *serde.ResolvedSchema) (serde.Decoder[string], error) {
	c.decoders.Add(1)
	return pathDecoder{path: fmt.Sprint(indexes)}, nil
}

// TestFastPathMessageIndexes: the deserializer skips parsing the schema
// reference of a message with the previous message's schema ID and index
// bytes; a message of the same ID with other indexes, or with malformed
// ones, still goes through the parse.
func TestFastPathMessageIndexes(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	codec := &pathCodec{rawCodec{indexes: []int{2, 1, 0}}}
	de, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
	cases := []struct {
		payload []byte
		want    string // "" for an error
	}{
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'm'}, "[2 1 0]m"},
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'm'}, "[2 1 0]m"},
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 2, 'm'}, "[2 1 1]m"},
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 0}, "[2 1 0]"},
		{[]byte{0, 0, 0, 0, 7, 0, 'n'}, "[0]n"},
		{[]byte{0, 0, 0, 0, 7, 0, 'n'}, "[0]n"},
		{[]byte{0, 0, 0, 0, 7, 0}, "[0]"},
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'o'}, "[2 1 0]o"},
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2}, ""},         // truncated indexes
		{[]byte{0, 0, 0, 0, 7, 6, 4, 3, 0, 'm'}, ""}, // a negative index
		{[]byte{0, 0, 0, 0, 7, 0x80, 'm'}, ""},       // a truncated count
		{[]byte{0, 0, 0, 0, 8, 6, 4, 2, 0, 'm'}, ""}, // an unknown schema
		{[]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'p'}, "[2 1 0]p"},
	}
	for i, c := range cases {
		got, err := de.Deserialize(ctx, "orders", c.payload, nil)
		if c.want == "" {
			if err == nil {
				t.Errorf("%d: %x read as %q, want an error", i, c.payload, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%d: %x read as %q (%v), want %q", i, c.payload, got, err, c.want)
		}
	}
	if n := codec.decoders.Load(); n != 3 {
		t.Errorf("%d decoders built, want 3", n)
	}
}

// valueCodec's decoders return new values (serde.ValueDecoder), marked so
// that a test sees which method ran; "bad" bodies fail.
type valueCodec struct{ rawCodec }

type valueDecoder struct{}

func (valueDecoder) Decode(body []byte, v *string) error {
	if string(body) == "bad" {
		return errors.New("bad body")
	}
	*v = "into:" + string(body)
	return nil
}

func (valueDecoder) DecodeValue(body []byte) (string, error) {
	if string(body) == "bad" {
		return "partial", errors.New("bad body")
	}
	return "value:" + string(body), nil
}

func (c *valueCodec) Decoder(context.Context, *serde.ResolvedSchema, []int, *serde.ResolvedSchema) (serde.Decoder[string], error) {
	return valueDecoder{}, nil
}

// TestValueDecoder: Deserialize returns what DecodeValue returns once the
// reader is warm (the first messages of a schema go through Decode),
// DeserializeInto always fills the caller's value, and a failing decode
// gives the zero value and the error on both paths.
func TestValueDecoder(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	de, _ := serde.NewDeserializer[string](client, serde.Value, &valueCodec{}, deserCfg())
	var got string
	for range 3 {
		var err error
		if got, err = de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 7, 'a'}, nil); err != nil || got != "into:a" && got != "value:a" {
			t.Fatalf("%q %v", got, err)
		}
	}
	if got != "value:a" {
		t.Errorf("a warm Deserialize gave %q, want DecodeValue's value", got)
	}
	var v string
	if err := de.DeserializeInto(ctx, "orders", []byte{0, 0, 0, 0, 7, 'b'}, nil, &v); err != nil || v != "into:b" {
		t.Errorf("DeserializeInto: %q %v", v, err)
	}
	if got, err := de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 7, 'b', 'a', 'd'}, nil); err == nil || got != "" {
		t.Errorf("a failed decode gave %q, %v", got, err)
	}
	if got, err := de.Deserialize(ctx, "orders", nil, nil); err != nil || got != "" {
		t.Errorf("a tombstone gave %q, %v", got, err)
	}
}

// FuzzFastPath: after warm (read twice, so that its reader is the last
// one), a deserializer reads payload as a new deserializer, which has no
// fast path to take, does: the same value or an error from both.
func FuzzFastPath(f *testing.F) {
	client, _ := fixture(f)
	codec := &pathCodec{rawCodec{indexes: []int{2, 1, 0}}}
	f.Add([]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'm'}, []byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'n'})
	f.Add([]byte{0, 0, 0, 0, 7, 6, 4, 2, 0, 'm'}, []byte{0, 0, 0, 0, 7, 6, 4, 2})
	f.Add([]byte{0, 0, 0, 0, 7, 0, 'm'}, []byte{0, 0, 0, 0, 7, 0})
	f.Add([]byte{0, 0, 0, 0, 7, 2, 2, 'm'}, []byte{0, 0, 0, 0, 7, 2, 1, 'm'})
	f.Fuzz(func(t *testing.T, warm, payload []byte) {
		de, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
		for range 2 {
			_, _ = de.Deserialize(context.Background(), "orders", warm, nil)
		}
		got, err := de.Deserialize(context.Background(), "orders", payload, nil)
		cold, _ := serde.NewDeserializer[string](client, serde.Value, codec, deserCfg())
		want, coldErr := cold.Deserialize(context.Background(), "orders", payload, nil)
		if (err == nil) != (coldErr == nil) || got != want {
			t.Fatalf("after %x, %x read as %q (%v); a new deserializer reads %q (%v)", warm, payload, got, err, want, coldErr)
		}
	})
}
