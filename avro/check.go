package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// This file checks a message against its writer schema before any decoder
// sees it. hamba's decoders trust block counts and lengths: a skipped
// array whose count claims 2^62 items loops for good, a decoded one
// allocates its count of elements before reading them, a string allocates
// its claimed length. The check walks the bytes once without allocating,
// so that what the decoders then do is bounded by the bytes present and
// the deserializer's Limits. The plan (checkplan.go) flattens each schema
// into a few programs of operations, so that the walk costs a fraction of
// decoding.

// msgCheck walks one message. The first error sticks.
type msgCheck struct {
	b     []byte
	pos   int
	lim   *Limits
	items int64 // array items and map entries so far
	zero  int64 // zero-width array items so far
	alloc int64 // estimated bytes of the decoded value so far
	err   error
}

// checkMessage checks that body holds one value of plan within lim.
func checkMessage(plan *program, body []byte, lim *Limits) error {
	c := msgCheck{b: body, lim: lim}
	c.item(plan, 0)
	if c.err == nil && c.alloc > int64(lim.MaxAllocBytes) {
		c.allocLimit()
	}
	return c.err
}

func (c *msgCheck) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidData}, args...)...)
	}
}

func (c *msgCheck) limit(name string, max int, what string) {
	if c.err == nil {
		c.err = &LimitError{Limit: name, Max: max, What: what}
	}
}

func (c *msgCheck) allocLimit() {
	c.limit("MaxAllocBytes", c.lim.MaxAllocBytes, "the estimated memory of the decoded message")
}

// varint reads a zig-zag varint at c.pos.
func (c *msgCheck) varint() int64 {
	var v uint64
	for i := 0; i < 10; i++ {
		if c.pos >= len(c.b) {
			c.fail("unexpected end of data at byte %d", c.pos)
			return 0
		}
		x := c.b[c.pos]
		c.pos++
		v |= uint64(x&0x7f) << (7 * i)
		if x < 0x80 {
			return int64(v>>1) ^ -int64(v&1)
		}
	}
	c.fail("varint longer than 10 bytes at byte %d", c.pos)
	return 0
}

// long reads a zig-zag varint at c.pos, inline when it is one byte.
func (c *msgCheck) long() int64 {
	if c.pos < len(c.b) {
		if x := c.b[c.pos]; x < 0x80 {
			c.pos++
			return int64(x>>1) ^ -int64(x&1)
		}
	}
	return c.varint()
}

// index reads an enum symbol or union branch index as Avro's Java decoder
// and hamba read it: an int of at most 5 bytes, bits beyond 32 dropped.
func (c *msgCheck) index() int64 {
	if c.pos < len(c.b) {
		if x := c.b[c.pos]; x < 0x80 {
			c.pos++
			return int64(x>>1) ^ -int64(x&1)
		}
	}
	var v uint32
	for i := range 5 {
		if c.pos >= len(c.b) {
			c.fail("unexpected end of data at byte %d", c.pos)
			return 0
		}
		x := c.b[c.pos]
		c.pos++
		v |= uint32(x&0x7f) << (7 * i)
		if x < 0x80 {
			return int64(int32(v>>1) ^ -int32(v&1))
		}
	}
	c.fail("int varint longer than 5 bytes at byte %d", c.pos)
	return 0
}

// spendEach adds count values of each estimated bytes.
func (c *msgCheck) spendEach(count, each int64) {
	if each > 0 && count > (int64(c.lim.MaxAllocBytes)-c.alloc)/each {
		c.allocLimit()
		return
	}
	c.alloc += count * each
}

// run checks one value of program p, at record nesting depth.
func (c *msgCheck) run(p *program, depth int) {
	if depth+p.levels > c.lim.MaxDepth {
		c.limit("MaxDepth", c.lim.MaxDepth, "the nesting of records")
		return
	}
	if c.alloc += p.cost; c.alloc > int64(c.lim.MaxAllocBytes) {
		c.allocLimit()
		return
	}
	for i := range p.ops {
		o := &p.ops[i]
		switch o.code {
		case opLeaves:
			c.leaves(o.leaves)
		case opUnion:
			c.union(o, depth)
		case opCall:
			c.run(o.sub, depth+o.level)
		case opArray, opMap:
			c.blocks(o, depth+o.level)
		}
		if c.err != nil {
			return
		}
	}
}

// union checks one value of union o.
func (c *msgCheck) union(o *op, depth int) {
	i := c.index()
	if c.err != nil {
		return
	}
	if i < 0 || i >= o.n {
		c.fail("union branch %d out of range [0, %d)", i, o.n)
		return
	}
	c.item(o.branches[i], depth+o.level)
}

// item checks one value of p, directly when it is leaves.
func (c *msgCheck) item(p *program, depth int) {
	if p.leaves != nil && depth+p.levels <= c.lim.MaxDepth {
		c.alloc += p.cost
		c.leaves(p.leaves)
		return
	}
	c.run(p, depth)
}

// leaves checks one value of each leaf op (opSkip, opVarint, opBytes,
// opEnum) in turn. The common cases (a varint with 8 bytes left, a length
// of one byte) take no call.
func (c *msgCheck) leaves(ops []op) { c.leavesN(ops, 1) }

