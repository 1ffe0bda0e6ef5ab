package avro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds a small JSON tree that keeps member order and number
// literals, and writes JSON the way Jackson (Java) does. The registry's
// canonical and normalized schema texts are Java renderings, so the
// printers in canonical.go and normalize.go use it.

// jsonKind is the kind of a JSON value.
type jsonKind byte

const (
	jNull jsonKind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jval is a JSON value.
type jval struct {
	kind jsonKind
	b    bool
	s    string // string value, or number literal
	arr  []*jval
	obj  []jmember // in document order; a repeated key keeps its last value
}

type jmember struct {
	key string
	val *jval
}

// maxJSONDepth bounds the nesting of schema documents.
const maxJSONDepth = 512

// parseJSON parses one JSON document.
func parseJSON(text string) (*jval, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := readJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func readJSON(dec *json.Decoder, depth int) (*jval, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("JSON nests deeper than %d", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jval{kind: jNull}, nil
	case bool:
		return &jval{kind: jBool, b: t}, nil
	case json.Number:
		return &jval{kind: jNumber, s: string(t)}, nil
	case string:
		return &jval{kind: jString, s: t}, nil
	case json.Delim:
		if t == '[' {
			v := &jval{kind: jArray}
			for dec.More() {
				e, err := readJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
			_, err := dec.Token()
			return v, err
		}
		v := &jval{kind: jObject}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			e, err := readJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			v.set(kt.(string), e)
		}
		_, err := dec.Token()
		return v, err
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// set adds or replaces a member. A repeated key keeps its first position
// and its last value, as Jackson's ObjectNode does.
func (v *jval) set(key string, val *jval) {
	for i := range v.obj {
		if v.obj[i].key == key {
			v.obj[i].val = val
			return
		}
	}
	v.obj = append(v.obj, jmember{key: key, val: val})
}

// get returns member key of an object, nil if absent.
func (v *jval) get(key string) *jval {
	if v == nil || v.kind != jObject {
		return nil
	}
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// text returns the value of a string member, and whether it is one.
func (v *jval) text(key string) (string, bool) {
	m := v.get(key)
	if m == nil || m.kind != jString {
		return "", false
	}
	return m.s, true
}

// isInteger reports whether a number literal is an integer (Jackson reads
// it as an int, long or big integer rather than a double).
func isInteger(lit string) bool {
	return !strings.ContainsAny(lit, ".eE")
}

// writeJackson appends v as Jackson writes a parsed tree: compact, strings
// escaped Jackson's way, integers as read, other numbers as Java doubles.
func writeJackson(b *bytes.Buffer, v *jval) {
	switch v.kind {
	case jNull:
		b.WriteString("null")
	case jBool:
		b.WriteString(strconv.FormatBool(v.b))
	case jNumber:
		b.WriteString(javaNumber(v.s))
	case jString:
		writeJavaString(b, v.s)
	case jArray:
		b.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJackson(b, e)
		}
		b.WriteByte(']')
	case jObject:
		b.WriteByte('{')
		for i, m := range v.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJavaString(b, m.key)
			b.WriteByte(':')
			writeJackson(b, m.val)
		}
		b.WriteByte('}')
	}
}

// javaNumber renders a JSON number literal as Jackson re-writes it.
func javaNumber(lit string) string {
	if isInteger(lit) {
		n, ok := new(big.Int).SetString(lit, 10)
		if !ok {
			return lit
		}
		return n.String()
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return lit
	}
	return javaDouble(f)
}

// javaDouble formats f as Java's Double.toString does.
func javaDouble(f float64) string { return javaFloat(f, 64) }

// javaFloat formats f as Java's Double.toString (bits 64) or Float.toString
// (bits 32): shortest digits, plain notation between 10^-3 and 10^7, else
// computerized scientific notation ("1.0E7"), always with a fraction digit.
func javaFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(f)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, bits) // d[.ddd]e±XX
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// writeJavaString appends s as a JSON string the way Jackson escapes it:
// quote, backslash and control characters only (\b \t \n \f \r, else
// \u00XX with upper-case hex); everything else as UTF-8.
func writeJavaString(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteString(`\uFFFD`)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}
