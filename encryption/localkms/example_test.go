package localkms_test

import (
	"context"
	"fmt"
	"log"

	"github.com/srkit-go/srkit/encryption/localkms"
)

// The local KMS wraps key material with a key derived from its secret;
// any client with the same secret unwraps it.
func ExampleNew() {
	ctx := context.Background()
	k := localkms.New("a secret only the clients know")
	wrapped, err := k.Wrap(ctx, "payments-key", []byte("DEK key material"))
	if err != nil {
		log.Fatal(err)
	}
	dek, err := localkms.New("a secret only the clients know").Unwrap(ctx, "payments-key", wrapped)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d wrapped bytes: %s\n", len(wrapped), dek)
	// Output: 44 wrapped bytes: DEK key material
}

// FromConfig reads the secret as Confluent's driver does: the rule config
// key "secret", else the LOCAL_SECRET environment variable.
func ExampleFromConfig() {
	k, err := localkms.FromConfig(map[string]string{localkms.ConfigSecret: "a secret only the clients know"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.Type())
	// Output: local-kms
}
