package jsonschema

import (
	"math/big"
	"math/bits"
)

// decimal is a JSON number literal read exactly, without allocating:
// value = ±0.d₁d₂…dₙ × 10^pexp, where d₁…dₙ are the literal's significant
// digits (leading and trailing zeros dropped). Comparisons, integer checks
// and multipleOf are exact for literals of any length and exponent, as
// santhosh-tekuri/jsonschema's big.Rat arithmetic was, at a cost linear in
// the literal.
type decimal struct {
	m    []byte // the mantissa as written, without sign or exponent
	dot  int    // index of '.' in m, or len(m)
	f, l int    // first and last significant digit, as digit indices ('.' not counted)
	pexp int64
	neg  bool
	zero bool
}

// maxExp bounds exponents, far beyond any that changes a comparison.
const maxExp = 1 << 40

// parseDecimal reads a number literal the parser (or encoding/json)
// checked.
func parseDecimal(lit []byte) decimal {
	var d decimal
	if len(lit) > 0 && lit[0] == '-' {
		d.neg = true
		lit = lit[1:]
	}
	end := len(lit)
	var exp int64
	for i, c := range lit {
		if c == 'e' || c == 'E' {
			end = i
			j := i + 1
			neg := false
			if j < len(lit) && (lit[j] == '+' || lit[j] == '-') {
				neg = lit[j] == '-'
				j++
			}
			for ; j < len(lit); j++ {
				if exp < maxExp {
					exp = exp*10 + int64(lit[j]-'0')
				}
			}
			if neg {
				exp = -exp
			}
			break
		}
	}
	d.m = lit[:end]
	d.dot = len(d.m)
	for i, c := range d.m {
		if c == '.' {
			d.dot = i
			break
		}
	}
	digits := len(d.m)
	if d.dot < len(d.m) {
		digits--
	}
	d.f, d.l = -1, -1
	for i := 0; i < digits; i++ {
		if d.at(i) != '0' {
			if d.f < 0 {
				d.f = i
			}
			d.l = i
		}
	}
	if d.f < 0 {
		d.zero, d.neg = true, false
		return d
	}
	d.pexp = int64(d.dot) + exp - int64(d.f)
	return d
}

// at returns the digit at digit index i of the mantissa.
func (d *decimal) at(i int) byte {
	if i >= d.dot {
		i++
	}
	return d.m[i]
}

// n returns the number of significant digits.
func (d *decimal) n() int { return d.l - d.f + 1 }

// digit returns significant digit i (0-based).
func (d *decimal) digit(i int) byte { return d.at(d.f + i) }

// isInt reports whether d is an integer (1.0 and 1e2 are).
func (d *decimal) isInt() bool { return d.zero || d.pexp >= int64(d.n()) }

// cmpDecimal returns -1, 0 or +1 as a <, = or > b.
func cmpDecimal(a, b *decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := cmpMagnitude(a, b)
	if sa < 0 {
		return -c
	}
	return c
}

func (d *decimal) sign() int {
	switch {
	case d.zero:
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// cmpMagnitude compares |a| and |b|, both non-zero.
func cmpMagnitude(a, b *decimal) int {
	if a.pexp != b.pexp {
		if a.pexp < b.pexp {
			return -1
		}
		return 1
	}
	na, nb := a.n(), b.n()
	for i := 0; i < na || i < nb; i++ {
		var x, y byte = '0', '0'
		if i < na {
			x = a.digit(i)
		}
		if i < nb {
			y = b.digit(i)
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// divisor is a multipleOf value, prepared once: value = M × 10^scale with
// M an integer without trailing zeros.
type divisor struct {
	small uint64   // M if it fits in 64 bits, else 0
	big   *big.Int // M otherwise
	scale int64
}

// newDivisor prepares a positive multipleOf value.
func newDivisor(d *decimal) divisor {
	v := divisor{scale: d.pexp - int64(d.n())}
	if d.n() <= 19 {
		for i := 0; i < d.n(); i++ {
			v.small = v.small*10 + uint64(d.digit(i)-'0')
		}
		return v
	}
	v.big = new(big.Int)
	ten := big.NewInt(10)
	for i := 0; i < d.n(); i++ {
		v.big.Mul(v.big, ten)
		v.big.Add(v.big, big.NewInt(int64(d.digit(i)-'0')))
	}
	return v
}

// multipleOf reports whether a is an integer multiple of the divisor.
// With a = A × 10^sa (A without trailing zeros, so not divisible by 10) and
// the divisor M × 10^sm: if sa < sm, a/m = A / (M × 10^(sm-sa)) is not an
// integer, as 10 does not divide A; else it is one iff M divides
// A × 10^(sa-sm), which is computed modulo M, in time linear in A's
// digits.
func (v *divisor) multipleOf(a *decimal) bool {
	if a.zero {
		return true
	}
	k := a.pexp - int64(a.n()) - v.scale
	if k < 0 {
		return false
	}
	if v.big == nil {
		return v.smallMultiple(a, k)
	}
	rem := new(big.Int)
	ten := big.NewInt(10)
	digit := new(big.Int)
	for i := 0; i < a.n(); i++ {
		rem.Mul(rem, ten)
		rem.Add(rem, digit.SetInt64(int64(a.digit(i)-'0')))
		rem.Mod(rem, v.big)
	}
	p := new(big.Int).Exp(ten, big.NewInt(k), v.big)
	rem.Mul(rem, p)
	return rem.Mod(rem, v.big).Sign() == 0
}

func (v *divisor) smallMultiple(a *decimal, k int64) bool {
	m := v.small
	if m == 1 {
		return true
	}
	var rem uint64
	for i := 0; i < a.n(); i++ {
		rem = mulAddMod(rem, 10, uint64(a.digit(i)-'0'), m)
	}
	// rem × 10^k mod m, by squaring.
	p, base := uint64(1), 10%m
	for e := k; e > 0; e >>= 1 {
		if e&1 == 1 {
			p = mulAddMod(p, base, 0, m)
		}
		base = mulAddMod(base, base, 0, m)
	}
	return mulAddMod(rem, p, 0, m) == 0
}

// mulAddMod returns (x×y + z) mod m, for x, y, z < m (z < 10 for digits).
func mulAddMod(x, y, z, m uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	lo, carry := bits.Add64(lo, z, 0)
	hi += carry
	_, r := bits.Div64(hi%m, lo, m)
	return r
}

// litSign returns the sign of a number literal: -1, 0 or +1.
func litSign(lit []byte) int {
	neg := len(lit) > 0 && lit[0] == '-'
	for _, c := range lit {
		if c == 'e' || c == 'E' {
			break
		}
		if c >= '1' && c <= '9' {
			if neg {
				return -1
			}
			return 1
		}
	}
	return 0
}

// simpleInt reads a literal of at most 18 digits and no fraction or
// exponent.
func simpleInt(lit []byte) (int64, bool) {
	neg := len(lit) > 0 && lit[0] == '-'
	digits := lit
	if neg {
		digits = lit[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	var x int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int64(c-'0')
	}
	if neg {
		x = -x
	}
	return x, true
}

// cmpBound compares a number literal with a bound, -1, 0 or +1, taking a
// shortcut for zero and integer bounds.
func cmpBound(lit []byte, b *vbound) int {
	if b.d.zero {
		return litSign(lit)
	}
	if b.isInt {
		if x, ok := simpleInt(lit); ok {
			switch {
			case x < b.i64:
				return -1
			case x > b.i64:
				return 1
			}
			return 0
		}
	}
	d := parseDecimal(lit)
	return cmpDecimal(&d, &b.d)
}
