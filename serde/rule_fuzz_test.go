package serde_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// ruleSetBudget bounds one fuzzed rule set: compiling CEL and JSONata
// programs costs far more than decoding a message does, but a rule set
// must still never cost seconds or hundreds of megabytes to run or refuse.
var ruleSetBudget = budget.Budget{AllocBase: 64 << 20, AllocPerByte: 64 << 10, TimeBase: 5 * time.Second, TimePerByte: time.Millisecond}

// FuzzRuleSet: rule sets come from the registry, so they are input too. A
// registry that does not validate them (unlike Confluent's and the mock)
// serves the fuzzed rule set with the test schema; reading and writing a
// message under it with the standard executors (CEL, CEL_FIELD, JSONATA)
// and the fixture's TEST executor gives a value or an error — unknown
// kinds, modes and actions, malformed expressions, odd params — never a
// panic or a hang, within the budget.
func FuzzRuleSet(f *testing.F) {
	seeds := []string{
		`{"domainRules":[{"name":"c","kind":"CONDITION","mode":"WRITEREAD","type":"CEL","expr":"message.qty > 0"}]}`,
		`{"domainRules":[{"name":"f","kind":"TRANSFORM","mode":"WRITE","type":"CEL_FIELD","tags":["PII"],"expr":"typeName == 'STRING' ; value + '!'"}]}`,
		`{"domainRules":[{"name":"x","kind":"SIDEWAYS","mode":"WRITE","type":"CEL","expr":"true"}]}`,
		`{"domainRules":[{"name":"x","kind":"CONDITION","mode":"BACKWARDS","type":"CEL","expr":"true"}]}`,
		`{"domainRules":[{"name":"x","kind":"CONDITION","mode":"READ","type":"CEL","expr":"message.(("}]}`,
		`{"domainRules":[{"name":"x","kind":"CONDITION","mode":"WRITEREAD","type":"CEL","expr":"false","onFailure":"NONE,ERROR,DLQ"}]}`,
		`{"domainRules":[{"name":"x","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"false","onFailure":"LAUNCH"}]}`,
		`{"domainRules":[{"name":"t","kind":"TRANSFORM","mode":"READ","type":"TEST","expr":"upper","tags":["PII"]}],"enableAt":"ALL"}`,
		`{"migrationRules":[{"name":"m","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","expr":"$merge([$, {'qty': $.qty * 2}])"}]}`,
		`{"migrationRules":[{"name":"m","kind":"TRANSFORM","mode":"READ","type":"JSONATA","expr":"$$$("}]}`,
		`{"encodingRules":[{"name":"e","kind":"TRANSFORM","mode":"WRITEREAD","type":"TEST","expr":"xor"}]}`,
		`{"domainRules":[{"name":"","type":"","params":{"":""}},{"name":"","type":""}],"enableAt":"NEVER"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	var current atomic.Pointer[registry.RuleSet]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if r.Method != http.MethodGet || r.URL.Path != "/schemas/ids/1" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error_code":40403,"message":"Schema not found"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(registry.Schema{Schema: recSchema, SchemaType: registry.JSON, RuleSet: current.Load(),
			Metadata: piiTags})
	}))
	defer srv.Close()
	standard := rules.Executors()
	f.Fuzz(func(t *testing.T, data []byte) {
		var rs registry.RuleSet
		if json.Unmarshal(data, &rs) != nil {
			return
		}
		current.Store(&rs)
		client, err := registry.New(registry.URLs(srv.URL), registry.Retries(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		execs := append([]serde.RuleExecutor{&testExecutor{}}, standard...)
		ser := newSerializer(t, client, serde.UseSchemaID(1), serde.WithRuleExecutors(execs...))
		de := newDeserializer(t, client, serde.WithRuleExecutors(execs...))
		framed := append([]byte{0, 0, 0, 0, 1}, `{"name":"Ada","email":"ada@example.com","qty":3}`...)
		ruleSetBudget.Check(t, "rule set", len(data), func() {
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			_, _, _ = ser.Serialize(ctx, "orders", &rec{Name: "Ada", Email: "ada@example.com", Qty: 3})
			_, _ = de.Deserialize(ctx, "orders", framed, nil)
		})
	})
}

// newSerializer returns a serializer of the fixture's record.
func newSerializer(t *testing.T, client *registry.Client, opts ...serde.SerializerOption) *serde.Serializer[*rec] {
	t.Helper()
	cfg, err := serde.NewSerializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serde.NewSerializer[*rec](client, serde.Value, recCodec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newDeserializer returns a deserializer of the fixture's record.
func newDeserializer(t *testing.T, client *registry.Client, opts ...serde.DeserializerOption) *serde.Deserializer[*rec] {
	t.Helper()
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := serde.NewDeserializer[*rec](client, serde.Value, recCodec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
