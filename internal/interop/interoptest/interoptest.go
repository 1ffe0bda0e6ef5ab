// Helpers shared by the serde interop tests (avro_*_test.go,
// protobuf_*_test.go, jsonschema_test.go): one mock registry over HTTP,
// with Confluent's client and srkit's client both talking to it, and
// conversions between the two clients' record headers.
package interop

import (
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	srserde "github.com/srkit-go/srkit/serde"
)

// confluentClient returns Confluent's registry client for url.
func confluentClient(t *testing.T, url string) schemaregistry.Client {
	t.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// bothClients starts the mock registry (with srkit's real formats) over
// HTTP and returns Confluent's client and srkit's client for it.
func bothClients(t *testing.T) (schemaregistry.Client, *registry.Client) {
	t.Helper()
	srv := mockregistry.StartServer(t)
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return confluentClient(t, srv.URL()), client
}

// toKafka converts srkit's record headers to confluent-kafka-go's.
func toKafka(hs []srserde.Header) []kafka.Header {
	out := make([]kafka.Header, len(hs))
	for i, h := range hs {
		out[i] = kafka.Header(h)
	}
	return out
}

// fromKafka converts confluent-kafka-go's record headers to srkit's.
func fromKafka(hs []kafka.Header) []srserde.Header {
	out := make([]srserde.Header, len(hs))
	for i, h := range hs {
		out[i] = srserde.Header(h)
	}
	return out
}

// sameHeaders reports whether the two clients wrote the same headers.
func sameHeaders(ours []srserde.Header, theirs []kafka.Header) bool {
	if len(ours) != len(theirs) {
		return false
	}
	for i := range ours {
		if ours[i].Key != theirs[i].Key || string(ours[i].Value) != string(theirs[i].Value) {
			return false
		}
	}
	return true
}
