package avro

import (
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/serde"
)

// Go types for the vectors' schemas (specific records).

type vecAddress struct {
	Street string `avro:"street"`
	Zip    int32  `avro:"zip"`
}

type vecAccount struct {
	ID          int64            `avro:"id"`
	Count       int32            `avro:"count"`
	Active      bool             `avro:"active"`
	Score       float32          `avro:"score"`
	Ratio       float64          `avro:"ratio"`
	Name        string           `avro:"name"`
	Address     vecAddress       `avro:"address"`
	Status      string           `avro:"status"`
	Tags        []string         `avro:"tags"`
	Limits      map[string]int64 `avro:"limits"`
	Nickname    *string          `avro:"nickname"`
	Referrer    *int64           `avro:"referrer"`
	Avatar      []byte           `avro:"avatar"`
	Fingerprint [8]byte          `avro:"fingerprint"`
	Balance     *big.Rat         `avro:"balance"`
	Birthday    time.Time        `avro:"birthday"`
	CreatedAt   time.Time        `avro:"createdAt"`
	ExternalID  string           `avro:"externalId"`
}

func wantAccount() vecAccount {
	nick := "ada"
	bal, _ := new(big.Rat).SetString("-98765.43")
	return vecAccount{
		ID: 1234567890123, Count: -42, Active: true, Score: 3.25, Ratio: 0.1, Name: "Ada Lovelace",
		Address: vecAddress{Street: "12 Analytical Way", Zip: 10115}, Status: "SUSPENDED",
		Tags: []string{"alpha", "beta"}, Limits: map[string]int64{"daily": 5000, "monthly": 150000},
		Nickname: &nick, Avatar: []byte{0xde, 0xad, 0xbe, 0xef}, Fingerprint: [8]byte{1, 2, 3, 4, 5, 6, 7, 8},
		Balance:    bal,
		Birthday:   time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC),
		CreatedAt:  time.Date(2024, 3, 15, 12, 34, 56, 789_000_000, time.UTC),
		ExternalID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b",
	}
}

func sameAccount(t *testing.T, got, want vecAccount) {
	t.Helper()
	if got.Balance == nil || got.Balance.Cmp(want.Balance) != 0 {
		t.Errorf("balance = %v, want %v", got.Balance, want.Balance)
	}
	if !got.Birthday.Equal(want.Birthday) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("times = %v %v, want %v %v", got.Birthday, got.CreatedAt, want.Birthday, want.CreatedAt)
	}
	got.Balance, want.Balance = nil, nil
	got.Birthday, want.Birthday = time.Time{}, time.Time{}
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestVectorsSpecificRecord reads and writes the complex record vectors with
// a Go struct: every logical type, fixed, enum, nullable unions, map, array
// and nested record through the specific path.
func TestVectorsSpecificRecord(t *testing.T) {
	for _, v := range loadVectors(t) {
		switch v.Name {
		case "avro_record_complex", "avro_guid_header", "avro_guid_prefix":
		default:
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			client := vectortest.Serve(t, v)
			ctx := context.Background()
			d, err := NewDeserializer[vecAccount](client, serde.Value, vectorDeserOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), vectorHeaders(t, v))
			if err != nil {
				t.Fatal(err)
			}
			sameAccount(t, got, wantAccount())

			// Pointer T: the same through *vecAccount.
			dp, err := NewDeserializer[*vecAccount](client, serde.Value, vectorDeserOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			gp, err := dp.Deserialize(ctx, v.Topic, v.Payload(t), vectorHeaders(t, v))
			if err != nil || gp == nil {
				t.Fatalf("pointer: %v %v", gp, err)
			}
			sameAccount(t, *gp, wantAccount())

			s, err := NewSerializer[vecAccount](client, serde.Value, vectorSerOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			schema := parseEntry(t, v, writerEntry(t, v))
			checkSerialized(t, v, schema.parsed.schema, func() ([]byte, []serde.Header, error) {
				return s.Serialize(ctx, v.Topic, wantAccount())
			})
			sp, err := NewSerializer[*vecAccount](client, serde.Value, vectorSerOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			want := wantAccount()
			checkSerialized(t, v, schema.parsed.schema, func() ([]byte, []serde.Header, error) {
				return sp.Serialize(ctx, v.Topic, &want)
			})
		})
	}
}

// customerKey derives exactly the schema Confluent's Go serializer
// registered for the key vectors.
type customerKey struct {
	Tenant     string `avro:"tenant"`
	CustomerID int64  `avro:"customerId"`
}

func (customerKey) AvroName() string { return "io.vectors.keys.CustomerKey" }

// TestVectorsDerivedKeys auto-registers the key vectors' schema derived
// from a Go struct: the vector registry accepts only the exact text
// Confluent registered, under the subject the record-name strategies pick.
func TestVectorsDerivedKeys(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Name != "avro_key_record_name_strategy" && v.Name != "avro_key_topic_record_name_strategy" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			client := vectortest.Serve(t, v)
			ctx := context.Background()
			s, err := NewSerializer[customerKey](client, serde.Key, vectorSerOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			checkSerialized(t, v, parseEntry(t, v, writerEntry(t, v)).parsed.schema, func() ([]byte, []serde.Header, error) {
				return s.Serialize(ctx, v.Topic, customerKey{Tenant: "acme", CustomerID: 4242})
			})
			d, err := NewDeserializer[customerKey](client, serde.Key, vectorDeserOpts(t, v)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != (customerKey{Tenant: "acme", CustomerID: 4242}) {
				t.Errorf("got %+v", got)
			}
		})
	}
}

