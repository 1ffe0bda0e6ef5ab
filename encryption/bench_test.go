package encryption_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The representative record of /work/shared/reference/performance.md (the
// avro package's benchmark record), with email and the shipping street
// tagged PII for field encryption.

type BenchItem struct {
	SKU      string  `avro:"sku"`
	Quantity int32   `avro:"quantity"`
	Price    float64 `avro:"price"`
}

type BenchAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
	Zip    string `avro:"zip"`
}

type BenchOrder struct {
	ID        string            `avro:"id"`
	Customer  int64             `avro:"customer"`
	Email     string            `avro:"email"`
	Status    string            `avro:"status"`
	Total     float64           `avro:"total"`
	Currency  string            `avro:"currency"`
	CreatedAt time.Time         `avro:"createdAt"`
	Shipping  BenchAddress      `avro:"shipping"`
	Items     []BenchItem       `avro:"items"`
	Attrs     map[string]string `avro:"attrs"`
	Note      *string           `avro:"note"`
	Priority  int32             `avro:"priority"`
	Gift      bool              `avro:"gift"`
}

const benchSchema = `{"type":"record","name":"Order","namespace":"com.example.bench","fields":[
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"customer","type":"long"},
 {"name":"email","type":"string","confluent:tags":["PII"]},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED","DELIVERED","CANCELLED"]}},
 {"name":"total","type":"double"},
 {"name":"currency","type":"string"},
 {"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"shipping","type":{"type":"record","name":"Address","fields":[
   {"name":"street","type":"string","confluent:tags":["PII"]},{"name":"city","type":"string"},{"name":"zip","type":"string"}]}},
 {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
   {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"priority","type":"int"},
 {"name":"gift","type":"boolean"}]}`

func benchOrder() *BenchOrder {
	note := "leave at the door"
	return &BenchOrder{
		ID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Customer: 1234567, Email: "ada.lovelace@example.com",
		Status: "PAID", Total: 1234.56, Currency: "EUR", CreatedAt: time.Date(2024, 3, 15, 12, 34, 56, 789e6, time.UTC),
		Shipping: BenchAddress{"12 Analytical Way", "London", "NW1 6XE"},
		Items: []BenchItem{{"SKU-0001", 1, 9.99}, {"SKU-0002", 2, 19.99}, {"SKU-0003", 3, 29.99},
			{"SKU-0004", 4, 39.99}, {"SKU-0005", 5, 49.99}},
		Attrs: map[string]string{"channel": "web", "campaign": "spring", "coupon": "ADA10"},
		Note:  &note, Priority: 2, Gift: true,
	}
}

var benchCtx = context.Background()

