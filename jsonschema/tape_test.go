package jsonschema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustTape(t testing.TB, text string) *tape {
	t.Helper()
	tp := &tape{}
	if err := tp.parse([]byte(text), Limits{MaxDepth: MaxMaxDepth, MaxBytes: DefaultMaxBytes}); err != nil {
		t.Fatalf("parse(%q): %v", text, err)
	}
	return tp
}

// The tape reads strings as encoding/json does: escapes, surrogate pairs,
// lone surrogates and invalid UTF-8 (each bad byte a U+FFFD).
func TestTapeStrings(t *testing.T) {
	for _, text := range []string{
		`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
		`"\ud83d\u0041"`, "\"\xff\xfe\"", "\"caf\xc3\xa9\"", "\"\xe2\x82\"", `""`,
	} {
		var want string
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		if got := string(mustTape(t, text).strValue(0)); got != want {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
}

// A repeated key leaves only its last member in the object, as
// encoding/json (and Jackson) keep the last value: validation sees what
// the decoder will decode.
func TestTapeRepeatedKeys(t *testing.T) {
	s := mustParse(t, `{"properties":{"n":{"type":"integer"}},"maxProperties":2}`)
	for text, valid := range map[string]bool{
		`{"n":"x","n":1}`:                             true,
		`{"n":1,"n":"x"}`:                             false,
		`{"n":1,"\u006e":"x"}`:                        false, // the same key, escaped
		`{"a":1,"b":2,"a":3}`:                         true,  // two members, not three
		`{"a":1,"b":2,"c":3}`:                         false,
		manyKeys(40) + `,"k0":"x","n":1}`:             false, // many members: found by hashing
		`{` + strings.Repeat(`"n":1,`, 30) + `"n":2}`: true,
	} {
		if err := s.ValidateJSON([]byte(text)); (err == nil) != valid {
			t.Errorf("%s: err = %v, want valid = %v", text, err, valid)
		}
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString(`{"k0":0`)
	for i := 1; i < n; i++ {
		b.WriteString(`,"k` + itoa(i) + `":` + itoa(i))
	}
	return b.String()
}

// Numbers compare exactly, however written.
func TestNumbersExact(t *testing.T) {
	for _, tc := range []struct {
		schema, value string
		valid         bool
	}{
		{`{"minimum":0}`, `-0.0`, true},
		{`{"minimum":0}`, `-0.00001`, false},
		{`{"exclusiveMinimum":0}`, `0e10`, false},
		{`{"maximum":1e2}`, `100.000`, true},
		{`{"maximum":1e2}`, `100.0000000000000000000001`, false},
		{`{"minimum":12345678901234567890}`, `12345678901234567889`, false},
		{`{"minimum":12345678901234567890}`, `1.2345678901234567890e19`, true},
		{`{"type":"integer"}`, `1.0`, true},
		{`{"type":"integer"}`, `1e400`, true},
		{`{"type":"integer"}`, `1.5e0`, false},
		{`{"type":"integer"}`, `15e-1`, false},
		{`{"multipleOf":0.01}`, `0.07`, true},
		{`{"multipleOf":0.01}`, `0.075`, false},
		{`{"multipleOf":3}`, `1e100`, false},
		{`{"multipleOf":2}`, `1e100`, true},
		{`{"multipleOf":12345678901234567890123}`, `24691357802469135780246`, true},
		{`{"multipleOf":12345678901234567890123}`, `24691357802469135780247`, false},
		{`{"multipleOf":7}`, `7e999999999999`, true},
		{`{"enum":[1]}`, `1.00`, true},
		{`{"const":{"a":[1,2]}}`, `{"a":[1.0,2e0]}`, true},
		{`{"uniqueItems":true}`, `[1,1.0]`, false},
		{`{"uniqueItems":true}`, `[{"a":1,"b":2},{"b":2,"a":1}]`, false},
	} {
		s := mustParse(t, tc.schema)
		if err := s.ValidateJSON([]byte(tc.value)); (err == nil) != tc.valid {
			t.Errorf("%s against %s: err = %v, want valid = %v", tc.value, tc.schema, err, tc.valid)
		}
	}
	// uniqueItems over many items, by hashing.
	s := mustParse(t, `{"uniqueItems":true}`)
	var b strings.Builder
	b.WriteString("[")
	for i := range 1000 {
		b.WriteString(`{"k":` + itoa(i) + `},`)
	}
	if err := s.ValidateJSON([]byte(b.String() + `{"k":1000}]`)); err != nil {
		t.Fatalf("1001 distinct items: %v", err)
	}
	err := s.ValidateJSON([]byte(b.String() + `{"k":5.0}]`))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Message != "items at index 5 and 1000 are equal" {
		t.Fatalf("a repeated item: %v", err)
	}
}

// FuzzTape checks the tape parser against encoding/json: it accepts
// exactly the texts json.Valid accepts, and reads every string as
// encoding/json decodes it.
func FuzzTape(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,"x\u00e9\n",true,false,null]}`, `"\ud83d\ude00"`, `[1,]`, `{"a" 1}`,
		`01`, `1.`, `-`, `1e`, "\"\x01\"", `{"a":1,"a":2}`, "\"\xff\"", ` [ ] `, `[[[[]]]]`, `"\u12"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tp := &tape{}
		var err error
		// One token (20 bytes) a byte at most, and the slice's growth.
		budget(t, time.Second, 1<<20+uint64(len(b))*64, func() {
			err = tp.parse(b, Limits{MaxDepth: MaxMaxDepth, MaxBytes: DefaultMaxBytes})
		})
		var le *LimitError
		if errors.As(err, &le) {
			return
		}
		if valid := json.Valid(b); (err == nil) != valid {
			t.Fatalf("parse = %v, json.Valid = %v", err, valid)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("parse error %v does not match ErrMalformed", err)
			}
			return
		}
		for i := range tp.toks {
			if tp.toks[i].kind != tString {
				continue
			}
			var want string
			quoted := b[tp.toks[i].start-1 : tp.toks[i].end+1]
			if err := json.Unmarshal(quoted, &want); err != nil {
				t.Fatalf("token %d %q: %v", i, quoted, err)
			}
			if got := string(tp.strValue(uint32(i))); got != want {
				t.Fatalf("token %d %q: got %q, want %q", i, quoted, got, want)
			}
		}
	})
}
