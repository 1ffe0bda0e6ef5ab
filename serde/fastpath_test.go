package serde_test

import (
	"context"
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