// TestVectorsPrimitives writes and reads the primitive vectors with their
// Go types: the schema derived from string and []byte, the bytes value raw.
func TestVectorsPrimitives(t *testing.T) {
	ctx := context.Background()
	for _, v := range loadVectors(t) {
		switch v.Name {
		case "avro_primitive_string":
			t.Run(v.Name, func(t *testing.T) {
				client := vectortest.Serve(t, v)
				var want string
				if err := json.Unmarshal(v.Value, &want); err != nil {
					t.Fatal(err)
				}
				s, err := NewSerializer[string](client, serde.Value, vectorSerOpts(t, v)...)
				if err != nil {
					t.Fatal(err)
				}
				checkSerialized(t, v, nil, func() ([]byte, []serde.Header, error) { return s.Serialize(ctx, v.Topic, want) })
				d, err := NewDeserializer[string](client, serde.Value)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), nil); err != nil || got != want {
					t.Errorf("got %q, %v; want %q", got, err, want)
				}
			})
		case "avro_primitive_bytes":
			t.Run(v.Name, func(t *testing.T) {
				client := vectortest.Serve(t, v)
				var want []byte
				if err := json.Unmarshal(v.Value, &want); err != nil {
					t.Fatal(err)
				}
				s, err := NewSerializer[[]byte](client, serde.Value, vectorSerOpts(t, v)...)
				if err != nil {
					t.Fatal(err)
				}
				checkSerialized(t, v, nil, func() ([]byte, []serde.Header, error) { return s.Serialize(ctx, v.Topic, want) })
				d, err := NewDeserializer[[]byte](client, serde.Value)
				if err != nil {
					t.Fatal(err)
				}
				got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), nil)
				if err != nil || string(got) != string(want) {
					t.Errorf("got %x, %v; want %x", got, err, want)
				}
			})
		}
	}
}

type vecPostalAddress struct {
	Street  string `avro:"street"`
	City    string `avro:"city"`
	Country string `avro:"country"`
}

type vecCustomer struct {
	ID       int64              `avro:"id"`
	Name     string             `avro:"name"`
	Home     vecPostalAddress   `avro:"home"`
	Previous []vecPostalAddress `avro:"previous"`
}

// TestVectorsReferencesSpecific reads and writes the references vector with
// Go structs: the referenced type comes from its own subject.
func TestVectorsReferencesSpecific(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Name != "avro_record_references" {
			continue
		}
		client := vectortest.Serve(t, v)
		ctx := context.Background()
		want := vecCustomer{ID: 99, Name: "Grace Hopper",
			Home:     vecPostalAddress{"1 Navy Yard", "Arlington", "US"},
			Previous: []vecPostalAddress{{"10 Vassar St", "Poughkeepsie", "US"}}}
		d, err := NewDeserializer[vecCustomer](client, serde.Value)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), nil)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, %v", got, err)
		}
		s, err := NewSerializer[vecCustomer](client, serde.Value, vectorSerOpts(t, v)...)
		if err != nil {
			t.Fatal(err)
		}
		checkSerialized(t, v, nil, func() ([]byte, []serde.Header, error) { return s.Serialize(ctx, v.Topic, want) })

		// The same schema given explicitly, with its reference: the
		// serializer looks it up (the vector registry holds it verbatim).
		entry := writerEntry(t, v)
		s2, err := NewSerializer[vecCustomer](client, serde.Value, serde.AutoRegister(false),
			WithSchema(entry.Schema.Schema, entry.References...))
		if err != nil {
			t.Fatal(err)
		}
		checkSerialized(t, v, nil, func() ([]byte, []serde.Header, error) { return s2.Serialize(ctx, v.Topic, want) })
	}
}
