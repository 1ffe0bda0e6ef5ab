package interop

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption" // registers ENCRYPT and ENCRYPT_PAYLOAD
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/hcvault"
	cserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/hcvault"
	"github.com/srkit-go/srkit/encryption/hcvault/internal/fakevault"
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
				encryption.ParamKEKName: kek, encryption.ParamKMSType: hcvault.Type, encryption.ParamKMSKeyID: keyID,
			},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Confluent's executor is configured once per process (with the first
// registry it sees) and keeps one Vault client per key URL: one test, one
// mock registry, a key per subtest.
func TestConfluentAndSrkitShareVault(t *testing.T) {
	for _, v := range []string{"VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_ADDR", "VAULT_APPROLE_ROLE_ID", "VAULT_APPROLE_SECRET_ID"} {
		t.Setenv(v, "")
	}
	f := fakevault.New(t)
	f.AddKey("transit", "from-confluent")
	f.AddKey("transit", "from-srkit")
	f.AddKey("transit", "approle")
	f.AddToken("s.confluent", "*")
	f.AddToken("s.srkit", "*")
	f.AddRole("kek-role", "kek-role-secret")
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
	ruleConfig := map[string]string{hcvault.ConfigToken: "s.confluent"}
	srkitConfig := map[string]string{hcvault.ConfigToken: "s.srkit"}
	srkitExecutor := func() *encryption.Executor {
		x, err := encryption.New(client, encryption.WithKMSDriver(hcvault.Driver(hcvault.Config{})),
			encryption.WithConfig(srkitConfig), encryption.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	confluentWrite := func(t *testing.T, topic string, p payment) []byte {
		t.Helper()
		sc := avrov2.NewSerializerConfig()
		sc.AutoRegisterSchemas, sc.UseLatestVersion, sc.RuleConfig = false, true, ruleConfig
		ser, err := avrov2.NewSerializer(cc, cserde.ValueSerde, sc)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ser.Serialize(topic, &p)
		if err != nil {
			t.Fatalf("Confluent's Serialize: %v", err)
		}
		return b
	}
	confluentRead := func(t *testing.T, topic string, b []byte) payment {
		t.Helper()
		dc := avrov2.NewDeserializerConfig()
		dc.RuleConfig = ruleConfig
		deser, err := avrov2.NewDeserializer(cc, cserde.ValueSerde, dc)
		if err != nil {
			t.Fatal(err)
		}
		var got payment
		if err := deser.DeserializeInto(topic, b, &got); err != nil {
			t.Fatalf("Confluent's Deserialize: %v", err)
		}
		return got
	}
	srkitWrite := func(t *testing.T, topic string, p payment) []byte {
		t.Helper()
		s, err := avro.NewSerializer[payment](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(context.Background(), topic, p)
		if err != nil {
			t.Fatalf("srkit's Serialize: %v", err)
		}
		return b
	}
	srkitRead := func(t *testing.T, topic string, b []byte) payment {
		t.Helper()
		d, err := avro.NewDeserializer[payment](client, serde.Value, serde.WithRuleExecutors(srkitExecutor().Executors()...))
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(context.Background(), topic, b, nil)
		if err != nil {
			t.Fatalf("srkit's Deserialize: %v", err)
		}
		return got
	}
	want := payment{ID: "p-1", Card: "4111111111111111", Amount: 1299}

	t.Run("Confluent writes, srkit reads", func(t *testing.T) {
		register(t, client, "from-confluent", "kek-confluent", f.KeyID("transit", "from-confluent"))
		b := confluentWrite(t, "from-confluent", want)
		if bytes.Contains(b, []byte(want.Card)) {
			t.Fatal("the card number is in the clear")
		}
		if got := srkitRead(t, "from-confluent", b); got != want {
			t.Fatalf("srkit read %+v", got)
		}
	})
	t.Run("srkit writes, Confluent reads", func(t *testing.T) {
		register(t, client, "from-srkit", "kek-srkit", f.KeyID("transit", "from-srkit"))
		b := srkitWrite(t, "from-srkit", want)
		if got := confluentRead(t, "from-srkit", b); got != want {
			t.Fatalf("Confluent read %+v", got)
		}
	})
	// AppRole credentials in the rule config: both clients log in with
	// them and use the login's token rather than token.id. (Confluent's Go
	// client v2.15.1 does not read the KEK's kmsProps, so they are given in
	// its RuleConfig, which its executor merges into its process-wide
	// config: this subtest is the last.)
	t.Run("AppRole", func(t *testing.T) {
		register(t, client, "approle", "kek-approle", f.KeyID("transit", "approle"))
		ruleConfig = map[string]string{hcvault.ConfigToken: "s.confluent",
			hcvault.ConfigAppRoleRoleID: "kek-role", hcvault.ConfigAppRoleSecretID: "kek-role-secret"}
		srkitConfig = ruleConfig
		b := confluentWrite(t, "approle", want)
		if got := srkitRead(t, "approle", b); got != want {
			t.Fatalf("srkit read %+v", got)
		}
		if n := f.Logins(); n != 2 {
			t.Fatalf("%d AppRole logins, want one per client: %+v", n, f.Requests())
		}
		for _, r := range f.Requests() {
			if strings.HasSuffix(r.Path, "/approle") && !strings.HasPrefix(r.Token, "hvs.approle-token-") {
				t.Fatalf("a transit call used token.id instead of the AppRole token: %+v", r)
			}
		}
	})

	// Both clients made the same transit calls: the DEK in base64, Vault's
	// ciphertext string, the token as X-Vault-Token. (Confluent's Go client,
	// through Tink, adds an empty associated_data, which Vault reads as
	// none.)
	var ciphertexts []string
	for _, r := range f.Requests() {
		op := strings.TrimPrefix(r.Path, "/v1/transit/")
		switch {
		case r.Path == "/v1/auth/approle/login":
			continue
		case r.Method != "PUT" || (r.Token != "s.confluent" && r.Token != "s.srkit" && !strings.HasPrefix(r.Token, "hvs.")):
			t.Errorf("request %+v", r)
		}
		keys := slices.Sorted(maps.Keys(r.Body))
		switch {
		case strings.HasPrefix(op, "encrypt/"):
			p, _ := r.Body["plaintext"].(string)
			if _, err := base64.StdEncoding.DecodeString(p); err != nil || !validBody(keys, "plaintext", r.Body) {
				t.Errorf("encrypt body %v", r.Body)
			}
		case strings.HasPrefix(op, "decrypt/"):
			c, _ := r.Body["ciphertext"].(string)
			ciphertexts = append(ciphertexts, c)
			if !validBody(keys, "ciphertext", r.Body) {
				t.Errorf("decrypt body %v", r.Body)
			}
		}
	}
	for _, c := range ciphertexts {
		if !strings.HasPrefix(c, "vault:v1:") {
			t.Errorf("decrypt of %q, want Vault's ciphertext string", c)
		}
	}
}

// validBody: the field, and at most an empty associated_data.
func validBody(keys []string, field string, body map[string]any) bool {
	switch {
	case slices.Equal(keys, []string{field}):
		return true
	case slices.Equal(keys, []string{"associated_data", field}):
		return body["associated_data"] == ""
	}
	return false
}
