package mockregistry_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

// textFormat is a toy format for the examples: a schema is any text, and a
// schema is backward compatible with another when the texts are equal.
type textFormat struct{}

func (textFormat) Type() registry.SchemaType { return registry.Avro }
func (textFormat) Parse(s string, _ []compat.Dependency) (compat.Schema, error) {
	return textSchema(s), nil
}

type textSchema string

func (s textSchema) Canonical() string  { return string(s) }
func (s textSchema) Normalized() string { return string(s) }
func (s textSchema) CheckRead(writer compat.Schema, _, _ string) []string {
	if writer.(textSchema) != s {
		return []string{"{errorType:'CHANGED', description:'the text changed'}"}
	}
	return nil
}

func ExampleNew() {
	reg, err := mockregistry.New(mockregistry.WithFormats(textFormat{}))
	if err != nil {
		panic(err)
	}
	client, err := reg.Client() // in process: no socket
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := client.Register(ctx, "orders-value", registry.Schema{Schema: `"string"`})
	if err != nil {
		panic(err)
	}
	fmt.Println("id", s.ID, "version", s.Version)

	_, err = client.Register(ctx, "orders-value", registry.Schema{Schema: `"long"`})
	fmt.Println("incompatible:", errors.Is(err, registry.ErrIncompatibleSchema))
	// Output:
	// id 1 version 1
	// incompatible: true
}

func ExampleNewServer() {
	srv, err := mockregistry.NewServer(
		mockregistry.WithFormats(textFormat{}),
		mockregistry.WithBasicAuth("key", "secret"),
		mockregistry.WithSchemas(mockregistry.Seed{Subject: "users-value", Schema: registry.Schema{Schema: `"string"`}}),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	// srv.URL() is http://127.0.0.1:port; any client can use it.
	client, err := registry.New(registry.URLs(srv.URL()), registry.BasicAuth("key", "secret"))
	if err != nil {
		panic(err)
	}
	subjects, err := client.Subjects(context.Background())
	fmt.Println(subjects, err)
	// Output: [users-value] <nil>
}

func ExampleRegistry_InjectFault() {
	reg, _ := mockregistry.New(mockregistry.WithFormats(textFormat{}))
	// The next two GETs of a schema by ID fail with 503 after 10ms.
	reg.InjectFault(mockregistry.Fault{
		Method: http.MethodGet, Path: "/schemas/ids/", Status: http.StatusServiceUnavailable,
		Latency: 10 * time.Millisecond, Times: 2,
	})
	client, _ := reg.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
	_, err := client.SchemaByID(context.Background(), 1)
	var re *registry.Error
	fmt.Println(errors.As(err, &re) && re.StatusCode == 503)
	// Output: true
}

// StartServer is NewServer for tests: the test fails if the server cannot
// start, and the server closes when the test ends.
func ExampleStartServer() {
	testOrders := func(t *testing.T) {
		srv := mockregistry.StartServer(t, mockregistry.WithCompatibility(registry.BackwardTransitive))
		client, err := srv.Client() // talks HTTP to srv.URL()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Register(context.Background(), "orders-value", registry.Schema{Schema: `"string"`}); err != nil {
			t.Fatal(err)
		}
	}
	_ = testOrders // a test function: func TestOrders(t *testing.T) { ... }
}

// A server shared by many tests (or by tests in other languages) keeps its
// timeouts and connection cap; tests of slow clients can shorten them.
func ExampleWithLimits() {
	srv, err := mockregistry.NewServer(
		mockregistry.WithFormats(textFormat{}),
		mockregistry.WithLimits(mockregistry.Limits{
			ReadTimeout:     2 * time.Second, // a client that sends its request slower is cut off
			MaxConns:        32,              // further connections wait
			MaxRequestBytes: 1 << 20,         // larger bodies answer 413
		}),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	fmt.Println(strings.HasPrefix(srv.URL(), "http://127.0.0.1:"))
	// Output: true
}
