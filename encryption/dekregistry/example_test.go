package dekregistry_test

import (
	"context"
	"fmt"
	"log"

	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
)

// Register a shared KEK, let the registry generate a DEK under it, and
// list what the DEK Registry holds.
func Example() {
	ctx := context.Background()
	mock, _ := mockregistry.New()
	rc, _ := mock.Client() // any registry.Client: its URLs, auth, TLS and retries apply
	c := dekregistry.New(rc)

	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "payments", KMSType: "aws-kms",
		KMSKeyID: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", Shared: true}); err != nil {
		log.Fatal(err)
	}
	d, err := c.CreateDEK(ctx, "payments", dekregistry.DEK{Subject: "payments-value", Algorithm: "AES256_SIV"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d) // a DEK never prints its key material
	latest, _ := c.LatestDEK(ctx, "payments", "payments-value", dekregistry.Algorithm("AES256_SIV"))
	subjects, _ := c.DEKSubjects(ctx, "payments")
	fmt.Println(latest.Version, subjects)
	// Output:
	// DEK{kek "payments", subject "payments-value", version 1, AES256_SIV}
	// 1 [payments-value]
}
