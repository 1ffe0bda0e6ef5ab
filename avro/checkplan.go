package avro

import (
	havro "github.com/hamba/avro/v2"
)

// A check plan is a few programs of operations compiled from a schema.
// Records are inlined into the program that holds them, and consecutive
// fixed-width values become one skip, so checking a record of primitives
// is one loop over its varints and strings. Arrays and maps hold the
// program of one item, unions one program per branch, and recursive
// records are programs of their own that the others call.

// opcode is the kind of an op.
type opcode uint8

const (
	opSkip   opcode = iota // n bytes of fixed-width values
	opVarint               // int or long: at most n bytes
	opBytes                // string or bytes
	opEnum                 // n symbols
	opLeaves               // a run of the ops above: leaves
	opUnion                // n branches
	opCall                 // a recursive record: sub
	opArray                // items: sub
	opMap                  // values: sub
)

// Estimated sizes of decoded values (generic values, as hamba builds
// them), for Limits.MaxAllocBytes.
const (
	costScalar     = 8  // a number or boolean
	costSlot       = 16 // an interface or string header
	costRecord     = 48 // a map header
	costField      = 40 // a map entry
	costMapEntry   = 48 // a map entry with its key header
	costArrayValue = 24 // a slice header
)

// maxMinBytes caps minBytes so that sums cannot overflow.
const maxMinBytes = 1 << 32

// op is one step of a program.
type op struct {
	code opcode
	// level is how many records of the program enclose the op.
	level int
	// n is the byte count of opSkip, the most bytes of opVarint (5 for
	// an int, as Avro's Java decoder and hamba read them, 10 for a long),
	// the symbols of opEnum, the branches of opUnion.
	n int64
	// sub is the program of opCall, opArray and opMap.
	sub *program
	// branches are opUnion's programs.
	branches []*program
	// leaves are opLeaves' ops.
	leaves []op
	// entry is, for opArray and opMap whose item is leaves, the leaves of
	// one item (with the key first for a map).
	entry []op
}

// program checks one value.
type program struct {
	ops []op
	// cost is the estimated memory of the value, without string contents
	// and what sub-programs add.
	cost int64
	// minBytes is the fewest bytes a value takes (0: zero-width).
	minBytes int64
	// levels is the deepest nesting of records within the program.
	levels int
	// leaves are the program's ops when they are all leaves (opSkip,
	// opVarint, opBytes, opEnum) and it has no records: callers run them
	// directly.
	leaves []op
}

// add appends o, merging leaves into one opLeaves and consecutive skips
// into one.
func (p *program) add(o op) {
	if o.code > opEnum {
		p.ops = append(p.ops, o)
		return
	}
	if o.code == opSkip && o.n == 0 {
		return
	}
	k := len(p.ops)
	if k == 0 || p.ops[k-1].code != opLeaves {
		p.ops = append(p.ops, op{code: opLeaves})
		k++
	}
	g := &p.ops[k-1]
	if j := len(g.leaves); o.code == opSkip && j > 0 && g.leaves[j-1].code == opSkip {
		g.leaves[j-1].n += o.n
		return
	}
	g.leaves = append(g.leaves, o)
}

// newCheckPlan compiles the check plan of schema s.
func newCheckPlan(s havro.Schema) *program {
	b := &planBuilder{recursive: recursiveRecords(s), inlined: map[string]bool{}, records: map[string]*program{}}
	p := b.program(s)
	b.setMinBytes()
	for _, q := range b.all {
		if len(q.ops) == 1 && q.ops[0].code == opLeaves {
			q.leaves = q.ops[0].leaves
		}
	}
	for _, q := range b.all {
		for i := range q.ops {
			o := &q.ops[i]
			switch {
			case o.code == opArray && o.sub.leaves != nil:
				o.entry = o.sub.leaves
			case o.code == opMap && o.sub.leaves != nil:
				o.entry = append([]op{{code: opBytes}}, o.sub.leaves...)
			}
		}
	}
	return p
}

type planBuilder struct {
	recursive map[string]bool     // records on a cycle: called, not inlined
	inlined   map[string]bool     // records inlined once: called after that
	records   map[string]*program // their programs
	all       []*program
}

func (b *planBuilder) program(s havro.Schema) *program {
	p := &program{}
	b.all = append(b.all, p)
	b.emit(p, s, 0)
	return p
}

