package awskms

import (
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/encryption/internal/kmstest"
)

// End to end (the rest is the conformance suite's): a record written with
// a KMS built in code (New) given with WithKMS is read back by a reader
// whose driver assumes a role.
func TestEndToEndNewAndRole(t *testing.T) {
	isolate(t)
	f := fakeaws.New(t)
	keyARN := f.AddKey("us-east-1", testKeyID)
	p := kmstest.NewPipeline(t, Type, keyARN)
	b, hs, err := p.Write(p.Executor(encryption.WithKMS(newTestKMS(t, f))), kmstest.Card)
	if err != nil {
		t.Fatal(err)
	}
	const role = "arn:aws:iam::111122223333:role/reader"
	f.AddRole(role, "")
	base := sdkConfig(f, testAKID, testSecret)
	base.BaseEndpoint = &f.Srv.URL
	reader := p.Executor(encryption.WithKMSDriver(Driver(Config{AWS: base})), encryption.WithConfig(map[string]string{ConfigRoleARN: role}))
	got, err := p.Read(reader, b, hs)
	if err != nil || got != kmstest.Card {
		t.Fatalf("read %+v, %v", got, err)
	}
	log := f.Log()
	if last := log[len(log)-1]; last.Op != "Decrypt" || last.AccessKeyID[:8] != "ASIAFAKE" {
		t.Fatalf("the reader's Decrypt %+v: want the role's credentials", last)
	}
}
