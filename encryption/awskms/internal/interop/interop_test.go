package interop

import (
	"bytes"
	"context"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption" // registers ENCRYPT and ENCRYPT_PAYLOAD
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/awskms"
	cserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/awskms"
	"github.com/srkit-go/srkit/encryption/awskms/internal/fakeaws"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

type payment struct {
	ID     string `avro:"id"`
	Card   string `avro:"card"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop","fields":[
  {"name":"id","type":"string"},{"name":"card","type":"string"},{"name":"amount","type":"long"}]}`

const (
	akid   = "AKIAFAKEINTEROP00001"
	secret = "fake/interop/secret/access/key"
)

// awsEnvironment points both clients' default chains at the fake: static
// keys in the environment, its endpoint (AWS_ENDPOINT_URL_KMS) and its
// certificate (AWS_CA_BUNDLE). Confluent's driver takes no endpoint
// setting: the SDK's environment is how it reaches a private endpoint.
func awsEnvironment(t *testing.T, f *fakeaws.Server) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "",
		"AWS_ENDPOINT_URL_KMS": f.Srv.URL, "AWS_CA_BUNDLE": ca, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_PROFILE": "", "AWS_REGION": "", "AWS_ROLE_ARN": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ENDPOINT_URL": "",
	} {
		t.Setenv(k, v)
	}
}

// register puts paymentSchema under topic-value with an ENCRYPT_PAYLOAD
// rule whose KEK kek is the fake's key.
func register(t *testing.T, c *registry.Client, topic, kek, keyARN string) {
	t.Helper()
	_, err := c.Register(context.Background(), topic+"-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName: kek, encryption.ParamKMSType: awskms.Type, encryption.ParamKMSKeyID: keyARN,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Confluent's executor is configured once per process (with the first
// registry it sees): one test, one mock registry.
func TestConfluentAndSrkitShareAWSKMS(t *testing.T) {
	f := fakeaws.New(t)
	keyARN := f.AddKey("eu-west-1", "1234abcd-12ab-34cd-56ef-1234567890ab")
	f.AddCreds(akid, secret)
	awsEnvironment(t, f)
	srv := mockregistry.StartServer(t)
	client, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := schemaregistry.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	srkitExecutor := func() *encryption.Executor {
		x, err := encryption.New(client, encryption.WithKMSDriver(awskms.Driver(awskms.Config{})), encryption.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	want := payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}
	ctx := context.Background()

	t.Run("Confluent writes, srkit reads", func(t *testing.T) {
		register(t, client, "from-confluent", "kek-confluent", keyARN)
		sc := avrov2.NewSerializerConfig()
		sc.AutoRegisterSchemas, sc.UseLatestVersion = false, true
		ser, err := avrov2.NewSerializer(cc, cserde.ValueSerde, sc)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ser.Serialize("from-confluent", &want)
		if err != nil {
			t.Fatalf("Confluent's Serialize: %v", err)
		}
		if bytes.Contains(b, []byte(want.Card)) {
			t.Fatal("the card number is in the clear")
		}
		// (Confluent's writer made Encrypt, then Decrypt of what the
		// registry stored.)
		expectOps(t, f, 0, "Encrypt", "Decrypt")
		d, err := avro.NewDeserializer[payment](client, serde.Value, serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "from-confluent", b, nil)
		if err != nil || got != want {
			t.Fatalf("srkit read %+v, %v", got, err)
		}
		expectOps(t, f, 2, "Decrypt")
	})

	t.Run("srkit writes, Confluent reads", func(t *testing.T) {
		register(t, client, "from-srkit", "kek-srkit", keyARN)
		s, err := avro.NewSerializer[payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(ctx, "from-srkit", want)
		if err != nil {
			t.Fatalf("srkit's Serialize: %v", err)
		}
		expectOps(t, f, 3, "Encrypt")
		deser, err := avrov2.NewDeserializer(cc, cserde.ValueSerde, avrov2.NewDeserializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		var got payment
		if err := deser.DeserializeInto("from-srkit", b, &got); err != nil || got != want {
			t.Fatalf("Confluent read %+v, %v", got, err)
		}
		expectOps(t, f, 4, "Decrypt")
	})

	// Both clients made the same requests: KeyId the key ARN, no encryption
	// context, the default algorithm, signed for the ARN's region by the
	// environment's key.
	for _, r := range f.Log() {
		if r.KeyID != keyARN || r.HasContext || r.Algorithm != "" || r.Region != "eu-west-1" || r.Service != "kms" || r.AccessKeyID != akid {
			t.Errorf("request %+v", r)
		}
	}
}

// expectOps checks the fake's requests from the from-th on.
func expectOps(t *testing.T, f *fakeaws.Server, from int, ops ...string) {
	t.Helper()
	var got []string
	for _, r := range f.Log()[from:] {
		got = append(got, r.Op)
	}
	if !slices.Equal(got, ops) {
		t.Fatalf("requests %v, want %v", got, ops)
	}
}
