package protobuf_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/piipb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// encryptionVector is the encryption part of a golden vector.
type encryptionVector struct {
	KMS struct {
		Secret string `json:"secret"`
	} `json:"kms"`
	KEKs []dekregistry.KEK `json:"keks"`
	DEKs []dekregistry.DEK `json:"deks"`
}

// serveEncryption returns a mock registry (with its DEK registry) holding
// v's schemas, with their recorded IDs, KEKs and DEKs, and the ENCRYPT
// executors with v's local KMS secret.
func serveEncryption(t *testing.T, v *vectortest.Vector) (*registry.Client, []serde.RuleExecutor) {
	t.Helper()
	var ev encryptionVector
	if err := json.Unmarshal(v.Encryption, &ev); err != nil {
		t.Fatal(err)
	}
	c := newMock(t, mockregistry.WithCompatibility(registry.None))
	for _, r := range v.Registry {
		got, err := c.Register(ctx, r.Subject, r.Schema)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != r.ID {
			t.Fatalf("the mock gave ID %d, the vector has %d", got.ID, r.ID)
		}
	}
	deks := dekregistry.New(c)
	for _, k := range ev.KEKs {
		if _, err := deks.CreateKEK(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range ev.DEKs {
		if _, err := deks.CreateDEK(ctx, d.KEKName, d); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := encryption.New(c, encryption.WithKMS(localkms.New(ev.KMS.Secret)))
	if err != nil {
		t.Fatal(err)
	}
	return c, enc.Executors()
}

// strictDecrypt makes a failed decryption an error (the vector's onFailure
// is ERROR,NONE, which hands out ciphertext).
var strictDecrypt = serde.WithRuleOverrides(serde.RuleOverride{Type: encryption.TypeEncrypt, OnFailure: func() *string { s := "ERROR"; return &s }()})

// TestVectorEncrypt: the record Confluent's Go client wrote with an
// ENCRYPT rule on the PII fields of vectors.pii.Person (tagged with
// (confluent.field_meta).tags) decrypts to expected_decoded, into the
// generated type and into a dynamic message; and a record srkit writes
// the same way carries ciphertext and reads back.
func TestVectorEncrypt(t *testing.T) {
	var v *vectortest.Vector
	for _, x := range vectortest.Load(t, "testdata/vectors", "PROTOBUF") {
		if x.Name == "protobuf_encrypt_aes256gcm" {
			v = x
		}
	}
	if v == nil {
		t.Fatal("no vector protobuf_encrypt_aes256gcm")
	}
	c, execs := serveEncryption(t, v)
	read := func(t *testing.T, b []byte) {
		t.Helper()
		gen, err := ruleDeserializer[*piipb.Person](t, c, nil, serde.WithRuleExecutors(execs...), strictDecrypt).Deserialize(ctx, v.Topic, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		decodedAs(t, gen, v.ExpectedDecoded)
		dyn, err := ruleDeserializer[*dynamicpb.Message](t, c, nil, serde.WithRuleExecutors(execs...), strictDecrypt).Deserialize(ctx, v.Topic, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		decodedAs(t, dyn, v.ExpectedDecoded)
	}
	t.Run("confluent", func(t *testing.T) { read(t, v.Payload(t)) })
	t.Run("srkit", func(t *testing.T) {
		in := &piipb.Person{}
		if err := protojson.Unmarshal(v.Value, in); err != nil {
			t.Fatal(err)
		}
		before := proto.Clone(in)
		s, err := protobuf.NewSerializer[*piipb.Person](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(execs...))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(ctx, v.Topic, in)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(in, before) {
			t.Errorf("the caller's message changed: %v", in)
		}
		for _, clear := range [][]byte{[]byte(in.Name), []byte(in.Ssn), in.Photo} {
			if bytes.Contains(b, clear) {
				t.Errorf("%q is in the clear in %x", clear, b)
			}
		}
		if !bytes.Contains(b, []byte(in.City)) {
			t.Error("the untagged city is not in the clear")
		}
		read(t, b)
	})
}

// decodedAs compares m, in the vectors' JSON mapping (protojson with the
// original field names), with want.
func decodedAs(t *testing.T, m proto.Message, want json.RawMessage) {
	t.Helper()
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
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
		t.Errorf("decoded %T %s\nwant %s", m, b, want)
	}
}
