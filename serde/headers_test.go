package serde_test

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/serde"
)

// TestHeadersConvert: kgo's headers convert to serde's and back without
// copying, and appending to a converted slice never writes into the source.
func TestHeadersConvert(t *testing.T) {
	kh := append(make([]kgo.RecordHeader, 0, 8), kgo.RecordHeader{Key: "a", Value: []byte("1")}, kgo.RecordHeader{Key: serde.ValueSchemaIDHeader, Value: []byte{1}})
	sh := serde.HeadersFrom(kh)
	if len(sh) != 2 || sh[1].Key != serde.ValueSchemaIDHeader || &sh[0].Value[0] != &kh[0].Value[0] {
		t.Fatalf("HeadersFrom = %+v", sh)
	}
	back := serde.HeadersAs[kgo.RecordHeader](sh)
	if len(back) != 2 || &back[0] != &kh[0] {
		t.Fatal("HeadersAs copied")
	}
	if cap(back) != len(back) {
		t.Fatalf("cap %d > len %d: an append would write into shared headers", cap(back), len(back))
	}
	_ = append(back, kgo.RecordHeader{Key: "x"})
	if serde.HeadersFrom[kgo.RecordHeader](nil) != nil || serde.HeadersAs[kgo.RecordHeader](nil) != nil {
		t.Fatal("nil headers must convert to nil")
	}
}
