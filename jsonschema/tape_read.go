package jsonschema

import (
	"bytes"
	"hash/maphash"
	"unicode/utf16"
	"unicode/utf8"
)

// raw returns the bytes of token i in the text: a string's content
// between the quotes (escapes not undone), a number's literal.
func (t *tape) raw(i uint32) []byte {
	tok := &t.toks[i]
	return t.src[tok.start:tok.end]
}

// plain reports whether string token i's bytes are its value: no escapes
// and valid UTF-8.
func (t *tape) plain(i uint32) bool {
	tok := &t.toks[i]
	if tok.flags&fEscaped != 0 {
		return false
	}
	return tok.flags&fHigh == 0 || utf8.Valid(t.src[tok.start:tok.end])
}

// strValue returns string token i's value as encoding/json decodes it:
// its bytes in the text, or, when they differ (escapes, invalid UTF-8),
// the unescaped value in the tape's scratch buffer, valid until the next
// call.
func (t *tape) strValue(i uint32) []byte {
	if t.plain(i) {
		return t.raw(i)
	}
	t.buf = unquote(t.buf[:0], t.raw(i))
	return t.buf
}

// keyIs reports whether key (or string) token i is name.
func (t *tape) keyIs(i uint32, name string) bool {
	r := t.raw(i)
	if string(r) == name {
		return true
	}
	if t.plain(i) {
		return false
	}
	t.buf = unquote(t.buf[:0], r)
	return string(t.buf) == name
}

// sameKey reports whether key tokens i and j are the same string.
func (t *tape) sameKey(i, j uint32) bool {
	x, y := &t.toks[i], &t.toks[j]
	if (x.flags|y.flags)&(fEscaped|fHigh) == 0 {
		// Plain ASCII both: the bytes are the values.
		return x.end-x.start == y.end-y.start && string(t.src[x.start:x.end]) == string(t.src[y.start:y.end])
	}
	a, b := t.raw(i), t.raw(j)
	pi, pj := t.plain(i), t.plain(j)
	if pi && pj {
		return bytes.Equal(a, b)
	}
	if !pi {
		t.buf = unquote(t.buf[:0], a)
		a = t.buf
	}
	if !pj {
		t.buf2 = unquote(t.buf2[:0], b)
		b = t.buf2
	}
	return bytes.Equal(a, b)
}

// unquote appends the value of a string's content (between the quotes) to
// dst, as encoding/json decodes it: escapes undone, a \u escape of a lone
// surrogate and each byte of invalid UTF-8 read as U+FFFD.
func unquote(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			switch s[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if d := utf16.DecodeRune(r, hex4(s[i+2:])); d != utf8.RuneError {
							dst = utf8.AppendRune(dst, d)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

// hex4 reads the four hex digits the parser checked.
func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		r = r<<4 | rune(unhex(c))
	}
	return r
}

// smallObject is the member count up to which repeated keys are found by
// comparing every pair rather than by hashing.
const smallObject = 16

// markShadowed flags the keys of object token obj that a later member of
// the object repeats, and returns how many it flagged.
func (t *tape) markShadowed(obj uint32) uint32 {
	n := t.toks[obj].n
	if n <= 4 {
		// A few keys: compare them all.
		var keys [4]uint32
		k := obj + 1
		for m := uint32(0); m < n; m++ {
			keys[m] = k
			k = t.toks[k+1].next
		}
		shadowed := uint32(0)
		for a := uint32(0); a < n; a++ {
			for b := a + 1; b < n; b++ {
				if t.sameKey(keys[a], keys[b]) {
					t.toks[keys[a]].flags |= fShadowed
					shadowed++
					break
				}
			}
		}
		return shadowed
	}
	if n <= smallObject {
		// Compare fingerprints (length, first and last byte) first: keys
		// that differ in them differ.
		var keys [smallObject]uint32
		var fps [smallObject]uint32
		k := obj + 1
		for m := uint32(0); m < n; m++ {
			keys[m] = k
			tok := &t.toks[k]
			if l := tok.end - tok.start; tok.flags&(fEscaped|fHigh) != 0 {
				fps[m] = 0 // escaped: its bytes say nothing, compare it to all
			} else if l > 0 {
				fps[m] = l<<16 | uint32(t.src[tok.start])<<8 | uint32(t.src[tok.end-1]) | 1<<31
			} else {
				fps[m] = 1 << 31
			}
			k = t.toks[k+1].next
		}
		shadowed := uint32(0)
		for a := uint32(0); a < n; a++ {
			for b := a + 1; b < n; b++ {
				if (fps[a] == fps[b] || fps[a] == 0 || fps[b] == 0) && t.sameKey(keys[a], keys[b]) {
					t.toks[keys[a]].flags |= fShadowed
					shadowed++
					break
				}
			}
		}
		return shadowed
	}
	if t.dups == nil {
		t.dups = make(map[uint64]uint32, n)
	}
	seed := t.hashSeed()
	clear(t.dups)
	shadowed := uint32(0)
	for m, k := uint32(0), obj+1; m < n; m, k = m+1, t.toks[k+1].next {
		var key []byte
		if t.plain(k) {
			key = t.raw(k)
		} else {
			t.buf2 = unquote(t.buf2[:0], t.raw(k))
			key = t.buf2
		}
		h := maphash.Bytes(seed, key)
		if prev, ok := t.dups[h]; ok {
			if !t.sameKey(prev, k) {
				// A hash collision (a random seed makes it a matter of
				// chance, not of crafted keys).
				return t.markShadowedSlow(obj)
			}
			t.toks[prev].flags |= fShadowed
			shadowed++
		}
		t.dups[h] = k
	}
	return shadowed
}

// markShadowedSlow compares every pair of keys of obj.
func (t *tape) markShadowedSlow(obj uint32) uint32 {
	n := t.toks[obj].n
	shadowed := uint32(0)
	for m, a := uint32(0), obj+1; m < n; m, a = m+1, t.toks[a+1].next {
		t.toks[a].flags &^= fShadowed
		for o, b := m+1, t.toks[a+1].next; o < n; o, b = o+1, t.toks[b+1].next {
			if t.sameKey(a, b) {
				t.toks[a].flags |= fShadowed
				shadowed++
				break
			}
		}
	}
	return shadowed
}

// hashSeed returns the tape's random hash seed, made on first use.
func (t *tape) hashSeed() maphash.Seed {
	if !t.seeded {
		t.seed, t.seeded = maphash.MakeSeed(), true
	}
	return t.seed
}
