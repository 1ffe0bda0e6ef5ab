package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxSchemaDepth bounds the nesting of schema documents, so that a hostile
// schema ends in an error rather than exhausting the stack.
const maxSchemaDepth = 512

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jv is a JSON value that remembers the order of object members, as the
// registry (Jackson) does when it prints a schema's canonical form.
type jv struct {
	kind jkind
	b    bool
	s    string // string value, or the literal text of a number
	arr  []*jv
	obj  []member
}

// member is one object member.
type member struct {
	key string
	val *jv
}

// get returns the member named key, or nil.
func (v *jv) get(key string) *jv {
	if v == nil || v.kind != jObject {
		return nil
	}
	for i := range v.obj {
		if v.obj[i].key == key {
			return v.obj[i].val
		}
	}
	return nil
}

// has reports whether v is an object with a member named key.
func (v *jv) has(key string) bool { return v.get(key) != nil }

// str returns v's string value and whether v is a string.
func (v *jv) str() (string, bool) {
	if v == nil || v.kind != jString {
		return "", false
	}
	return v.s, true
}

// parseJSON parses one JSON document, keeping member order. Duplicate keys
// keep their first position and their last value, as Jackson does.
func parseJSON(data []byte) (*jv, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("invalid JSON: data after the top-level value")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return v, nil
}

func parseValue(dec *json.Decoder, depth int) (*jv, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("invalid JSON: nested deeper than %d", maxSchemaDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	switch t := tok.(type) {
	case nil:
		return &jv{kind: jNull}, nil
	case bool:
		return &jv{kind: jBool, b: t}, nil
	case json.Number:
		return &jv{kind: jNumber, s: string(t)}, nil
	case string:
		return &jv{kind: jString, s: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &jv{kind: jArray}
			for dec.More() {
				e, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return v, nil
		case '{':
			v := &jv{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errors.New("invalid JSON: object key is not a string")
				}
				e, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				dup := false
				for i := range v.obj {
					if v.obj[i].key == key {
						v.obj[i].val, dup = e, true
						break
					}
				}
				if !dup {
					v.obj = append(v.obj, member{key: key, val: e})
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("invalid JSON: unexpected token %v", tok)
}

// appendCompact appends v's compact JSON text to dst the way the registry's
// Jackson mapper prints it: no insignificant white space, strings escaped
// minimally, numbers in Java's BigDecimal form. With sorted, object members
// are ordered by key (the registry's normalized form).
func appendCompact(dst []byte, v *jv, sorted bool) []byte {
	switch v.kind {
	case jNull:
		return append(dst, "null"...)
	case jBool:
		if v.b {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case jNumber:
		return append(dst, canonicalNumber(v.s)...)
	case jString:
		return appendJSONString(dst, v.s)
	case jArray:
		dst = append(dst, '[')
		for i, e := range v.arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCompact(dst, e, sorted)
		}
		return append(dst, ']')
	}
	members := v.obj
	if sorted && len(members) > 1 {
		members = append([]member(nil), members...)
		sort.SliceStable(members, func(i, j int) bool { return utf16Less(members[i].key, members[j].key) })
	}
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, m.key)
		dst = append(dst, ':')
		dst = appendCompact(dst, m.val, sorted)
	}
	return append(dst, '}')
}

// compactString returns v's compact text in member order.
func compactString(v *jv) string { return string(appendCompact(nil, v, false)) }

// utf16Less orders strings as Java's String.compareTo does (by UTF-16 code
// unit), which differs from byte order only beyond the Basic Multilingual
// Plane.
func utf16Less(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return utf16Unit(ra) < utf16Unit(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) < len(b)
}

// utf16Unit returns the first UTF-16 code unit of r.
func utf16Unit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + ((r - 0x10000) >> 10)
	}
	return r
}

const hexDigits = "0123456789ABCDEF"

// appendJSONString appends s as a JSON string, escaping like Jackson: '"',
// '\\' and control characters only.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// canonicalNumber renders a JSON number literal as the registry prints it:
// integers in plain decimal, numbers with a fraction or an exponent as Java's
// BigDecimal.toString does (Jackson reads them as exact BigDecimals).
func canonicalNumber(lit string) string {
	neg := strings.HasPrefix(lit, "-")
	s := strings.TrimPrefix(lit, "-")
	mant, exp := s, 0
	hasExp := false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		hasExp = true
		mant = s[:i]
		e, ok := new(big.Int).SetString(strings.TrimPrefix(s[i+1:], "+"), 10)
		if !ok || !e.IsInt64() || e.Int64() > 1<<30 || e.Int64() < -(1<<30) {
			return lit
		}
		exp = int(e.Int64())
	}
	intPart, frac := mant, ""
	hasFrac := false
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		hasFrac = true
		intPart, frac = mant[:i], mant[i+1:]
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if !hasExp && !hasFrac {
		if digits == "" {
			return "0"
		}
		if neg {
			return "-" + digits
		}
		return digits
	}
	if digits == "" {
		digits = "0"
	}
	scale := len(frac) - exp
	adjusted := -scale + len(digits) - 1
	var b strings.Builder
	if neg && digits != "0" {
		b.WriteByte('-')
	}
	if scale >= 0 && adjusted >= -6 {
		switch {
		case scale == 0:
			b.WriteString(digits)
		case len(digits) > scale:
			b.WriteString(digits[:len(digits)-scale])
			b.WriteByte('.')
			b.WriteString(digits[len(digits)-scale:])
		default:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", scale-len(digits)))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted > 0 {
		b.WriteByte('+')
	}
	fmt.Fprint(&b, adjusted)
	return b.String()
}

// ratOf returns a number literal as an exact rational, or nil.
func ratOf(v *jv) *big.Rat {
	if v == nil || v.kind != jNumber {
		return nil
	}
	r, ok := new(big.Rat).SetString(v.s)
	if !ok {
		return nil
	}
	return r
}

// jsonEqual reports whether two JSON values are equal as the registry's
// JSON library compares them: numbers by value, objects ignoring order.
func jsonEqual(a, b *jv) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jNull:
		return true
	case jBool:
		return a.b == b.b
	case jNumber:
		ra, rb := ratOf(a), ratOf(b)
		if ra == nil || rb == nil {
			return a.s == b.s
		}
		return ra.Cmp(rb) == 0
	case jString:
		return a.s == b.s
	case jArray:
		if len(a.arr) != len(b.arr) {
			return false
		}
		for i := range a.arr {
			if !jsonEqual(a.arr[i], b.arr[i]) {
				return false
			}
		}
		return true
	}
	if len(a.obj) != len(b.obj) {
		return false
	}
	for _, m := range a.obj {
		if !jsonEqual(m.val, b.get(m.key)) {
			return false
		}
	}
	return true
}
