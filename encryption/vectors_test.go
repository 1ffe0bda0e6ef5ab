package encryption_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// vector is a golden encryption vector (testdata/README.md).
type vector struct {
	Name     string `json:"name"`
	Format   string `json:"format"`
	Topic    string `json:"topic"`
	Subject  string `json:"subject"`
	Registry []struct {
		Subject    string              `json:"subject"`
		Version    int                 `json:"version"`
		ID         int                 `json:"id"`
		SchemaType registry.SchemaType `json:"schemaType"`
		Schema     string              `json:"schema"`
		References []registry.Reference
		Metadata   *registry.Metadata `json:"metadata"`
		RuleSet    *registry.RuleSet  `json:"ruleSet"`
	} `json:"registry"`
	Encryption struct {
		KMS struct {
			Secret string `json:"secret"`
		} `json:"kms"`
		KEKs []dekregistry.KEK `json:"keks"`
		DEKs []struct {
			dekregistry.DEK
			Debug struct {
				KeyMaterial string `json:"keyMaterial"`
			} `json:"debug"`
		} `json:"deks"`
	} `json:"encryption"`
	Value           json.RawMessage `json:"value"`
	PayloadHex      string          `json:"payload_hex"`
	ExpectedDecoded json.RawMessage `json:"expected_decoded"`
}

func loadVector(t *testing.T, name string) *vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	v := new(vector)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v *vector) payload(t *testing.T) []byte {
	t.Helper()
	b, err := hex.DecodeString(v.PayloadHex)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serve returns a mock registry holding the vector's schemas (with the
// recorded IDs), KEKs and DEKs, and an executor with the vector's local KMS
// secret.
func (v *vector) serve(t *testing.T) (*registry.Client, *encryption.Executor) {
	t.Helper()
	ctx := context.Background()
	mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None))
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Registry {
		st := r.SchemaType
		if st == "" {
			st = registry.Avro
		}
		got, err := client.Register(ctx, r.Subject, registry.Schema{Schema: r.Schema, SchemaType: st, References: r.References, Metadata: r.Metadata, RuleSet: r.RuleSet})
		if err != nil {
			t.Fatalf("registering %s: %v", r.Subject, err)
		}
		if got.ID != r.ID {
			t.Fatalf("the mock gave schema ID %d, the vector has %d", got.ID, r.ID)
		}
	}
	deks := dekregistry.New(client)
	for _, k := range v.Encryption.KEKs {
		if _, err := deks.CreateKEK(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range v.Encryption.DEKs {
		if _, err := deks.CreateDEK(ctx, d.KEKName, d.DEK); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := encryption.New(client, encryption.WithKMS(localkms.New(v.Encryption.KMS.Secret)))
	if err != nil {
		t.Fatal(err)
	}
	return client, enc
}

// strictRead makes read failures of encryption rules errors (the vectors'
// onFailure is ERROR,NONE, which would hand out ciphertext silently).
var strictRead = serde.WithRuleOverrides(serde.RuleOverride{Type: encryption.TypeEncrypt, OnFailure: ptr("ERROR")},
	serde.RuleOverride{Type: encryption.TypeEncryptPayload, OnFailure: ptr("ERROR")})

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t *testing.T, got any, want json.RawMessage) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("decoded %s\n    want %s", b, want)
	}
}

// avroJSON turns hamba's generic record into the vectors' JSON mapping
// (bytes as base64) for the flat records of the encryption vectors.
func avroJSON(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if b, ok := x.([]byte); ok {
			x = base64.StdEncoding.EncodeToString(b)
		}
		out[k] = x
	}
	return out
}
