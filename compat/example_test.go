package compat_test

import (
	"fmt"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// Check a schema change before deploying it, as the registry would on
// register: parse both versions with their format, then check at the
// subject's level.
func ExampleCheck() {
	f := avro.Format()
	v1, _ := f.Parse(`{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`, nil)
	// v2 adds a field without a default: new readers cannot read old data.
	v2, _ := f.Parse(`{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`, nil)

	fmt.Println(len(compat.Check(registry.Forward, v2, []compat.Schema{v1})) == 0)
	fmt.Println(len(compat.Check(registry.Backward, v2, []compat.Schema{v1})) == 0)
	// Output:
	// true
	// false
}