// leavesN checks count values of the leaf ops in turn.
func (c *msgCheck) leavesN(ops []op, count int64) {
	b, pos := c.b, c.pos
	maxLen := c.lim.MaxBytesLen
	for range count {
		for i := range ops {
			o := &ops[i]
			switch o.code {
			case opSkip:
				if int64(len(b)-pos) < o.n {
					c.pos = pos
					c.fail("value of %d bytes exceeds the %d bytes left at byte %d", o.n, len(b)-pos, pos)
					return
				}
				pos += int(o.n)
				continue
			case opVarint:
				if len(b)-pos >= 8 {
					if stop := ^binary.LittleEndian.Uint64(b[pos:]) & 0x8080808080808080; stop != 0 {
						if k := bits.TrailingZeros64(stop)/8 + 1; int64(k) <= o.n {
							pos += k
							continue
						}
					}
				}
			case opBytes:
				if pos < len(b) {
					if x := b[pos]; x < 0x80 && x&1 == 0 {
						if l := int(x >> 1); l <= len(b)-pos-1 && l <= maxLen {
							pos += 1 + l
							c.alloc += int64(l)
							continue
						}
					}
				}
			case opEnum:
				if pos < len(b) {
					if x := b[pos]; x < 0x80 && x&1 == 0 && int64(x>>1) < o.n {
						pos++
						continue
					}
				}
			}
			c.pos = pos
			c.slowLeaf(o)
			if c.err != nil {
				return
			}
			pos = c.pos
		}
	}
	c.pos = pos
}

// slowLeaf checks one value of leaf op o at c.pos, the cases leaves leaves
// to it.
func (c *msgCheck) slowLeaf(o *op) {
	switch o.code {
	case opVarint:
		start := c.pos
		c.varint()
		if c.err == nil && int64(c.pos-start) > o.n {
			c.fail("int varint longer than %d bytes at byte %d", o.n, start)
		}
	case opBytes:
		l := c.varint()
		switch {
		case c.err != nil:
		case l > int64(c.lim.MaxBytesLen):
			c.limit("MaxBytesLen", c.lim.MaxBytesLen, "a string or bytes value of "+strconv.FormatInt(l, 10)+" bytes")
		case l < 0 || l > int64(len(c.b)-c.pos):
			c.fail("string or bytes length %d exceeds the %d bytes left at byte %d", l, len(c.b)-c.pos, c.pos)
		default:
			c.pos += int(l)
			c.alloc += l
		}
	case opEnum:
		if i := c.index(); c.err == nil && (i < 0 || i >= o.n) {
			c.fail("enum index %d out of range [0, %d)", i, o.n)
		}
	}
}

// blocks checks the blocks of an array or map.
func (c *msgCheck) blocks(o *op, depth int) {
	keyed := o.code == opMap
	item := o.sub
	per := item.minBytes // bytes an item takes at least
	slot := int64(costSlot)
	if keyed {
		per++ // the key's length
		slot = costMapEntry
	}
	for c.err == nil {
		count := c.long()
		if c.err != nil || count == 0 {
			return
		}
		size := int64(-1)
		if count < 0 {
			if count == math.MinInt64 {
				c.fail("invalid block count")
				return
			}
			count = -count
			if size = c.long(); c.err == nil && (size < 0 || size > int64(len(c.b)-c.pos)) {
				c.fail("block size %d exceeds the %d bytes left at byte %d", size, len(c.b)-c.pos, c.pos)
			}
			if c.err != nil {
				return
			}
		}
		if count > int64(c.lim.MaxItems)-c.items {
			c.limit("MaxItems", c.lim.MaxItems, "the number of array items and map entries in the message")
			return
		}
		c.items += count
		start := c.pos
		if per == 0 {
			// Items that take no bytes: nothing to read, and only the cap
			// bounds how many there are.
			if count > int64(c.lim.MaxZeroWidthItems)-c.zero {
				c.limit("MaxZeroWidthItems", c.lim.MaxZeroWidthItems, "the number of zero-width array items in the message")
				return
			}
			c.zero += count
			// Check one item: a type that cannot have a finite value
			// fails here, and the item must indeed take no bytes.
			c.run(item, depth)
			if c.err == nil && c.pos != start {
				c.fail("zero-width array item took %d bytes at byte %d", c.pos-start, start)
			}
			c.spendEach(count-1, slot+item.cost)
		} else {
			if left := int64(len(c.b) - c.pos); count > left/per {
				c.fail("block of %d items of at least %d bytes exceeds the %d bytes left at byte %d", count, per, left, c.pos)
				return
			}
			c.spendEach(count, slot)
			if o.entry != nil && depth+item.levels <= c.lim.MaxDepth {
				// Items of leaves (map entries with their keys): one loop.
				c.spendEach(count, item.cost)
				c.leavesN(o.entry, count)
			} else {
				for range count {
					if keyed {
						l := c.long()
						if c.err != nil {
							return
						}
						if l < 0 || l > int64(len(c.b)-c.pos) {
							c.fail("map key length %d exceeds the %d bytes left at byte %d", l, len(c.b)-c.pos, c.pos)
							return
						}
						if l > int64(c.lim.MaxBytesLen) {
							c.limit("MaxBytesLen", c.lim.MaxBytesLen, "a map key of "+strconv.FormatInt(l, 10)+" bytes")
							return
						}
						c.pos += int(l)
						c.alloc += l
					}
					c.item(item, depth)
					if c.err != nil {
						return
					}
				}
			}
		}
		if size >= 0 && int64(c.pos-start) != size {
			c.fail("block size %d does not match its items' %d bytes at byte %d", size, c.pos-start, start)
			return
		}
	}
}
