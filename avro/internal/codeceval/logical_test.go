package codeceval

import (
	"bytes"
	"math/big"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
	tavro "github.com/twmb/avro"
)

const logicalSchema = `{"type":"record","name":"L","fields":[
 {"name":"decBytes","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
 {"name":"decFixed","type":{"type":"fixed","name":"DF","size":8,"logicalType":"decimal","precision":18,"scale":2}},
 {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"timeMs","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"timeUs","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsMs","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsUs","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"localMs","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"localUs","type":{"type":"long","logicalType":"local-timestamp-micros"}},
 {"name":"optionalT","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}`

type logical struct {
	DecBytes           *big.Rat      `avro:"decBytes"`
	DecFixed           *big.Rat      `avro:"decFixed"`
	UUID               string        `avro:"uuid"`
	Date               time.Time     `avro:"date"`
	TimeMilliPrecision time.Duration `avro:"timeMs"`
	TimeMicroPrecision time.Duration `avro:"timeUs"`
	TsMs               time.Time     `avro:"tsMs"`
	TsUs               time.Time     `avro:"tsUs"`
	LocalMs            time.Time     `avro:"localMs"`
	LocalUs            time.Time     `avro:"localUs"`
	OptionalT          *time.Time    `avro:"optionalT"`
}

// TestLogicalTypes: both codecs encode every logical type both support to
// the same bytes, and each reads the other's. (The differences: duration
// is hamba's LogicalDuration or twmb's Duration, two Go types; hamba, and
// so Confluent's Go serializer, reads timestamp-nanos and
// local-timestamp-nanos as plain longs, twmb as time.Time.)
func TestLogicalTypes(t *testing.T) {
	ts := time.Date(2024, 3, 15, 12, 34, 56, 789_123_000, time.UTC)
	opt := ts.Truncate(time.Millisecond)
	for _, in := range []logical{
		{big.NewRat(-1234567, 10000), big.NewRat(98765, 100), "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b",
			time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC), 13*time.Hour + 5*time.Millisecond, 13*time.Hour + 7*time.Microsecond,
			ts.Truncate(time.Millisecond), ts.Truncate(time.Microsecond), ts.Truncate(time.Millisecond), ts.Truncate(time.Microsecond), &opt},
		{big.NewRat(0, 1), big.NewRat(-1, 100), "00000000-0000-0000-0000-000000000000",
			time.Unix(0, 0).UTC(), 0, 0, time.Unix(0, 0).UTC(), time.Unix(-1, 0).UTC(), time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC(), nil},
	} {
		hb, err := havro.Marshal(havro.MustParse(logicalSchema), in)
		if err != nil {
			t.Fatal(err)
		}
		s := tavro.MustParse(logicalSchema)
		tb, err := s.Encode(&in)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(hb, tb) {
			t.Errorf("bytes differ:\n hamba % x\n twmb  % x", hb, tb)
		}
		var fromHamba, fromTwmb logical
		if _, err := s.Decode(hb, &fromHamba); err != nil || !sameLogical(fromHamba, in) {
			t.Errorf("twmb reading hamba: %+v, %v", fromHamba, err)
		}
		if err := havro.Unmarshal(havro.MustParse(logicalSchema), tb, &fromTwmb); err != nil || !sameLogical(fromTwmb, in) {
			t.Errorf("hamba reading twmb: %+v, %v", fromTwmb, err)
		}
	}
}

func sameLogical(a, b logical) bool {
	eqT := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.DecBytes.Cmp(b.DecBytes) == 0 && a.DecFixed.Cmp(b.DecFixed) == 0 && a.UUID == b.UUID &&
		a.Date.Equal(b.Date) && a.TimeMilliPrecision == b.TimeMilliPrecision && a.TimeMicroPrecision == b.TimeMicroPrecision && a.TsMs.Equal(b.TsMs) &&
		a.TsUs.Equal(b.TsUs) && a.LocalMs.Equal(b.LocalMs) && a.LocalUs.Equal(b.LocalUs) && eqT(a.OptionalT, b.OptionalT)
}

// TestNanosAndDuration pins the two logical-type differences.
func TestNanosAndDuration(t *testing.T) {
	const schema = `{"type":"record","name":"N","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-nanos"}},
	  {"name":"d","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}}]}`
	body := append(zigzag(1_710_506_096_789_123_456), 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0)
	var h map[string]any
	if err := havro.Unmarshal(havro.MustParse(schema), body, &h); err != nil {
		t.Fatal(err)
	}
	var tw map[string]any
	if _, err := tavro.MustParse(schema).Decode(body, &tw); err != nil {
		t.Fatal(err)
	}
	if _, ok := h["at"].(int64); !ok {
		t.Errorf("hamba timestamp-nanos: %T", h["at"])
	}
	if at, ok := tw["at"].(time.Time); !ok || at.UnixNano() != 1_710_506_096_789_123_456 {
		t.Errorf("twmb timestamp-nanos: %T %v", tw["at"], tw["at"])
	}
	if _, ok := h["d"].(havro.LogicalDuration); !ok {
		t.Errorf("hamba duration: %T", h["d"])
	}
	if _, ok := tw["d"].(tavro.Duration); !ok {
		t.Errorf("twmb duration: %T", tw["d"])
	}
}
