package serde_test

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/serde"
)

// failures counts deserializations by error kind ("" for successes).
type failures map[serde.ErrorKind]int

func (f failures) OnDeserialize(e serde.DeserializeEvent) { f[e.Kind]++ }

// ExampleWithHooks counts a deserializer's results by error kind.
func ExampleWithHooks() {
	mock, _ := mockregistry.New()
	client, _ := mock.Client()
	ctx := context.Background()
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg())
	payload, _, _ := ser.Serialize(ctx, "orders", "hello")

	f := failures{}
	de, err := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks(f)))
	if err != nil {
		panic(err)
	}
	_, _ = de.Deserialize(ctx, "orders", payload, nil)
	_, _ = de.Deserialize(ctx, "orders", []byte{42}, nil)
	fmt.Println(f[serde.KindNone], f[serde.KindMalformed])
	// Output: 1 1
}
