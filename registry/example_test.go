package registry_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/srkit-go/srkit/registry"
)

// tinyRegistry is a stand-in registry for the examples: it registers every
// schema as ID 1 and knows no other subject.
func tinyRegistry() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/subjects/orders-value/versions":
			fmt.Fprint(w, `{"id":1,"version":1,"guid":"0b1e4d5c-9f3a-4c2e-8d7b-6a5f4e3d2c1b"}`)
		case r.URL.Path == "/schemas/ids/1":
			fmt.Fprint(w, `{"schema":"\"string\""}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error_code":40401,"message":"Subject not found."}`)
		}
	}))
}

func ExampleNew() {
	client, err := registry.New(
		registry.URLs("https://psrc-xxxxx.europe-west3.gcp.confluent.cloud"),
		registry.BasicAuth("SR_API_KEY", "SR_API_SECRET"),
		registry.Retries(3, time.Second, 20*time.Second),
		registry.LatestTTL(5*time.Minute),
	)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	// use client...
}

func ExampleNewFromProperties() {
	client, err := registry.NewFromProperties(map[string]string{
		"schema.registry.url":           "https://psrc-xxxxx.europe-west3.gcp.confluent.cloud",
		"basic.auth.credentials.source": "USER_INFO",
		"basic.auth.user.info":          "SR_API_KEY:SR_API_SECRET",
		"cache.latest.ttl.sec":          "300",
	})
	if err != nil {
		panic(err)
	}
	defer client.Close()

	_, err = registry.NewFromProperties(map[string]string{
		"schema.registry.url":   "http://localhost:8081",
		"auto.register.schemas": "true", // a serializer setting, not the client's
	})
	fmt.Println(err)
	// Output: registry: property "auto.register.schemas": unknown key
}

func ExampleOAuthClientCredentials() {
	client, err := registry.New(
		registry.URLs("https://psrc-xxxxx.europe-west3.gcp.confluent.cloud"),
		registry.OAuthClientCredentials("https://idp.example.com/oauth2/token", "client-id", "client-secret", "schema_registry"),
		registry.LogicalCluster("lsrc-xxxxx"),
		registry.IdentityPoolID("pool-xxxx"),
	)
	if err != nil {
		panic(err)
	}
	defer client.Close()
}

func ExampleClient_Register() {
	srv := tinyRegistry()
	defer srv.Close()
	client, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		panic(err)
	}
	defer client.Close()

	s, err := client.Register(context.Background(), "orders-value", registry.Schema{Schema: `"string"`})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Subject, s.ID, s.Version, s.Type())
	// Output: orders-value 1 1 AVRO
}

func ExampleClient_SchemaByID() {
	srv := tinyRegistry()
	defer srv.Close()
	client, _ := registry.New(registry.URLs(srv.URL))
	defer client.Close()

	ctx := context.Background()
	s, err := client.SchemaByID(ctx, 1)
	fmt.Println(s.Schema.Schema, err)
	// The second lookup is served from the cache: no request, no allocation.
	s, err = client.SchemaByID(ctx, 1)
	fmt.Println(s.Schema.Schema, err)
	// Output:
	// "string" <nil>
	// "string" <nil>
}

func ExampleErrorCode() {
	srv := tinyRegistry()
	defer srv.Close()
	client, _ := registry.New(registry.URLs(srv.URL))
	defer client.Close()

	_, err := client.LatestSchema(context.Background(), "payments-value")
	fmt.Println(errors.Is(err, registry.ErrSubjectNotFound))
	var re *registry.Error
	if errors.As(err, &re) {
		fmt.Println(re.StatusCode, int(re.Code), re.Message)
	}
	// Output:
	// true
	// 404 40401 Subject not found.
}

func ExampleInContext() {
	srv := tinyRegistry()
	defer srv.Close()
	// Every call of this client runs in the context ".staging"; the
	// registry sees /contexts/.staging/subjects/orders-value/...
	client, _ := registry.New(registry.URLs(srv.URL), registry.DefaultContext("staging"))
	defer client.Close()

	ctx := context.Background()
	_, _ = client.LatestSchema(ctx, "orders-value")                             // in .staging
	_, _ = client.LatestSchema(ctx, "orders-value", registry.InContext("prod")) // in .prod
	_, _ = client.LatestSchema(ctx, ":.dev:orders-value")                       // qualified: in .dev
	fmt.Println(registry.QualifySubject("staging", "orders-value"))
	// Output: :.staging:orders-value
}
