package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	havro "github.com/hamba/avro/v2"
)

// This file resolves data between two schemas by rewriting bytes: it reads
// a value in the writer schema's encoding and writes the same value in the
// reader schema's encoding (Avro schema resolution: fields matched by name
// and alias, reader-only fields from their defaults, writer-only fields
// skipped, numeric promotion, enum symbols by name, union branches by
// type). hamba then decodes the result with the reader schema. The codecs
// use it only where hamba's own resolution cannot go: recursive schemas.

// transcoder rewrites writer-encoded values into the reader's encoding.
type transcoder struct {
	step     tstep
	maxDepth int
	maxItems int
}

// tstep rewrites one value.
type tstep interface {
	run(t *transcoder, r *binReader, out []byte, depth int) []byte
}

func newTranscoder(api havro.API, reader, writer havro.Schema, s settings) (*transcoder, error) {
	b := &planner{api: api, records: map[[2]havro.Schema]*recordStep{}}
	step, err := b.plan(reader, writer)
	if err != nil {
		return nil, err
	}
	return &transcoder{step: step, maxDepth: s.limits.MaxDepth, maxItems: s.limits.MaxItems}, nil
}

func (t *transcoder) run(body []byte) ([]byte, error) {
	r := &binReader{b: body}
	out := t.step.run(t, r, make([]byte, 0, len(body)+16), 0)
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

type planner struct {
	api     havro.API
	records map[[2]havro.Schema]*recordStep
}

// plan builds the step that reads writer and writes reader.
func (p *planner) plan(reader, writer havro.Schema) (tstep, error) {
	reader, writer = deref(reader), deref(writer)
	if wu, ok := writer.(*havro.UnionSchema); ok {
		st := &writerUnionStep{branches: make([]tstep, len(wu.Types()))}
		for i, b := range wu.Types() {
			s, err := p.plan(reader, b)
			if err != nil {
				// Data in this branch cannot be read; the reader fails only
				// if it meets such data.
				s = errStep{err: err}
			}
			st.branches[i] = s
		}
		return st, nil
	}
	if ru, ok := reader.(*havro.UnionSchema); ok {
		for _, exact := range []bool{true, false} {
			for i, b := range ru.Types() {
				if !branchMatches(deref(b), writer, exact) {
					continue
				}
				s, err := p.plan(b, writer)
				if err != nil {
					return nil, err
				}
				return &readerUnionStep{index: int64(i), inner: s}, nil
			}
		}
		return nil, fmt.Errorf("%w: reader union %s has no branch for writer type %s", ErrIncompatibleSchemas, reader, writer.Type())
	}
	if reader.Type() != writer.Type() {
		return promotion(reader.Type(), writer.Type())
	}
	switch w := writer.(type) {
	case *havro.NullSchema, *havro.PrimitiveSchema:
		return copyStep{schema: w}, nil
	case *havro.FixedSchema:
		if rf := reader.(*havro.FixedSchema); rf.Size() != w.Size() {
			return nil, fmt.Errorf("%w: fixed %s has size %d, writer %s has %d", ErrIncompatibleSchemas, rf.FullName(), rf.Size(), w.FullName(), w.Size())
		}
		return copyStep{schema: w}, nil
	case *havro.EnumSchema:
		return enumPlan(reader.(*havro.EnumSchema), w)
	case *havro.ArraySchema:
		items, err := p.plan(reader.(*havro.ArraySchema).Items(), w.Items())
		if err != nil {
			return nil, err
		}
		return &blocksStep{item: items}, nil
	case *havro.MapSchema:
		values, err := p.plan(reader.(*havro.MapSchema).Values(), w.Values())
		if err != nil {
			return nil, err
		}
		return &blocksStep{item: values, keyed: true}, nil
	case *havro.RecordSchema:
		return p.record(reader.(*havro.RecordSchema), w)
	}
	return nil, fmt.Errorf("%w: cannot resolve %s from %s", ErrIncompatibleSchemas, reader.Type(), writer.Type())
}

// branchMatches reports whether reader union branch b takes writer values:
// the same type (and name, for named types) when exact, else a promotion.
func branchMatches(b, writer havro.Schema, exact bool) bool {
	if !exact {
		_, err := promotion(b.Type(), writer.Type())
		return err == nil && b.Type() != writer.Type()
	}
	if b.Type() != writer.Type() {
		return false
	}
	bn, ok1 := b.(havro.NamedSchema)
	wn, ok2 := writer.(havro.NamedSchema)
	if !ok1 || !ok2 {
		return true
	}
	return namesMatch(bn, wn)
}

// namesMatch reports whether a reader named type reads a writer named type:
// the same full or unqualified name, or a reader alias naming the writer.
func namesMatch(reader, writer havro.NamedSchema) bool {
	return reader.FullName() == writer.FullName() || reader.Name() == writer.Name() ||
		slices.Contains(reader.Aliases(), writer.FullName())
}

func promotion(reader, writer havro.Type) (tstep, error) {
	switch {
	case writer == havro.String && reader == havro.Bytes,
		writer == havro.Bytes && reader == havro.String:
		return copyStep{schema: havro.NewPrimitiveSchema(writer, nil)}, nil
	case writer == havro.Int && reader == havro.Long,
		(writer == havro.Int || writer == havro.Long) && (reader == havro.Float || reader == havro.Double):
		return promoteStep{from: writer, to: reader}, nil
	case writer == havro.Float && reader == havro.Double:
		return promoteStep{from: writer, to: reader}, nil
	}
	return nil, fmt.Errorf("%w: reader type %s cannot read writer type %s", ErrIncompatibleSchemas, reader, writer)
}

func (p *planner) record(reader, writer *havro.RecordSchema) (tstep, error) {
	key := [2]havro.Schema{reader, writer}
	if st, ok := p.records[key]; ok {
		return st, nil
	}
	if !namesMatch(reader, writer) {
		return nil, fmt.Errorf("%w: record %s cannot read record %s", ErrIncompatibleSchemas, reader.FullName(), writer.FullName())
	}
	st := &recordStep{
		fields:   make([]fieldStep, len(writer.Fields())),
		defaults: make([][]byte, len(reader.Fields())),
		provided: make([]bool, len(reader.Fields())),
		n:        len(reader.Fields()),
	}
	p.records[key] = st
	for i, wf := range writer.Fields() {
		j := readerField(reader, wf)
		if j < 0 {
			st.fields[i] = fieldStep{target: -1, skip: wf.Type()}
			continue
		}
		s, err := p.plan(reader.Fields()[j].Type(), wf.Type())
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", reader.FullName(), reader.Fields()[j].Name(), err)
		}
		st.fields[i] = fieldStep{target: j, step: s}
		st.provided[j] = true
	}
	for j, rf := range reader.Fields() {
		if st.provided[j] {
			continue
		}
		if !rf.HasDefault() {
			return nil, fmt.Errorf("%w: reader field %s.%s is missing in the writer schema and has no default", ErrIncompatibleSchemas, reader.FullName(), rf.Name())
		}
		b, err := p.encodeDefault(rf)
		if err != nil {
			return nil, fmt.Errorf("%w: default of %s.%s: %v", ErrInvalidSchema, reader.FullName(), rf.Name(), err)
		}
		st.defaults[j] = b
	}
	// Writing straight to out works when matched fields keep their
	// positions and every defaulted reader field comes after them.
	st.inOrder = true
	last := -1
	for i, f := range st.fields {
		if f.target >= 0 {
			st.inOrder = st.inOrder && f.target == i
			last = max(last, f.target)
		}
	}
	for j := range st.n {
		if !st.provided[j] && j < last {
			st.inOrder = false
		}
	}
	return st, nil
}

