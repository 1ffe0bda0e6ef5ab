package jsonschema

import (
	"fmt"
	"hash/maphash"
)

// A tape is a JSON text parsed into a flat list of tokens, one per value
// (and one per object key), in document order. It refers to the text rather
// than copying it, takes one allocation however large the message (and
// none when reused), and is what the validator walks: any value can be
// reached by index, skipped in O(1), and read as path and value (keys are
// the tokens before member values).
type tape struct {
	src  []byte
	toks []token
	// dups holds, while an object with many members is checked for
	// repeated keys, a key hash → key token table.
	dups   map[uint64]uint32
	seed   maphash.Seed
	seeded bool
	// buf and buf2 hold unescaped strings.
	buf, buf2 []byte
}

// Token kinds.
const (
	tNull uint8 = iota
	tFalse
	tTrue
	tNumber
	tString
	tArray
	tObject
)

// Token flags, or'ed into token.flags.
const (
	// fEscaped: the string (or key) holds escape sequences, so its bytes
	// in the text are not its value.
	fEscaped uint8 = 1 << iota
	// fShadowed: the key is repeated later in the same object. The later
	// member is the one encoding/json keeps, so validation skips this one.
	fShadowed
	// fHigh: the string holds bytes of 0x80 and above, which may not be
	// valid UTF-8 (encoding/json reads each invalid byte as U+FFFD).
	fHigh
)

// token is one JSON value or object key.
type token struct {
	kind  uint8
	flags uint8
	// start and end delimit the value in the text: a number's literal, a
	// string's content between the quotes, a container from its opening
	// to its closing bracket.
	start, end uint32
	// next is the index of the token after this value and everything in
	// it.
	next uint32
	// n is a container's number of elements or of members (each member is
	// a key token followed by the value's tokens); for objects it counts
	// the members that are not shadowed.
	n uint32
}

// errSyntax wraps the parser's syntax errors so that they match
// [ErrMalformed].
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%v: %s at offset %d", ErrMalformed, e.msg, e.off)
}

func (e *syntaxError) Is(target error) bool { return target == ErrMalformed }

// maxTapeBytes bounds the texts a tape can hold (token offsets are 32-bit).
const maxTapeBytes = 1<<32 - 1

// parse reads src into t (reusing t's memory), holding it to l: a text
// longer than l.MaxBytes or nesting deeper than l.MaxDepth is a
// [*LimitError]; one that is not JSON (RFC 8259) is an error matching
// [ErrMalformed].
func (t *tape) parse(src []byte, l Limits) error {
	if len(src) > l.MaxBytes || len(src) > maxTapeBytes {
		return &LimitError{Limit: "MaxBytes", Max: l.MaxBytes}
	}
	t.src, t.toks = src, t.toks[:0]
	p := parser{t: t, src: src, maxDepth: l.MaxDepth}
	p.skipSpace()
	if err := p.value(0); err != nil {
		return err
	}
	p.skipSpace()
	if p.i != len(src) {
		return p.fail("data after the top-level value")
	}
	return nil
}

// parser holds one parse's position.
type parser struct {
	t        *tape
	src      []byte
	i        int
	maxDepth int
}

func (p *parser) fail(msg string) error { return &syntaxError{off: p.i, msg: msg} }

// skipSpace skips white space; the common case, none (encoding/json
// writes none), is inlined.
func (p *parser) skipSpace() {
	if p.i < len(p.src) && p.src[p.i] > ' ' {
		return
	}
	p.skipSpaceSlow()
}

func (p *parser) skipSpaceSlow() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses one value at p.i (after any white space) at the given
// container depth.
func (p *parser) value(depth int) error {
	if p.i >= len(p.src) {
		return p.fail("unexpected end of JSON input")
	}
	switch c := p.src[p.i]; c {
	case '{':
		return p.object(depth + 1)
	case '[':
		return p.array(depth + 1)
	case '"':
		return p.str(tString)
	case 't':
		return p.literal("true", tTrue)
	case 'f':
		return p.literal("false", tFalse)
	case 'n':
		return p.literal("null", tNull)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.number()
		}
		return p.fail(fmt.Sprintf("invalid character %q looking for beginning of value", c))
	}
}

