package kmstest

import (
	"context"
	"encoding/base64"
	"log/slog"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The names of a [Pipeline].
const (
	Topic   = "payments"
	Subject = Topic + "-value"
	KEKName = "payments-kek"
)

// Payment is the record a [Pipeline] writes.
type Payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

// Card is a payment whose card number must not be in the clear.
var Card = Payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},{"name":"card","type":"string"},{"name":"amount","type":"long"}]}`

// Pipeline is a mock Schema Registry whose subject payments-value has the
// Avro schema of [Payment] with an ENCRYPT_PAYLOAD rule: the whole body
// is encrypted with a DEK of the KEK payments-kek, which is the KMS key
// keyID of type kmsType.
type Pipeline struct {
	// Client is the mock registry's client.
	Client *registry.Client
	t      *testing.T
}

// NewPipeline returns the pipeline of a KEK in the KMS key keyID.
func NewPipeline(t *testing.T, kmsType, keyID string) *Pipeline {
	t.Helper()
	client, err := mockClient()
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Register(context.Background(), Subject, registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt-payload", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName: KEKName, encryption.ParamKMSType: kmsType, encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Pipeline{Client: client, t: t}
}

// mockClient is a client of a new mock registry.
func mockClient() (*registry.Client, error) {
	mock, err := mockregistry.New()
	if err != nil {
		return nil, err
	}
	return mock.Client()
}

// Executor returns a new executor of the pipeline's registry with opts
// (and a logger that discards): a client of its own, whose caches are
// empty, so that a reader made after a writer unwraps the DEK with its
// KMS.
func (p *Pipeline) Executor(opts ...encryption.Option) *encryption.Executor {
	p.t.Helper()
	x, err := encryption.New(p.Client, append(opts, encryption.WithLogger(slog.New(slog.DiscardHandler)))...)
	if err != nil {
		p.t.Fatal(err)
	}
	return x
}

// Write serializes v to the topic with x's rules.
func (p *Pipeline) Write(x *encryption.Executor, v Payment) ([]byte, []serde.Header, error) {
	p.t.Helper()
	s, err := avro.NewSerializer[Payment](p.Client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(x.Executors()...))
	if err != nil {
		p.t.Fatal(err)
	}
	return s.Serialize(context.Background(), Topic, v)
}

// Read deserializes b from the topic with x's rules.
func (p *Pipeline) Read(x *encryption.Executor, b []byte, hs []serde.Header) (Payment, error) {
	p.t.Helper()
	d, err := avro.NewDeserializer[Payment](p.Client, serde.Value, serde.WithRuleExecutors(x.Executors()...))
	if err != nil {
		p.t.Fatal(err)
	}
	return d.Deserialize(context.Background(), Topic, b, hs)
}

// WrappedDEK returns what the DEK Registry keeps of the subject's DEK: its
// key material as the KMS wrapped it.
func (p *Pipeline) WrappedDEK() []byte {
	p.t.Helper()
	d, err := dekregistry.New(p.Client).DEK(context.Background(), KEKName, Subject)
	if err != nil {
		p.t.Fatal(err)
	}
	w, err := base64.StdEncoding.DecodeString(d.EncryptedKeyMaterial)
	if err != nil {
		p.t.Fatal(err)
	}
	return w
}