// readerField returns the index of the reader field that takes writer field
// wf (by name, then by the reader field's aliases), -1 if none does.
func readerField(reader *havro.RecordSchema, wf *havro.Field) int {
	for j, rf := range reader.Fields() {
		if rf.Name() == wf.Name() {
			return j
		}
	}
	for j, rf := range reader.Fields() {
		if slices.Contains(rf.Aliases(), wf.Name()) {
			return j
		}
	}
	return -1
}

// encodeDefault encodes a reader field's default in the field's schema (for
// a union, in its first branch, as the Avro specification says).
func (p *planner) encodeDefault(f *havro.Field) ([]byte, error) {
	typ := deref(f.Type())
	var prefix []byte
	if u, ok := typ.(*havro.UnionSchema); ok {
		prefix = []byte{0}
		typ = deref(u.Types()[0])
	}
	b, err := p.api.Marshal(typ, f.Default())
	if err != nil {
		return nil, err
	}
	return append(prefix, b...), nil
}

func enumPlan(reader, writer *havro.EnumSchema) (tstep, error) {
	st := enumStep{index: make([]int64, len(writer.Symbols())), name: writer.FullName()}
	def := int64(-1)
	if reader.HasDefault() {
		def = int64(slices.Index(reader.Symbols(), reader.Default()))
	}
	for i, s := range writer.Symbols() {
		j := int64(slices.Index(reader.Symbols(), s))
		if j < 0 {
			j = def
		}
		st.index[i] = j
	}
	return st, nil
}

// copyStep copies a value whose encoding is the same for reader and writer.
type copyStep struct{ schema havro.Schema }

func (s copyStep) run(t *transcoder, r *binReader, out []byte, depth int) []byte {
	start := r.pos
	skipValue(s.schema, r, depth, t.maxDepth, t.maxItems)
	if r.err != nil {
		return out
	}
	return append(out, r.b[start:r.pos]...)
}

// promoteStep widens a number (int to long, int or long to float or
// double, float to double), converting as Java does: each integer straight
// to the target type.
type promoteStep struct{ from, to havro.Type }

