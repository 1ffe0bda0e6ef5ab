package jsontree

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers says how a Jackson mapper reads, and so prints, numbers with a
// fraction or an exponent.
type Numbers uint8

const (
	// Doubles: as Java doubles (Jackson's default, Avro's schema parser):
	// 1.50 prints as 1.5, 1e7 as 1.0E7.
	Doubles Numbers = iota
	// BigDecimals: as exact BigDecimals (USE_BIG_DECIMAL_FOR_FLOATS, the
	// registry's JSON Schema mapper): 1.50 prints as 1.50, 1e7 as 1E+7.
	BigDecimals
)

// Printer prints values as a Jackson mapper writes a parsed tree: compact,
// strings escaped Jackson's way, integers as read, other numbers per
// Numbers; with SortKeys, object members ordered by key as Java orders
// strings (the registry's normalized JSON Schema form).
type Printer struct {
	Numbers  Numbers
	SortKeys bool
}

// Append appends v's text to dst.
func (p Printer) Append(dst []byte, v *Value) []byte {
	switch v.Kind {
	case Null:
		return append(dst, "null"...)
	case Bool:
		return strconv.AppendBool(dst, v.Bool)
	case Number:
		if p.Numbers == BigDecimals {
			return append(dst, BigDecimalString(v.Str)...)
		}
		return append(dst, JavaNumber(v.Str)...)
	case String:
		return AppendString(dst, v.Str)
	case Array:
		dst = append(dst, '[')
		for i, e := range v.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = p.Append(dst, e)
		}
		return append(dst, ']')
	}
	members := v.Obj
	if p.SortKeys && len(members) > 1 {
		members = append([]Member(nil), members...)
		sort.SliceStable(members, func(i, j int) bool { return UTF16Less(members[i].Key, members[j].Key) })
	}
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, m.Key)
		dst = append(dst, ':')
		dst = p.Append(dst, m.Val)
	}
	return append(dst, '}')
}

// String returns v's text.
func (p Printer) String(v *Value) string { return string(p.Append(nil, v)) }

// IsInteger reports whether a number literal is an integer (Jackson reads it
// as an int, long or big integer rather than a double or decimal).
func IsInteger(lit string) bool { return !strings.ContainsAny(lit, ".eE") }

// JavaNumber renders a JSON number literal as Jackson's default mapper
// re-writes it: integers exactly, other numbers as Java doubles.
func JavaNumber(lit string) string {
	if IsInteger(lit) {
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
	return JavaDouble(f)
}

// JavaDouble formats f as Java's Double.toString does.
func JavaDouble(f float64) string { return JavaFloat(f, 64) }

// JavaFloat formats f as Java's Double.toString (bits 64) or Float.toString
// (bits 32): shortest digits, plain notation between 10^-3 and 10^7, else
// computerized scientific notation ("1.0E7"), always with a fraction digit.
func JavaFloat(f float64, bits int) string {
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

// BigDecimalString renders a JSON number literal as a mapper reading exact
// BigDecimals prints it: integers in plain decimal, numbers with a fraction
// or an exponent as Java's BigDecimal.toString does.
func BigDecimalString(lit string) string {
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

// AppendString appends s as a JSON string the way Jackson escapes it:
// quote, backslash and control characters only (\b \t \n \f \r, else \u00XX
// with upper-case hex); everything else as UTF-8, an invalid byte as
// \uFFFD.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\uFFFD`...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			} else {
				dst = append(dst, c)
			}
		}
		i++
	}
	return append(dst, '"')
}

// UTF16Less orders strings as Java's String.compareTo does (by UTF-16 code
// unit), which differs from byte order only beyond the Basic Multilingual
// Plane.
func UTF16Less(a, b string) bool {
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

// Write writes v's text to b.
func (p Printer) Write(b *bytes.Buffer, v *Value) { b.Write(p.Append(b.AvailableBuffer(), v)) }

// WriteString writes s to b as [AppendString] appends it.
func WriteString(b *bytes.Buffer, s string) { b.Write(AppendString(b.AvailableBuffer(), s)) }