// emit appends the ops of one value of s at record nesting level.
func (b *planBuilder) emit(p *program, s havro.Schema, level int) {
	switch t := deref(s).(type) {
	case *havro.PrimitiveSchema:
		switch t.Type() {
		case havro.Boolean:
			p.add(op{code: opSkip, n: 1})
			p.cost += costScalar
		case havro.Int:
			p.add(op{code: opVarint, n: 5})
			p.cost += costScalar
		case havro.Long:
			p.add(op{code: opVarint, n: 10})
			p.cost += costScalar
		case havro.Float:
			p.add(op{code: opSkip, n: 4})
			p.cost += costScalar
		case havro.Double:
			p.add(op{code: opSkip, n: 8})
			p.cost += costScalar
		case havro.Bytes, havro.String:
			p.add(op{code: opBytes})
			p.cost += costSlot
		}
	case *havro.FixedSchema:
		p.add(op{code: opSkip, n: int64(t.Size())})
		p.cost += costSlot + int64(t.Size())
	case *havro.EnumSchema:
		p.add(op{code: opEnum, n: int64(len(t.Symbols()))})
		p.cost += costSlot
	case *havro.RecordSchema:
		if b.recursive[t.FullName()] || b.inlined[t.FullName()] {
			// Inlining a record at each use would grow the plan
			// exponentially with a schema that uses records twice at each
			// level: later uses call it.
			p.add(op{code: opCall, level: level, sub: b.record(t)})
			return
		}
		b.inlined[t.FullName()] = true
		p.cost += costRecord + costField*int64(len(t.Fields()))
		p.levels = max(p.levels, level+1)
		for _, f := range t.Fields() {
			b.emit(p, f.Type(), level+1)
		}
	case *havro.ArraySchema:
		p.add(op{code: opArray, level: level, sub: b.program(t.Items())})
		p.cost += costArrayValue
	case *havro.MapSchema:
		p.add(op{code: opMap, level: level, sub: b.program(t.Values())})
		p.cost += costRecord
	case *havro.UnionSchema:
		o := op{code: opUnion, level: level, n: int64(len(t.Types())), branches: make([]*program, len(t.Types()))}
		for i, br := range t.Types() {
			o.branches[i] = b.program(br)
		}
		p.add(o)
		p.cost += costSlot
	}
	// null takes no bytes and no op.
}

// record returns the program of a recursive record.
func (b *planBuilder) record(t *havro.RecordSchema) *program {
	if p := b.records[t.FullName()]; p != nil {
		return p
	}
	p := &program{cost: costRecord + costField*int64(len(t.Fields())), levels: 1}
	b.records[t.FullName()] = p
	b.all = append(b.all, p)
	for _, f := range t.Fields() {
		b.emit(p, f.Type(), 1)
	}
	return p
}

// setMinBytes computes minBytes of every program. Programs call each other
// in cycles, so it iterates from zero: every value is a lower bound of the
// true minimum, and for schemas whose values are finite the iteration
// reaches it within one round per program.
func (b *planBuilder) setMinBytes() {
	for range len(b.all) + 1 {
		changed := false
		for _, p := range b.all {
			var m int64
			for i := range p.ops {
				m = min(m+opMinBytes(&p.ops[i]), maxMinBytes)
			}
			if m != p.minBytes {
				p.minBytes, changed = m, true
			}
		}
		if !changed {
			return
		}
	}
}

func opMinBytes(o *op) int64 {
	switch o.code {
	case opSkip:
		return o.n
	case opLeaves:
		var m int64
		for i := range o.leaves {
			m += opMinBytes(&o.leaves[i])
		}
		return m
	case opCall:
		return o.sub.minBytes
	case opUnion:
		least := int64(maxMinBytes)
		for _, br := range o.branches {
			least = min(least, br.minBytes)
		}
		return 1 + least
	}
	return 1 // a varint, a length, a block count
}

// recursiveRecords returns records that contain themselves, enough of them
// that not inlining them breaks every cycle (the targets of the back edges
// of a depth-first walk).
func recursiveRecords(s havro.Schema) map[string]bool {
	out := map[string]bool{}
	onPath := map[string]bool{}
	done := map[string]bool{}
	var walk func(s havro.Schema)
	walk = func(s havro.Schema) {
		switch t := deref(s).(type) {
		case *havro.RecordSchema:
			name := t.FullName()
			if onPath[name] {
				out[name] = true
				return
			}
			if done[name] {
				return
			}
			onPath[name] = true
			for _, f := range t.Fields() {
				walk(f.Type())
			}
			onPath[name] = false
			done[name] = true
		case *havro.ArraySchema:
			walk(t.Items())
		case *havro.MapSchema:
			walk(t.Values())
		case *havro.UnionSchema:
			for _, br := range t.Types() {
				walk(br)
			}
		}
	}
	walk(s)
	return out
}