// benchAvro returns a warm Avro serializer and deserializer of BenchOrder
// for a schema with rules rs (nil: no rules).
func benchAvro(b *testing.B, rs *registry.RuleSet) (*serde.Serializer[*BenchOrder], *serde.Deserializer[*BenchOrder], []byte) {
	b.Helper()
	mock, err := mockregistry.New(mockregistry.WithFormats(avro.Format()))
	if err != nil {
		b.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := client.Register(benchCtx, "bench-value", registry.Schema{Schema: benchSchema, RuleSet: rs}); err != nil {
		b.Fatal(err)
	}
	enc, err := encryption.New(client, encryption.WithKMS(localkms.New("bench")), encryption.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	rules := serde.WithRuleExecutors(enc.Executors()...)
	s, err := avro.NewSerializer[*BenchOrder](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	if err != nil {
		b.Fatal(err)
	}
	d, err := avro.NewDeserializer[*BenchOrder](client, serde.Value, rules)
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := s.Serialize(benchCtx, "bench", benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Deserialize(benchCtx, "bench", payload, nil); err != nil {
		b.Fatal(err)
	}
	return s, d, payload
}

func benchRule(typ string, tags ...string) registry.Rule {
	return registry.Rule{Name: "enc", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: typ, Tags: tags,
		Params: map[string]string{encryption.ParamKEKName: "bench-kek", encryption.ParamKMSType: "local-kms", encryption.ParamKMSKeyID: "bench-key"}}
}

var benchCases = []struct {
	name string
	rs   *registry.RuleSet
}{
	{"NoRules", nil},
	{"EncryptPayload", &registry.RuleSet{EncodingRules: []registry.Rule{benchRule(encryption.TypeEncryptPayload)}}},
	{"EncryptTwoFields", &registry.RuleSet{DomainRules: []registry.Rule{benchRule(encryption.TypeEncrypt, "PII")}}},
}

func BenchmarkSerialize(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			s, _, _ := benchAvro(b, c.rs)
			v := benchOrder()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := s.Serialize(benchCtx, "bench", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDeserialize(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			_, d, payload := benchAvro(b, c.rs)
			var v *BenchOrder
			b.ReportAllocs()
			for b.Loop() {
				if err := d.DeserializeInto(benchCtx, "bench", payload, nil, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchAEAD is the raw AEAD of the rules' default algorithm, AES256_GCM.
func benchAEAD(b *testing.B) *aeadsubtle.AESGCM {
	a, err := aeadsubtle.NewAESGCM(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkRawAEAD is the floor of each rule: hamba's encoding plus the
// AEAD work on the same bytes — the whole body (payload), or the two
// fields with their base64 (fields) — without serde, registry or rules.
func BenchmarkRawAEAD(b *testing.B) {
	api := havro.Config{}.Freeze()
	schema, err := havro.Parse(benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	a := benchAEAD(b)
	v := benchOrder()
	b.Run("Payload/Encrypt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			body, err := api.Marshal(schema, v)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := a.Encrypt(body, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	body, _ := api.Marshal(schema, v)
	ct, _ := a.Encrypt(body, nil)
	b.Run("Payload/AEADOnly", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Encrypt(body, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Payload/AEADDecryptOnly", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Decrypt(ct, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Payload/Decrypt", func(b *testing.B) {
		b.ReportAllocs()
		var out BenchOrder
		for b.Loop() {
			pt, err := a.Decrypt(ct, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := api.Unmarshal(schema, pt, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TwoFields/Encrypt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := *v
			for _, f := range []*string{&c.Email, &c.Shipping.Street} {
				ct, err := a.Encrypt([]byte(*f), nil)
				if err != nil {
					b.Fatal(err)
				}
				*f = base64.StdEncoding.EncodeToString(ct)
			}
			if _, err := api.Marshal(schema, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TwoFields/AEADOnly", func(b *testing.B) {
		b.ReportAllocs()
		fields := []string{v.Email, v.Shipping.Street}
		for b.Loop() {
			for _, f := range fields {
				ct, err := a.Encrypt([]byte(f), nil)
				if err != nil {
					b.Fatal(err)
				}
				_ = base64.StdEncoding.EncodeToString(ct)
			}
		}
	})
	c := *v
	for _, f := range []*string{&c.Email, &c.Shipping.Street} {
		ct, _ := a.Encrypt([]byte(*f), nil)
		*f = base64.StdEncoding.EncodeToString(ct)
	}
	enc, _ := api.Marshal(schema, &c)
	b.Run("TwoFields/Decrypt", func(b *testing.B) {
		b.ReportAllocs()
		var out BenchOrder
		for b.Loop() {
			if err := api.Unmarshal(schema, enc, &out); err != nil {
				b.Fatal(err)
			}
			for _, f := range []*string{&out.Email, &out.Shipping.Street} {
				ct, err := base64.StdEncoding.DecodeString(*f)
				if err != nil {
					b.Fatal(err)
				}
				pt, err := a.Decrypt(ct, nil)
				if err != nil {
					b.Fatal(err)
				}
				*f = string(pt)
			}
		}
	})
}

// BenchmarkFakeFormat measures ENCRYPT on the test format (two of its
// string fields), whose walk is a struct copy: the executor's share of
// field encryption without a real format's walk.
func BenchmarkFakeFormat(b *testing.B) {
	md := &registry.Metadata{Tags: map[string][]string{"person.name": {"PII"}, "person.email": {"PII"}}}
	for _, c := range []struct {
		name string
		rs   *registry.RuleSet
	}{{"NoRules", nil}, {"EncryptTwoFields", domain(encRule())}} {
		b.Run(c.name, func(b *testing.B) {
			t := &testing.T{}
			e := newEnv(t, c.rs, md)
			if c.rs == nil {
				e.register(nil, md)
			}
			s, d := e.serializer(), e.deserializer()
			v := alicePII()
			payload, _, err := s.Serialize(benchCtx, testTopic, v)
			if err != nil || t.Failed() {
				b.Fatal(err)
			}
			b.Run("Serialize", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := s.Serialize(benchCtx, testTopic, v); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Deserialize", func(b *testing.B) {
				b.ReportAllocs()
				var out *person
				for b.Loop() {
					if err := d.DeserializeInto(benchCtx, testTopic, payload, nil, &out); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