func (s promoteStep) run(_ *transcoder, r *binReader, out []byte, _ int) []byte {
	var i int64
	var f float64
	switch s.from {
	case havro.Int:
		i = int64(r.int())
	case havro.Long:
		i = r.long()
	case havro.Float:
		b := r.take(4)
		if r.err != nil {
			return out
		}
		f = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	}
	if r.err != nil {
		return out
	}
	switch {
	case s.to == havro.Long:
		return binary.AppendVarint(out, i)
	case s.to == havro.Float:
		return binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(i)))
	case s.from == havro.Float:
		return binary.LittleEndian.AppendUint64(out, math.Float64bits(f))
	}
	return binary.LittleEndian.AppendUint64(out, math.Float64bits(float64(i)))
}

// enumStep maps writer symbol indexes to reader ones (-1: no such symbol
// and no reader default).
type enumStep struct {
	index []int64
	name  string
}

func (s enumStep) run(_ *transcoder, r *binReader, out []byte, _ int) []byte {
	i := int64(r.int())
	if r.err != nil {
		return out
	}
	if i < 0 || i >= int64(len(s.index)) {
		r.fail("enum %s index %d out of range", s.name, i)
		return out
	}
	if s.index[i] < 0 {
		r.fail("enum %s symbol %d is unknown to the reader, which has no default", s.name, i)
		return out
	}
	return binary.AppendVarint(out, s.index[i])
}

// blocksStep rewrites an array or map, as one block.
type blocksStep struct {
	item  tstep
	keyed bool
}

func (s *blocksStep) run(t *transcoder, r *binReader, out []byte, depth int) []byte {
	total := int64(0)
	for r.err == nil {
		n := r.blockCount()
		if n == 0 || r.err != nil {
			break
		}
		if total += n; total > int64(t.maxItems) {
			r.fail("more than %d items", t.maxItems)
			break
		}
		out = binary.AppendVarint(out, n)
		for range n {
			if s.keyed {
				k := r.take(r.long())
				out = binary.AppendVarint(out, int64(len(k)))
				out = append(out, k...)
			}
			out = s.item.run(t, r, out, depth)
			if r.err != nil {
				return out
			}
		}
	}
	return append(out, 0)
}

// writerUnionStep reads the writer's branch index and rewrites that branch.
type writerUnionStep struct{ branches []tstep }

func (s *writerUnionStep) run(t *transcoder, r *binReader, out []byte, depth int) []byte {
	i := int64(r.int())
	if r.err != nil {
		return out
	}
	if i < 0 || i >= int64(len(s.branches)) {
		r.fail("union branch %d out of range", i)
		return out
	}
	return s.branches[i].run(t, r, out, depth)
}

// readerUnionStep writes a value of a non-union writer type as a branch of
// the reader's union.
type readerUnionStep struct {
	index int64
	inner tstep
}

func (s *readerUnionStep) run(t *transcoder, r *binReader, out []byte, depth int) []byte {
	return s.inner.run(t, r, binary.AppendVarint(out, s.index), depth)
}

// errStep fails: the writer data it would read has no reader equivalent.
type errStep struct{ err error }

func (s errStep) run(_ *transcoder, r *binReader, out []byte, _ int) []byte {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %v", ErrInvalidData, s.err)
	}
	return out
}

// recordStep rewrites a record: writer fields in writer order, emitted in
// reader order, with reader-only fields from their defaults.
type recordStep struct {
	fields   []fieldStep // per writer field
	defaults [][]byte    // per reader field not provided by the writer
	provided []bool      // per reader field
	n        int
	inOrder  bool // writer fields map to reader fields 0..k in order
}

type fieldStep struct {
	target int          // reader field index, -1 to skip
	step   tstep        // when target >= 0
	skip   havro.Schema // when target < 0
}

func (s *recordStep) run(t *transcoder, r *binReader, out []byte, depth int) []byte {
	if depth >= t.maxDepth {
		r.fail("value nests deeper than %d records", t.maxDepth)
		return out
	}
	if s.inOrder {
		for _, f := range s.fields {
			if f.target < 0 {
				skipValue(f.skip, r, depth+1, t.maxDepth, t.maxItems)
			} else {
				out = f.step.run(t, r, out, depth+1)
			}
			if r.err != nil {
				return out
			}
		}
		for j := range s.n {
			if !s.provided[j] {
				out = append(out, s.defaults[j]...)
			}
		}
		return out
	}
	segs := make([][]byte, s.n)
	for _, f := range s.fields {
		if f.target < 0 {
			skipValue(f.skip, r, depth+1, t.maxDepth, t.maxItems)
		} else {
			segs[f.target] = f.step.run(t, r, nil, depth+1)
		}
		if r.err != nil {
			return out
		}
	}
	for j := range s.n {
		if s.provided[j] {
			out = append(out, segs[j]...)
		} else {
			out = append(out, s.defaults[j]...)
		}
	}
	return out
}
