package protobuf

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	costbudget "github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb"
	"github.com/srkit-go/srkit/serde"
)

// payloadBudget is what deserializing one payload may cost (the first
// input also compiles the writer schema): proto.Unmarshal allocates a few
// times the payload, dynamic messages some more.
var payloadBudget = costbudget.Budget{AllocBase: 16 << 20, AllocPerByte: 1 << 10, TimeBase: 2 * time.Second, TimePerByte: 10 * time.Microsecond}

// schemaBudget is what parsing one schema text may cost: compiling .proto
// text allocates up to about 1 KiB per token (option values), and the
// limits refuse what would cost more before compiling it.
var schemaBudget = costbudget.Budget{AllocBase: 16 << 20, AllocPerByte: 4 << 10, TimeBase: 2 * time.Second, TimePerByte: 20 * time.Microsecond}

// FuzzDeserialize feeds arbitrary payloads to deserializers (generated and
// dynamic) whose registry holds the multi-message vector's schema: no input
// may panic, indexes that name no message must be errors, and no input may
// go over [payloadBudget].
func FuzzDeserialize(f *testing.F) {
	var v *vectortest.Vector
	for _, x := range vectortest.Load(f, "testdata/vectors", "PROTOBUF") {
		if x.Name == "protobuf_multi_message" {
			v = x
		}
	}
	if v == nil {
		f.Fatal("no protobuf_multi_message vector")
	}
	client := vectortest.Serve(f, v)
	gen, err := NewDeserializer[*catalogpb.Envelope](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	entry, err := NewDeserializer[*catalogpb.Envelope_Batch_Entry](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	dyn, err := NewDeserializer[proto.Message](client, serde.Value)
	if err != nil {
		f.Fatal(err)
	}
	good := v.Payload(f)
	f.Add(good)
	nested, _ := hex.DecodeString("0000000001060402000a07534b552d303432100719000000000000f43f2a0300010230023a0565626f6f6b")
	f.Add(nested)
	for _, idx := range []string{"00", "0206", "0400", "040200", "0404", "08040202", "01", "7f", "06040200", "0202"} {
		b, _ := hex.DecodeString("0000000001" + idx)
		f.Add(append(b, good[7:]...))
	}
	f.Add([]byte{0, 0, 0, 0, 2, 0})
	f.Add([]byte{1})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, payload []byte) {
		var (
			err1, err2, err3 error
			m                proto.Message
		)
		payloadBudget.Check(t, "Deserialize", len(payload), func() {
			_, err1 = gen.Deserialize(ctx, v.Topic, payload, nil)
			_, err2 = entry.Deserialize(ctx, v.Topic, payload, nil)
			m, err3 = dyn.Deserialize(ctx, v.Topic, payload, nil)
		})
		if err3 == nil && m == nil && payload != nil {
			t.Fatal("nil message without error")
		}
		for _, err := range []error{err1, err2, err3} {
			if err != nil && errors.Is(err, serde.ErrUnknownSchema) && len(payload) >= 5 && payload[0] == 0 && payload[4] == 1 && payload[1]|payload[2]|payload[3] == 0 {
				t.Fatalf("schema 1 reported unknown: %v", err)
			}
		}
	})
}

// FuzzMessageAt resolves arbitrary message indexes against the vectors'
// file: a message or ErrUnknownMessage, never a panic.
func FuzzMessageAt(f *testing.F) {
	fd := catalogpb.File_vectors_catalog_catalog_proto
	f.Add([]byte{2, 1, 0})
	f.Add([]byte{0})
	f.Add([]byte{255, 3})
	f.Fuzz(func(t *testing.T, raw []byte) {
		idx := make([]int, len(raw))
		for i, b := range raw {
			idx[i] = int(int8(b))
		}
		md, err := messageAt(fd, idx)
		if err != nil {
			if !errors.Is(err, ErrUnknownMessage) {
				t.Fatalf("%v: %v", idx, err)
			}
			return
		}
		if got := messageIndexes(md); len(idx) > 0 && !equalInts(got, idx) {
			t.Fatalf("indexes %v name %s whose indexes are %v", idx, md.FullName(), got)
		}
	})
}

// FuzzParse compiles arbitrary schema text: an error or a schema, never a
// panic (the mock registry parses whatever clients send), and never more
// than [schemaBudget].
func FuzzParse(f *testing.F) {
	f.Add(`syntax = "proto3"; package p; message M { int32 a = 1; map<string, M> m = 2; oneof o { string s = 3; } }`)
	f.Add(`syntax = "proto2"; message M { required int32 a = 1; extensions 10 to max; } extend M { optional string x = 10; }`)
	f.Add(`syntax = "proto3"; import "google/type/date.proto"; import "confluent/meta.proto"; message M { google.type.Date d = 1 [(confluent.field_meta).tags = "X"]; }`)
	f.Add(`edition = "2023"; message M { int32 a = 1; }`)
	f.Add("CgdkZWZhdWx0")
	f.Add(strings.Repeat("message M {", 40) + strings.Repeat("}", 40))
	f.Add(`option (x) = {a: [{b: <c: 1>}]};`)
	f.Add(nestedDescriptor(70))
	f.Fuzz(func(t *testing.T, text string) {
		schemaBudget.Check(t, "Parse", len(text), func() {
			s, err := Parse(text)
			if err != nil {
				if !errors.Is(err, ErrInvalidSchema) {
					t.Errorf("error does not match ErrInvalidSchema: %v", err)
				}
				return
			}
			_ = s.Canonical()
			_ = s.Normalized()
			_, _ = s.Format("serialized")
			_ = s.CheckRead(s, "new", "old")
		})
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
