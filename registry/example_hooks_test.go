package registry_test

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// logRequests is a hook that prints each registry request.
type logRequests struct{}

func (logRequests) OnRequest(e registry.RequestEvent) {
	fmt.Println(e.Method, e.Endpoint, e.Status, "attempts:", e.Attempts)
}

// ExampleWithHooks reports registry requests to a hook; the second lookup
// is served from the cache and makes no request.
func ExampleWithHooks() {
	srv := tinyRegistry()
	defer srv.Close()
	c, err := registry.New(registry.URLs(srv.URL), registry.WithHooks(logRequests{}))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	for range 2 {
		if _, err := c.SchemaByID(context.Background(), 1); err != nil {
			panic(err)
		}
	}
	// Output:
	// GET /schemas/ids/{id} 200 attempts: 1
}
