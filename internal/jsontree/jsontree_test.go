package jsontree

import (
	"strings"
	"testing"
)

func TestJavaFloat(t *testing.T) {
	tests := []struct {
		f    float64
		bits int
		want string
	}{
		{0, 64, "0.0"}, {1, 64, "1.0"}, {-2.5, 64, "-2.5"}, {0.001, 64, "0.001"}, {0.0001, 64, "1.0E-4"},
		{1e7, 64, "1.0E7"}, {9999999, 64, "9999999.0"}, {1.2345e21, 64, "1.2345E21"}, {0.1, 32, "0.1"},
		{float64(float32(3.3)), 32, "3.3"}, {123456789, 64, "1.23456789E8"},
	}
	for _, tt := range tests {
		if got := JavaFloat(tt.f, tt.bits); got != tt.want {
			t.Errorf("JavaFloat(%v, %d) = %s, want %s", tt.f, tt.bits, got, tt.want)
		}
	}
}

// TestPrinters: one tree prints as each registry mapper prints it —
// Avro's (numbers as doubles, members in order) and JSON Schema's (exact
// decimals, optionally sorted members).
func TestPrinters(t *testing.T) {
	v, err := ParseString(`{"b":1.50,"a":[1e7,-0,12345678901234567890,"\u0001é\"\\"],"c":{"y":null,"x":true},"b":2.50}`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		p    Printer
		want string
	}{
		{Printer{}, `{"b":2.5,"a":[1.0E7,0,12345678901234567890,"\u0001é\"\\"],"c":{"y":null,"x":true}}`},
		{Printer{Numbers: BigDecimals}, `{"b":2.50,"a":[1E+7,0,12345678901234567890,"\u0001é\"\\"],"c":{"y":null,"x":true}}`},
		{Printer{Numbers: BigDecimals, SortKeys: true}, `{"a":[1E+7,0,12345678901234567890,"\u0001é\"\\"],"b":2.50,"c":{"x":true,"y":null}}`},
	}
	for _, c := range cases {
		if got := c.p.String(v); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.p, got, c.want)
		}
	}
}

func TestParseLimitsAndTrailingData(t *testing.T) {
	if _, err := ParseString(strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2)); err == nil {
		t.Error("nesting beyond MaxDepth accepted")
	}
	for _, in := range []string{`{} {}`, `"a" x`, `[1,]`, `{"a"}`, ``} {
		if _, err := ParseString(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestEqual(t *testing.T) {
	a, _ := ParseString(`{"x":1.0,"y":[1,2]}`)
	b, _ := ParseString(`{"y":[1,2],"x":1}`)
	c, _ := ParseString(`{"y":[2,1],"x":1}`)
	if !Equal(a, b) || Equal(a, c) {
		t.Error("Equal: numbers compare by value, members ignoring order, arrays in order")
	}
	// Java compares UTF-16 code units: U+10000 is D800 DC00, before U+FFFF
	// (byte order says the opposite).
	if !UTF16Less("\U00010000", "\uffff") || UTF16Less("\uffff", "\U00010000") {
		t.Error("UTF16Less does not order by UTF-16 code unit")
	}
}

func TestBigDecimalString(t *testing.T) {
	for lit, want := range map[string]string{
		"0": "0", "-0": "0", "12": "12", "-12": "-12", "123456789012345678901234567890": "123456789012345678901234567890",
		"1.0": "1.0", "-1.50": "-1.50", "0.001": "0.001", "0.0000001": "1E-7", "1e2": "1E+2", "1E-2": "0.01",
		"1.5e3": "1.5E+3", "12.5e-1": "1.25", "0.0": "0.0", "-0.0": "0.0", "0e5": "0E+5", "1e0": "1",
	} {
		if got := BigDecimalString(lit); got != want {
			t.Errorf("BigDecimalString(%s) = %s, want %s", lit, got, want)
		}
	}
}
