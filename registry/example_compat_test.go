package registry_test

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

// Check a new version before registering it: a field added without a
// default breaks BACKWARD compatibility (v2 readers cannot read v1 data).
func ExampleClient_CheckCompatibility() {
	ctx := context.Background()
	mock, _ := mockregistry.New() // stands in for the registry
	client, err := mock.Client()
	if err != nil {
		panic(err)
	}
	defer client.Close()

	v1 := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`
	if _, err := client.Register(ctx, "orders-value", registry.Schema{Schema: v1}); err != nil {
		panic(err)
	}

	bad := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}`
	res, err := client.CheckCompatibility(ctx, "orders-value", registry.Latest, registry.Schema{Schema: bad}, registry.Verbose())
	if err != nil {
		panic(err) // the registry could not answer: not a verdict on the schema
	}
	fmt.Println("without a default:", res.IsCompatible, len(res.Messages) > 0)

	good := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`
	res, err = client.CheckCompatibility(ctx, "orders-value", registry.Latest, registry.Schema{Schema: good})
	if err != nil {
		panic(err)
	}
	fmt.Println("with a default:", res.IsCompatible)
	// Output:
	// without a default: false true
	// with a default: true
}
