package protobuf

import (
	"fmt"
	"strings"
	"testing"
)

// TestDefaultJSONName: the JSON names filled into descriptors that lack
// them are the ones protoc (and protocompile, compiling .proto text) gives.
func TestDefaultJSONName(t *testing.T) {
	names := []string{"a", "order_id", "line_items_v2", "foo__bar", "_lead", "trail_", "x_1y", "HTTP_code", "already", "mixedCase_name"}
	want := map[string]string{"order_id": "orderId", "foo__bar": "fooBar", "_lead": "Lead", "trail_": "trail", "x_1y": "x1y", "HTTP_code": "HTTPCode"}
	var b strings.Builder
	b.WriteString(`syntax = "proto2"; message M {`)
	for i, n := range names {
		fmt.Fprintf(&b, "optional int32 %s = %d;", n, i+1)
	}
	b.WriteString("}")
	s, err := Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	fields := s.Descriptor().Messages().Get(0).Fields()
	for i, n := range names {
		if got, compiled := defaultJSONName(n), fields.Get(i).JSONName(); got != compiled {
			t.Errorf("%s: %q, protocompile gives %q", n, got, compiled)
		}
		if w, ok := want[n]; ok && defaultJSONName(n) != w {
			t.Errorf("%s: %q, want %q", n, defaultJSONName(n), w)
		}
	}
}
