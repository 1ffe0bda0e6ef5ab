package gcpkms

import (
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// End to end (the rest is the conformance suite's): the driver, with
// Confluent's service-account keys in the executor's config, gets each
// executor its own token; the writer encrypts the new DEK, the cold reader
// decrypts it, both as the account.
func TestEndToEndDriver(t *testing.T) {
	isolate(t)
	f := newFakeGCP(t)
	sa := f.addAccount(testEmail)
	key := f.addKey("europe-west3", "payments", "kek", testEmail)
	p := kmstest.NewPipeline(t, Type, key)
	executor := func() *encryption.Executor {
		return p.Executor(encryption.WithKMSDriver(driverFor(f)), encryption.WithConfig(saConfig(sa)))
	}
	b, hs, err := p.Write(executor(), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Read(executor(), b, hs); err != nil || got != kmstest.Card {
		t.Fatalf("read %+v, %v", got, err)
	}
	var ops []string
	for _, r := range f.log() {
		ops = append(ops, r.Op)
		if r.Email != testEmail || (r.Op != "token" && r.Name != key) {
			t.Fatalf("request %+v", r)
		}
	}
	if len(ops) != 4 || ops[0] != "token" || ops[1] != "encrypt" || ops[2] != "token" || ops[3] != "decrypt" {
		t.Fatalf("requests %v: want the writer's token and encrypt, the reader's token and decrypt", ops)
	}
}