func (p *parser) literal(lit string, kind uint8) error {
	if len(p.src)-p.i < len(lit) || string(p.src[p.i:p.i+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	idx := uint32(len(p.t.toks))
	p.t.toks = append(p.t.toks, token{kind: kind, start: uint32(p.i), end: uint32(p.i + len(lit)), next: idx + 1})
	p.i += len(lit)
	return nil
}

// number parses a number literal as RFC 8259 spells it.
func (p *parser) number() error {
	s, i := p.src, p.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return p.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.i = i
			return p.fail("invalid number: no digits after the decimal point")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.i = i
			return p.fail("invalid number: no digits in the exponent")
		}
	}
	idx := uint32(len(p.t.toks))
	p.t.toks = append(p.t.toks, token{kind: tNumber, start: uint32(p.i), end: uint32(i), next: idx + 1})
	p.i = i
	return nil
}

// plainByte marks the bytes a string holds as they are: printable ASCII
// but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str parses a string (kind tString) or an object key at p.i, which is a
// quote.
func (p *parser) str(kind uint8) error {
	s := p.src
	i := p.i + 1
	var flags uint8
	for {
		// The common case: a run of plain ASCII.
		for i < len(s) && plainByte[s[i]] {
			i++
		}
		if i >= len(s) {
			p.i = i
			return p.fail("unexpected end of JSON input in a string")
		}
		switch c := s[i]; {
		case c >= 0x80:
			flags |= fHigh
			i++
		case c == '"':
			idx := uint32(len(p.t.toks))
			p.t.toks = append(p.t.toks, token{kind: kind, flags: flags, start: uint32(p.i + 1), end: uint32(i), next: idx + 1})
			p.i = i + 1
			return nil
		case c == '\\':
			flags |= fEscaped
			if i+1 >= len(s) {
				p.i = i
				return p.fail("unexpected end of JSON input in a string escape")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) || !isHex(s[i+5]) {
					p.i = i
					return p.fail(`invalid \u escape in a string`)
				}
				i += 6
			default:
				p.i = i
				return p.fail("invalid escape in a string")
			}
		default:
			p.i = i
			return p.fail("invalid control character in a string")
		}
	}
}

func (p *parser) array(depth int) error {
	if depth > p.maxDepth {
		return &LimitError{Limit: "MaxDepth", Max: p.maxDepth}
	}
	idx := len(p.t.toks)
	p.t.toks = append(p.t.toks, token{kind: tArray, start: uint32(p.i)})
	p.i++
	p.skipSpace()
	n := uint32(0)
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
	} else {
		for {
			if err := p.value(depth); err != nil {
				return err
			}
			n++
			p.skipSpace()
			if p.i >= len(p.src) {
				return p.fail("unexpected end of JSON input in an array")
			}
			if c := p.src[p.i]; c == ',' {
				p.i++
				p.skipSpace()
				continue
			} else if c == ']' {
				p.i++
				break
			}
			return p.fail("invalid character after an array element")
		}
	}
	tok := &p.t.toks[idx]
	tok.end, tok.next, tok.n = uint32(p.i), uint32(len(p.t.toks)), n
	return nil
}

func (p *parser) object(depth int) error {
	if depth > p.maxDepth {
		return &LimitError{Limit: "MaxDepth", Max: p.maxDepth}
	}
	idx := len(p.t.toks)
	p.t.toks = append(p.t.toks, token{kind: tObject, start: uint32(p.i)})
	p.i++
	p.skipSpace()
	n := uint32(0)
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
	} else {
		for {
			if p.i >= len(p.src) || p.src[p.i] != '"' {
				return p.fail("expected a string as an object key")
			}
			if err := p.str(tString); err != nil {
				return err
			}
			p.skipSpace()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				return p.fail("expected a colon after an object key")
			}
			p.i++
			p.skipSpace()
			if err := p.value(depth); err != nil {
				return err
			}
			n++
			p.skipSpace()
			if p.i >= len(p.src) {
				return p.fail("unexpected end of JSON input in an object")
			}
			if c := p.src[p.i]; c == ',' {
				p.i++
				p.skipSpace()
				continue
			} else if c == '}' {
				p.i++
				break
			}
			return p.fail("invalid character after an object member")
		}
	}
	tok := &p.t.toks[idx]
	tok.end, tok.next, tok.n = uint32(p.i), uint32(len(p.t.toks)), n
	if n > 1 {
		tok.n -= p.t.markShadowed(uint32(idx))
	}
	return nil
}
