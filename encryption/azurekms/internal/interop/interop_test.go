package interop

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption" // registers ENCRYPT and ENCRYPT_PAYLOAD
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/azurekms"
	cserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/azurekms"
	"github.com/srkit-go/srkit/encryption/azurekms/internal/fakeazure"
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

// register puts paymentSchema under topic-value with an ENCRYPT_PAYLOAD
// rule whose KEK kek is the fake's key keyID.
func register(t *testing.T, c *registry.Client, topic, kek, keyID string) {
	t.Helper()
	_, err := c.Register(context.Background(), topic+"-value", registry.Schema{
		Schema: paymentSchema,
		RuleSet: &registry.RuleSet{EncodingRules: []registry.Rule{{
			Name: "encrypt", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
			Type: encryption.TypeEncryptPayload,
			Params: map[string]string{
				encryption.ParamKEKName: kek, encryption.ParamKMSType: azurekms.Type, encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func appConfig(clientID, secret string) map[string]string {
	return map[string]string{azurekms.ConfigTenantID: fakeazure.Tenant, azurekms.ConfigClientID: clientID, azurekms.ConfigClientSecret: secret}
}

// Both clients run with the Azure SDK's defaults (Confluent's driver takes
// no SDK options): the public cloud's authority, the SDK's transport, the
// system's roots. HTTPS_PROXY and SSL_CERT_FILE — read once per process —
// bring them to the fake, which answers for login.microsoftonline.com and
// *.vault.azure.net. Confluent's executor is configured once per process
// (with the first registry it sees): one test, one mock registry.
func TestConfluentAndSrkitShareKeyVault(t *testing.T) {
	f := fakeazure.New(t)
	for k, v := range map[string]string{
		"HTTPS_PROXY": f.Proxy(t), "https_proxy": "", "NO_PROXY": "", "no_proxy": "", "HTTP_PROXY": "", "http_proxy": "",
		"SSL_CERT_FILE": f.CAFile(t), "SSL_CERT_DIR": "", "AZURE_AUTHORITY_HOST": "",
		"AZURE_TENANT_ID": "", "AZURE_CLIENT_ID": "", "AZURE_CLIENT_SECRET": "", "AZURE_TOKEN_CREDENTIALS": "",
	} {
		t.Setenv(k, v)
	}
	vFromConfluent := f.AddKey("srkit-interop", "from-confluent", 0)
	vFromSrkit := f.AddKey("srkit-interop", "from-srkit", 1)
	f.AddApp("confluent-app", "confluent-secret")
	f.AddApp("srkit-app", "srkit-secret")
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
	ruleConfig := appConfig("confluent-app", "confluent-secret")
	srkitExecutor := func() *encryption.Executor {
		x, err := encryption.New(client, encryption.WithKMSDriver(azurekms.Driver(azurekms.Config{})),
			encryption.WithConfig(appConfig("srkit-app", "srkit-secret")), encryption.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	want := payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}
	ctx := context.Background()

	t.Run("Confluent writes, srkit reads", func(t *testing.T) {
		register(t, client, "from-confluent", "kek-confluent", "https://srkit-interop.vault.azure.net/keys/from-confluent/"+vFromConfluent)
		sc := avrov2.NewSerializerConfig()
		sc.AutoRegisterSchemas, sc.UseLatestVersion, sc.RuleConfig = false, true, ruleConfig
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
		d, err := avro.NewDeserializer[payment](client, serde.Value, serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "from-confluent", b, nil)
		if err != nil || got != want {
			t.Fatalf("srkit read %+v, %v", got, err)
		}
	})

	t.Run("srkit writes, Confluent reads", func(t *testing.T) {
		register(t, client, "from-srkit", "kek-srkit", "https://srkit-interop.vault.azure.net/keys/from-srkit/"+vFromSrkit)
		s, err := avro.NewSerializer[payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(ctx, "from-srkit", want)
		if err != nil {
			t.Fatalf("srkit's Serialize: %v", err)
		}
		dc := avrov2.NewDeserializerConfig()
		dc.RuleConfig = ruleConfig
		deser, err := avrov2.NewDeserializer(cc, cserde.ValueSerde, dc)
		if err != nil {
			t.Fatal(err)
		}
		var got payment
		if err := deser.DeserializeInto("from-srkit", b, &got); err != nil || got != want {
			t.Fatalf("Confluent read %+v, %v", got, err)
		}
	})

	// Both clients made the same Key Vault calls — encrypt and decrypt of
	// the key's version, RSA-OAEP-256, the same api-version, a bearer token
	// of their own application — and the same token requests.
	var ops []string
	apis := map[string]bool{}
	for _, r := range f.Requests() {
		if r.Auth == "" {
			continue // the authentication challenge
		}
		if !strings.HasPrefix(r.Host, "srkit-interop.vault.azure.net") || r.Alg != "RSA-OAEP-256" || r.Method != "POST" {
			t.Errorf("request %+v", r)
		}
		apis[r.APIVersion] = true
		ops = append(ops, r.Path[strings.LastIndex(r.Path, "/")+1:])
	}
	if len(apis) != 1 {
		t.Errorf("api-versions %v", apis)
	}
	if !slices.Contains(ops, "encrypt") || !slices.Contains(ops, "decrypt") || slices.ContainsFunc(ops, func(op string) bool { return op != "encrypt" && op != "decrypt" }) {
		t.Errorf("operations %v, want encrypt and decrypt only", ops)
	}
	apps := map[string]bool{}
	for _, fm := range f.TokenForms() {
		apps[fm.Get("client_id")] = true
		if fm.Get("grant_type") != "client_credentials" || !slices.Contains(strings.Fields(fm.Get("scope")), "https://vault.azure.net/.default") {
			t.Errorf("token request %v", fm)
		}
	}
	if !apps["confluent-app"] || !apps["srkit-app"] || len(apps) != 2 {
		t.Errorf("token requests of %v", apps)
	}
}
