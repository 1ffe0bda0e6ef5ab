package protobuf_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// recorder records the schemas a client registers.
type recorder struct {
	mu      sync.Mutex
	schemas []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/versions") && req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		var s registry.Schema
		_ = json.Unmarshal(b, &s)
		r.mu.Lock()
		r.schemas = append(r.schemas, s.Schema)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestMockSerializedFormat(t *testing.T) {
	srv := mockregistry.StartServer(t, mockregistry.WithFormats(protobuf.Format()))
	rec := &recorder{}
	c, err := srv.Client(registry.HTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value, protobuf.RegisterSerialized())
	if err != nil {
		t.Fatal(err)
	}
	order := sampleOrder()
	payload, _, err := s.Serialize(ctx, "ser", order)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.schemas) != 3 {
		t.Fatalf("registered %d schemas, want 3 (two references and the root)", len(rec.schemas))
	}
	for _, text := range rec.schemas {
		if strings.Contains(text, "syntax") {
			t.Errorf("registered text is not a serialized descriptor: %.60q", text)
		}
	}
	for name, opts := range map[string][]serde.DeserializerOption{
		"as stored":        nil,
		"fetch serialized": {protobuf.FetchSerialized()},
	} {
		t.Run(name, func(t *testing.T) {
			for _, dyn := range []bool{false, true} {
				var got proto.Message
				if dyn {
					d, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, opts...)
					if err != nil {
						t.Fatal(err)
					}
					got, err = d.Deserialize(ctx, "ser", payload, nil)
					if err != nil {
						t.Fatal(err)
					}
				} else {
					d, err := protobuf.NewDeserializer[*srkittestpb.OrderPlaced](c, serde.Value, opts...)
					if err != nil {
						t.Fatal(err)
					}
					got, err = d.Deserialize(ctx, "ser", payload, nil)
					if err != nil {
						t.Fatal(err)
					}
				}
				sameMessage(t, got, order)
			}
		})
	}

	// Text registration, serialized fetch.
	ts, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err = ts.Serialize(ctx, "text", order)
	if err != nil {
		t.Fatal(err)
	}
	d, err := protobuf.NewDeserializer[proto.Message](c, serde.Value, protobuf.FetchSerialized())
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "text", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, got, order)
}

func TestMockGUIDHeader(t *testing.T) {
	c := newMock(t)
	s, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced_Line_Discount](c, serde.Value, serde.WithPlacement(serde.HeaderGUID))
	if err != nil {
		t.Fatal(err)
	}
	msg := &srkittestpb.OrderPlaced_Line_Discount{Code: "G", Percent: 1}
	payload, headers, err := s.Serialize(ctx, "guid", msg)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := proto.Marshal(msg)
	if !bytes.Equal(payload, raw) {
		t.Errorf("payload % x, want the bare message % x", payload, raw)
	}
	if len(headers) != 1 || headers[0].Key != serde.ValueSchemaIDHeader {
		t.Fatalf("headers = %v", headers)
	}
	h := headers[0].Value
	if len(h) != 1+16+4 || h[0] != 1 || !bytes.Equal(h[17:], []byte{6, 0, 0, 0}) {
		t.Errorf("header value % x: want magic 1, GUID, indexes 06 00 00 00", h)
	}
	for _, dyn := range []bool{false, true} {
		var got proto.Message
		if dyn {
			d, _ := protobuf.NewDeserializer[proto.Message](c, serde.Value)
			got, err = d.Deserialize(ctx, "guid", payload, headers)
		} else {
			d, _ := protobuf.NewDeserializer[*srkittestpb.OrderPlaced_Line_Discount](c, serde.Value)
			got, err = d.Deserialize(ctx, "guid", payload, headers)
		}
		if err != nil {
			t.Fatal(err)
		}
		sameMessage(t, got, msg)
	}

	// GUID in the payload.
	ps, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced_Line_Discount](c, serde.Value, serde.WithPlacement(serde.PayloadGUID))
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err = ps.Serialize(ctx, "guid", msg)
	if err != nil {
		t.Fatal(err)
	}
	if payload[0] != 1 || !bytes.Equal(payload[17:21], []byte{6, 0, 0, 0}) {
		t.Errorf("payload % x", payload[:21])
	}
	d, _ := protobuf.NewDeserializer[*srkittestpb.OrderPlaced_Line_Discount](c, serde.Value)
	got, err := d.Deserialize(ctx, "guid", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, got, msg)
}

func TestMockSchemaIDAndDeterministic(t *testing.T) {
	c := newMock(t)
	reg, _ := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value)
	first, _, err := reg.Serialize(ctx, "fixed", sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	id := int(first[4])
	subjectsBefore, _ := c.Subjects(ctx)

	// A fixed schema ID: nothing is registered, indexes come from that schema.
	s, err := protobuf.NewSerializer[*srkittestpb.OrderCancelled](c, serde.Value, serde.UseSchemaID(id), protobuf.Deterministic())
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := s.Serialize(ctx, "elsewhere", &srkittestpb.OrderCancelled{OrderId: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if int(p[4]) != id || !bytes.Equal(p[5:7], []byte{2, 2}) {
		t.Errorf("prefix % x, want id %d and indexes 02 02", p[:7], id)
	}
	if after, _ := c.Subjects(ctx); len(after) != len(subjectsBefore) {
		t.Errorf("subjects %v after a fixed-ID serializer, want %v", after, subjectsBefore)
	}

	// Deterministic output: map entries in key order, every time.
	ds, _ := protobuf.NewSerializer[*srkittestpb.OrderPlaced](c, serde.Value, protobuf.Deterministic())
	m := sampleOrder()
	m.Counters = map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8}
	want, _, err := ds.Serialize(ctx, "fixed", m)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if !bytes.Equal(want[6:], body) {
		t.Error("deterministic body differs from proto.MarshalOptions{Deterministic: true}")
	}
	for range 20 {
		got, _, _ := ds.Serialize(ctx, "fixed", m)
		if !bytes.Equal(got, want) {
			t.Fatal("deterministic serializer gave different bytes")
		}
	}
}
