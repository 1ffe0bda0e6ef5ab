package protobuf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb"
	"github.com/srkit-go/srkit/serde"
)

// indexedRecord is a message and its indexes in both encodings.
type indexedRecord struct {
	name               string
	msg                proto.Message
	deprecated, zigzag string
	failsWithoutOption bool
}

// deprecatedRecords are records of the catalog schema (Ping [0], Pong [1],
// Envelope [2], Envelope.Batch.Entry [2, 1, 0]) with hand-made message
// indexes in the deprecated unsigned encoding, as confluent-kafka-python
// before 1.8.2 writes them, and in Confluent's zig-zag one.
func deprecatedRecords() []indexedRecord {
	return []indexedRecord{
		{"Ping [0]", &catalogpb.Ping{Id: "p"}, "\x00", "\x00", false},
		{"Pong [1]", &catalogpb.Pong{Id: "q", LatencyMicros: 42}, "\x01\x01", "\x02\x02", true},
		{"Entry [2 1 0]", &catalogpb.Envelope_Batch_Entry{Sku: "SKU-1", Quantity: 3, Labels: []string{"x"}}, "\x03\x02\x01\x00", "\x06\x04\x02\x00", true},
	}
}

// TestUseDeprecatedFormatReads: records with deprecated indexes decode with
// UseDeprecatedFormat (into dynamic and generated messages), and fail
// without it with an error naming the option (they failed with "count -1",
// no option existed).
func TestUseDeprecatedFormatReads(t *testing.T) {
	c := newMock(t)
	reg, err := protobuf.NewSerializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	// Registers the catalog file; its ID prefixes the hand-made records.
	first, _, err := reg.Serialize(ctx, "catalog", &catalogpb.Ping{})
	if err != nil {
		t.Fatal(err)
	}
	prefix := string(first[:5])

	dyn, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, protobuf.UseDeprecatedFormat())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := protobuf.NewDeserializer[proto.Message](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := protobuf.NewDeserializer[*catalogpb.Envelope_Batch_Entry](c, serde.Value, protobuf.UseDeprecatedFormat())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range deprecatedRecords() {
		t.Run(tt.name, func(t *testing.T) {
			body, err := proto.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			record := []byte(prefix + tt.deprecated + string(body))
			got, err := dyn.Deserialize(ctx, "catalog", record, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.ProtoReflect().Descriptor().FullName() != tt.msg.ProtoReflect().Descriptor().FullName() {
				t.Fatalf("decoded a %s", got.ProtoReflect().Descriptor().FullName())
			}
			sameMessage(t, got, tt.msg)

			_, err = plain.Deserialize(ctx, "catalog", record, nil)
			switch {
			case tt.failsWithoutOption && (!errors.Is(err, serde.ErrInvalidMessageIndexes) || !strings.Contains(err.Error(), "protobuf.UseDeprecatedFormat")):
				t.Errorf("without the option: %v, want ErrInvalidMessageIndexes naming protobuf.UseDeprecatedFormat", err)
			case !tt.failsWithoutOption && err != nil:
				t.Errorf("without the option: %v", err)
			}
			// Confluent's encoding is not the option's.
			zig := []byte(prefix + tt.zigzag + string(body))
			if got, err := dyn.Deserialize(ctx, "catalog", zig, nil); tt.failsWithoutOption && err == nil && got.ProtoReflect().Descriptor().FullName() == tt.msg.ProtoReflect().Descriptor().FullName() {
				t.Errorf("zig-zag indexes read as %s with the deprecated option", got.ProtoReflect().Descriptor().FullName())
			}
		})
	}
	body, _ := proto.Marshal(deprecatedRecords()[2].msg)
	got, err := entries.Deserialize(ctx, "catalog", []byte(prefix+"\x03\x02\x01\x00"+string(body)), nil)
	if err != nil || !proto.Equal(got, deprecatedRecords()[2].msg) {
		t.Errorf("generated Entry: %v, %v", got, err)
	}
}

// TestUseDeprecatedFormatWrites: a serializer with UseDeprecatedFormat
// writes the deprecated indexes, byte for byte as the old Python client,
// and its records read back with the option.
func TestUseDeprecatedFormatWrites(t *testing.T) {
	c := newMock(t)
	ser, err := protobuf.NewSerializer[proto.Message](c, serde.Value, protobuf.UseDeprecatedFormat())
	if err != nil {
		t.Fatal(err)
	}
	de, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, protobuf.UseDeprecatedFormat())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range deprecatedRecords() {
		payload, _, err := ser.Serialize(ctx, "catalog", tt.msg)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := proto.Marshal(tt.msg)
		if got := payload[5:]; !bytes.Equal(got, []byte(tt.deprecated+string(body))) {
			t.Errorf("%s: wrote % x, want indexes % x", tt.name, got, tt.deprecated)
		}
		back, err := de.Deserialize(ctx, "catalog", payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameMessage(t, back, tt.msg)
	}
}
