package avro

import (
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	havro "github.com/hamba/avro/v2"
)

type dInner struct {
	X int32 `avro:"x"`
}

type dNode struct {
	Value int64  `avro:"value"`
	Next  *dNode `avro:"next"`
}

type dEmbedded struct {
	E1 string
}

type dAll struct {
	dEmbedded
	B       bool                  `avro:"b"`
	I8      int8                  `avro:"i8"`
	I       int                   `avro:"i"`
	U32     uint32                `avro:"u32"`
	F32     float32               `avro:"f32"`
	F64     float64               `avro:"f64"`
	S       string                `avro:"s"`
	ID      string                `avro:"id,uuid"`
	UUID    uuid.UUID             `avro:"uuid"`
	Raw     []byte                `avro:"raw"`
	Fix     [4]byte               `avro:"fix"`
	When    time.Time             `avro:"when"`
	Day     time.Time             `avro:"day,date"`
	Micro   time.Time             `avro:"micro,timestamp-micros"`
	Local   time.Time             `avro:"local,local-timestamp-millis"`
	Dur     time.Duration         `avro:"dur"`
	Clock   time.Duration         `avro:"durMs,time-millis"`
	Period  havro.LogicalDuration `avro:"period"`
	Money   *big.Rat              `avro:"money,decimal(10,2)"`
	Opt     *string               `avro:"opt"`
	List    []dInner              `avro:"list"`
	Again   dInner                `avro:"again"`
	Counts  map[string]int64      `avro:"counts"`
	Skipped string                `avro:"-"`
	//lint:ignore U1000 an unexported field, which the derived schema must leave out
	private int
}

func (dAll) AvroName() string { return "com.example.All" }

func TestDeriveSchema(t *testing.T) {
	tests := []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[string](), `"string"`},
		{reflect.TypeFor[[]byte](), `"bytes"`},
		{reflect.TypeFor[int64](), `"long"`},
		{reflect.TypeFor[*int32](), `"int"`}, // a top-level pointer is not nullable: nil is a tombstone
		{reflect.TypeFor[map[string]float64](), `{"type":"map","values":"double"}`},
		{reflect.TypeFor[[]string](), `{"type":"array","items":"string"}`},
		{reflect.TypeFor[customerKey](), `{"name":"io.vectors.keys.CustomerKey","type":"record","fields":[{"name":"tenant","type":"string"},{"name":"customerId","type":"long"}]}`},
		{reflect.TypeFor[dNode](), `{"name":"dNode","type":"record","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","dNode"],"default":null}]}`},
		{reflect.TypeFor[dAll](), `{"name":"com.example.All","type":"record","fields":[` +
			`{"name":"E1","type":"string"},{"name":"b","type":"boolean"},{"name":"i8","type":"int"},{"name":"i","type":"long"},` +
			`{"name":"u32","type":"long"},{"name":"f32","type":"float"},{"name":"f64","type":"double"},{"name":"s","type":"string"},` +
			`{"name":"id","type":{"type":"string","logicalType":"uuid"}},{"name":"uuid","type":{"type":"string","logicalType":"uuid"}},` +
			`{"name":"raw","type":"bytes"},{"name":"fix","type":{"name":"com.example.Fix","type":"fixed","size":4}},` +
			`{"name":"when","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"day","type":{"type":"int","logicalType":"date"}},` +
			`{"name":"micro","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"local","type":{"type":"long","logicalType":"local-timestamp-millis"}},` +
			`{"name":"dur","type":{"type":"long","logicalType":"time-micros"}},{"name":"durMs","type":{"type":"int","logicalType":"time-millis"}},` +
			`{"name":"period","type":{"name":"com.example.LogicalDuration","type":"fixed","size":12,"logicalType":"duration"}},` +
			`{"name":"money","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"opt","type":["null","string"],"default":null},` +
			`{"name":"list","type":{"type":"array","items":{"name":"com.example.dInner","type":"record","fields":[{"name":"x","type":"int"}]}}},` +
			`{"name":"again","type":"com.example.dInner"},{"name":"counts","type":{"type":"map","values":"long"}}]}`},
	}
	for _, tt := range tests {
		got, err := DeriveSchema(tt.t)
		if err != nil {
			t.Errorf("%s: %v", tt.t, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.t, got, tt.want)
		}
	}
}

type dBadTag struct {
	A string `avro:"a,nonsense"`
}

type dRatNoTag struct {
	R *big.Rat
}

func TestDeriveSchemaErrors(t *testing.T) {
	tests := []struct {
		t    reflect.Type
		want error
	}{
		{reflect.TypeFor[uint64](), ErrUnsupportedType},
		{reflect.TypeFor[chan int](), ErrUnsupportedType},
		{reflect.TypeFor[map[int]string](), ErrUnsupportedType},
		{reflect.TypeFor[[]int16](), nil}, // arrays of ints are fine
		{reflect.TypeFor[[3]int](), ErrUnsupportedType},
		{reflect.TypeFor[dBadTag](), ErrUnsupportedType},
		{reflect.TypeFor[dRatNoTag](), ErrUnsupportedType},
	}
	for _, tt := range tests {
		_, err := DeriveSchema(tt.t)
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.t, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.t, err, tt.want)
		}
	}
	var ge errGeneric
	if _, err := DeriveSchema(reflect.TypeFor[map[string]any]()); !errors.As(err, &ge) {
		t.Errorf("map[string]any: %v", err)
	}
	if _, err := DeriveSchema(reflect.TypeFor[struct{ A any }]()); err == nil {
		t.Error("anonymous struct with any: no error")
	}
}
