package codeceval

import (
	"bytes"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
	tavro "github.com/twmb/avro"

	"github.com/srkit-go/srkit/internal/vectortest"
)

const vectorsDir = "../../testdata/vectors"

// vectorBody is one Avro vector's writer schema (after the schemas it
// references) and body, for vectors whose body is plain Avro (no
// encryption or rules).
type vectorBody struct {
	name   string
	deps   []string
	schema string
	body   []byte
}

// hamba parses the vector's schema with hamba.
func (v vectorBody) hamba() havro.Schema {
	cache := &havro.SchemaCache{}
	for _, d := range v.deps {
		if _, err := havro.ParseWithCache(d, "", cache); err != nil {
			panic(err)
		}
	}
	s, err := havro.ParseWithCache(v.schema, "", cache)
	if err != nil {
		panic(err)
	}
	return s
}

// twmb parses the vector's schema with twmb.
func (v vectorBody) twmb() (*tavro.Schema, error) {
	var cache tavro.SchemaCache
	for _, d := range v.deps {
		if _, err := cache.Parse(d); err != nil {
			return nil, err
		}
	}
	return cache.Parse(v.schema)
}

func vectorBodies(t testing.TB) []vectorBody {
	t.Helper()
	var out []vectorBody
	for _, v := range vectortest.Load(t, vectorsDir, "AVRO") {
		if v.NeedsRules() {
			continue
		}
		vb := vectorBody{name: v.Name, body: v.Payload(t)[v.WireSchemaID.BodyOffset:]}
		for _, r := range v.Registry {
			if (v.WireSchemaID.ID != 0 && r.ID == v.WireSchemaID.ID) || (v.WireSchemaID.GUID != "" && r.GUID == v.WireSchemaID.GUID) {
				vb.schema = r.Schema.Schema
				for _, ref := range r.References {
					for _, d := range v.Registry {
						if d.Subject == ref.Subject && d.Version == ref.Version {
							vb.deps = append(vb.deps, d.Schema.Schema)
						}
					}
				}
			}
		}
		out = append(out, vb)
	}
	if len(out) == 0 {
		t.Fatal("no vectors")
	}
	return out
}

// hasBlocks reports whether a schema text holds an array or a map.
func hasBlocks(schema string) bool {
	return bytes.Contains([]byte(schema), []byte(`"array"`)) || bytes.Contains([]byte(schema), []byte(`"map"`))
}

// TestVectorBytes re-encodes every plain vector's value with each codec
// (decoded by that codec into a generic value, encoded again) and compares
// the bytes with what Confluent's Go serializer wrote. hamba reproduces
// every vector. twmb reproduces the vectors without arrays and maps and
// none of those with them: it writes each array and map as one block with a
// positive count (as Java does), where Confluent's Go serializer (hamba)
// writes negative counts followed by the block's byte size.
func TestVectorBytes(t *testing.T) {
	for _, v := range vectorBodies(t) {
		hs := v.hamba()
		if v.schema == `"bytes"` {
			continue // written raw, without a codec
		}
		var hv any
		if err := havro.Unmarshal(hs, v.body, &hv); err != nil {
			t.Fatalf("%s: hamba decode: %v", v.name, err)
		}
		// Go's map order is random: a value with a map of several entries
		// matches the vector's (sorted) bytes in one of a few tries.
		hb, err := encodeTries(func() ([]byte, error) { return havro.Marshal(hs, hv) }, v.body)
		if err != nil || !bytes.Equal(hb, v.body) {
			t.Errorf("%s: hamba re-encodes % x (%v), vector % x", v.name, hb, err, v.body)
		}

		ts, err := v.twmb()
		if err != nil {
			t.Fatalf("%s: twmb parse: %v", v.name, err)
		}
		var tv any
		if rest, err := ts.Decode(v.body, &tv); err != nil || len(rest) != 0 {
			t.Fatalf("%s: twmb decode: %v (%d bytes left)", v.name, err, len(rest))
		}
		tb, err := encodeTries(func() ([]byte, error) { return ts.Encode(&tv) }, v.body)
		if err != nil {
			t.Fatalf("%s: twmb encode: %v", v.name, err)
		}
		same := bytes.Equal(tb, v.body)
		t.Logf("%s: twmb byte-identical: %v", v.name, same)
		if same == hasBlocks(v.schema+strings.Join(v.deps, "")) {
			t.Errorf("%s: twmb re-encodes % x\n                 vector % x", v.name, tb, v.body)
		}
	}
}

// encodeTries encodes up to 64 times until the bytes are want.
func encodeTries(encode func() ([]byte, error), want []byte) ([]byte, error) {
	var b []byte
	var err error
	for range 64 {
		if b, err = encode(); err != nil || bytes.Equal(b, want) {
			break
		}
	}
	return b, err
}

type account struct {
	ID          int64            `avro:"id"`
	Count       int32            `avro:"count"`
	Active      bool             `avro:"active"`
	Score       float32          `avro:"score"`
	Ratio       float64          `avro:"ratio"`
	Name        string           `avro:"name"`
	Address     address          `avro:"address"`
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

type address struct {
	Street string `avro:"street"`
	Zip    int32  `avro:"zip"`
}

// sameAccount compares decoded accounts: decimals by value, times by
// instant.
func sameAccount(a, b account) bool {
	if a.Balance == nil || b.Balance == nil || a.Balance.Cmp(b.Balance) != 0 ||
		!a.Birthday.Equal(b.Birthday) || !a.CreatedAt.Equal(b.CreatedAt) {
		return false
	}
	a.Balance, b.Balance = nil, nil
	a.Birthday, b.Birthday, a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// TestVectorsTyped: both codecs read the complex-record vector (blocks
// with byte sizes, every type family, decimal, date before 1970,
// timestamp, uuid) into the same Go struct, and each one's encoding of the
// struct reads back with the other.
func TestVectorsTyped(t *testing.T) {
	for _, v := range vectorBodies(t) {
		if v.name != "avro_record_complex" {
			continue
		}
		var h, tw account
		if err := havro.Unmarshal(v.hamba(), v.body, &h); err != nil {
			t.Fatal(err)
		}
		ts, err := v.twmb()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Decode(v.body, &tw); err != nil {
			t.Fatal(err)
		}
		if !sameAccount(h, tw) {
			t.Fatalf("hamba %+v\ntwmb  %+v", h, tw)
		}
		tb, err := ts.Encode(&tw)
		if err != nil {
			t.Fatal(err)
		}
		var back account
		if err := havro.Unmarshal(v.hamba(), tb, &back); err != nil || !sameAccount(back, h) {
			t.Fatalf("hamba reading twmb's bytes: %+v, %v", back, err)
		}
		return
	}
	t.Fatal("no complex vector")
}
