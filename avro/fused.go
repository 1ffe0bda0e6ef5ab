package avro

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	havro "github.com/hamba/avro/v2"
	"github.com/modern-go/reflect2"
)

// This file folds the pre-decode check (check.go) into decoding for the
// common case: a typed value read with its writer schema. The check walks
// every message once before hamba decodes it so that what hamba does is
// bounded by the bytes present; here hamba's decoders bound themselves
// instead, so an honest message is read in one pass:
//
//   - strings and bytes: the message is read by a reader whose
//     MaxByteSliceSize is the body's length rounded up to a power of two, so
//     a claimed length beyond the bytes allocates at most twice the body
//     before hamba fails;
//   - arrays and maps: hamba's array and map decoders are replaced in the
//     compiled decoder by boundedArray and boundedMap, which refuse a block
//     whose count exceeds the bytes left (items take at least a byte each)
//     and a block whose byte size does not match its items, as the check
//     does;
//   - everything else of hamba's that the decoder may contain (an
//     allowlist of decoders whose reads are bounded: primitives, records,
//     enums, nullable unions, small fixed types, skips of fields without
//     arrays or maps) reads a bounded number of bytes per value.
//
// Only schemas where the check's Limits cannot be reached by a message of
// the body's length take this path (no recursion, no zero-width array
// items, nesting within MaxDepth, the allocation estimate bounded); a
// longer body, resolution, generic values or any decoder outside the
// allowlist takes the check. When hamba fails on this path the check runs
// on the body, so that a message the check refuses fails with the check's
// error, as before.

// maxFusedClass bounds the bodies the fused path reads: 2^maxFusedClass - 1
// bytes (1 MiB).
const maxFusedClass = 20

// maxFusedFixed is the largest fixed type the fused path reads (hamba reads
// a fixed value byte by byte, to its size, even past the end of the data).
const maxFusedFixed = 256

// maxFusedElemPerByte bounds the Go size of an array element against the
// bytes an item takes at least: a block claiming what the bytes can hold
// allocates at most that many bytes per body byte.
const maxFusedElemPerByte = 256

// fused is the one-pass decoder of a writer schema into a Go type.
type fused struct {
	dec havro.ValDecoder // hamba's decoder with arrays and maps bounded
	max int              // the longest body it reads
	// For a pointer T, the type it points to and the decoder of one (dec
	// allocates it and decodes with elemDec); nil otherwise.
	elemType reflect2.Type
	elemDec  havro.ValDecoder
	// classes are readers by body length: class k reads bodies of
	// bits.Len(len) == k with MaxByteSliceSize 2^k.
	classes [maxFusedClass + 1]fusedClass
}

type fusedClass struct {
	once sync.Once
	pool sync.Pool // *havro.Reader
}

// reader returns a reader of class k.
func (f *fused) reader(k int) *havro.Reader {
	c := &f.classes[k]
	c.once.Do(func() {
		api := havro.Config{TagKey: "avro", MaxByteSliceSize: 1 << k}.Freeze()
		c.pool.New = func() any { return havro.NewReader(nil, 0, havro.WithReaderConfig(api)) }
	})
	return c.pool.Get().(*havro.Reader)
}

// put returns r, of class k, to its pool.
func (f *fused) put(k int, r *havro.Reader) {
	r.Error = nil
	r.Reset(nil)
	f.classes[k].pool.Put(r)
}

// newFused returns the fused decoder of data written in w into g, or nil
// when w or g needs the check.
func newFused(w *parsed, g *goType, s settings) *fused {
	if w.recursive || w.maxFixed > maxFusedFixed {
		return nil
	}
	facts, ok := planFactsOf(w.check, map[*program]planFacts{})
	if !ok || facts.depth > s.limits.MaxDepth {
		return nil
	}
	off, ok := readerOffsetsOf()
	if !ok {
		return nil
	}
	// A private API: its cache holds only the rewritten decoders.
	dec := newAPI(s).DecoderOf(w.schema, g.ptrRT)
	if compileError(dec) != nil {
		return nil
	}
	fz := fuser{off: off, minItem: facts.minItem, ok: true}
	top := reflect.ValueOf(&dec).Elem()
	fz.decoder(top)
	if !fz.ok || (fz.maxElem > 0 && int64(fz.maxElem) > maxFusedElemPerByte*facts.minItem) {
		return nil
	}
	// Every array item and map entry, and every union value, owns a byte
	// of the body that no value within it owns, so a body of n bytes
	// holds at most n items and n union values: n items stay within
	// MaxItems, and the check's allocation estimate (the inline cost of
	// the message, of each item and of each union value, a slot per item,
	// string bytes) stays within maxCost×(1+2n) + (costMapEntry+1)×n.
	limit := min(s.limits.MaxBytesLen, s.limits.MaxItems, 1<<maxFusedClass-1)
	if byAlloc := (int64(s.limits.MaxAllocBytes) - facts.maxCost) / (2*facts.maxCost + costMapEntry + 1); byAlloc < int64(limit) {
		limit = int(byAlloc)
	}
	if limit < 0 {
		return nil
	}
	fd := &fused{dec: top.Interface().(havro.ValDecoder), max: limit}
	if name, _ := hambaDecoder(top.Elem().Type()); name == "dereferenceDecoder" {
		st := top.Elem().Elem()
		tv, ok1 := field(st, "typ")
		dv, ok2 := field(st, "decoder")
		if ok1 && ok2 && dv.Type() == valDecoderType {
			fd.elemType, _ = tv.Interface().(reflect2.Type)
			fd.elemDec, _ = dv.Interface().(havro.ValDecoder)
			if fd.elemType == nil || fd.elemDec == nil {
				fd.elemType, fd.elemDec = nil, nil
			}
		}
	}
	return fd
}

// planFacts is what the fused path needs to know of a check plan.
type planFacts struct {
	minItem int64 // the fewest bytes an array item takes (math.MaxInt64: no arrays)
	// inline is the estimated cost of one value of the program without
	// its items and union branches: its own cost and, as often as they
	// occur, its records called (a record type used twice is called).
	inline int64
	// maxCost is the largest inline cost of a program reachable from it:
	// what one item, union value or the message itself adds at most.
	maxCost int64
	depth   int // the deepest nesting of records
}

// maxFusedCost saturates inline costs: a value costlier than it never
// takes the fused path.
const maxFusedCost = math.MaxInt32

// planFactsOf returns p's facts; not ok when p has zero-width array items.
// Plans of non-recursive schemas are acyclic.
func planFactsOf(p *program, memo map[*program]planFacts) (planFacts, bool) {
	if f, ok := memo[p]; ok {
		return f, true
	}
	f := planFacts{minItem: math.MaxInt64, inline: min(p.cost, maxFusedCost), depth: p.levels}
	merge := func(q *program, level int, called bool) bool {
		g, ok := planFactsOf(q, memo)
		f.minItem, f.maxCost, f.depth = min(f.minItem, g.minItem), max(f.maxCost, g.maxCost), max(f.depth, level+g.depth)
		if called {
			f.inline = min(f.inline+g.inline, maxFusedCost)
		}
		return ok
	}
	for i := range p.ops {
		o := &p.ops[i]
		switch o.code {
		case opArray:
			if o.sub.minBytes == 0 {
				return f, false
			}
			f.minItem = min(f.minItem, o.sub.minBytes)
			fallthrough
		case opMap, opCall:
			if !merge(o.sub, o.level, o.code == opCall) {
				return f, false
			}
		case opUnion:
			for _, br := range o.branches {
				if !merge(br, o.level, false) {
					return f, false
				}
			}
		}
	}
	f.maxCost = max(f.maxCost, f.inline)
	memo[p] = f
	return f, true
}

// readerOffsets locates the read position and end of hamba's Reader, so
// that bounded decoders know the bytes left.
type readerOffsets struct{ head, tail uintptr }

func readerOffsetsOf() (readerOffsets, bool) {
	t := reflect.TypeFor[havro.Reader]()
	h, ok1 := t.FieldByName("head")
	e, ok2 := t.FieldByName("tail")
	if !ok1 || !ok2 || h.Type.Kind() != reflect.Int || e.Type.Kind() != reflect.Int {
		return readerOffsets{}, false
	}
	return readerOffsets{h.Offset, e.Offset}, true
}

func (o readerOffsets) pos(r *havro.Reader) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(r), o.head))
}

func (o readerOffsets) left(r *havro.Reader) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(r), o.tail)) - o.pos(r)
}

// fuser rewrites a compiled hamba decoder: arrays and maps bounded, and
// any decoder outside the allowlist reported (ok false).
type fuser struct {
	off     readerOffsets
	minItem int64
	maxElem uintptr // the largest Go size of an array element
	ok      bool
}

var valDecoderType = reflect.TypeFor[havro.ValDecoder]()

// hambaDecoder reports whether t is a pointer to one of hamba's decoder
// structs, and its name.
func hambaDecoder(t reflect.Type) (string, bool) {
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || t.Elem().PkgPath() != reflect.TypeFor[havro.Reader]().PkgPath() {
		return "", false
	}
	n := t.Elem().Name()
	return n, strings.HasSuffix(n, "Decoder") || strings.HasSuffix(n, "Codec") || strings.Contains(n, "Codec[")
}

// bounded reports whether a hamba decoder reads a bounded number of bytes
// per value without allocating beyond them (its children aside).
func bounded(name string) bool {
	switch name {
	case "structDecoder", "structFieldDecoder", "dereferenceDecoder", "referenceDecoder", "unionNullableDecoder",
		"nullCodec", "boolCodec", "float32Codec", "float64Codec", "stringCodec", "bytesCodec", "enumCodec", "fixedCodec",
		"dateCodec", "timeMillisCodec", "timeMicrosCodec", "timestampMillisCodec", "timestampMicrosCodec",
		"boolSkipDecoder", "intSkipDecoder", "longSkipDecoder", "floatSkipDecoder", "doubleSkipDecoder",
		"stringSkipDecoder", "bytesSkipDecoder", "enumSkipDecoder", "fixedSkipDecoder", "recordSkipDecoder":
		return true
	}
	return strings.HasPrefix(name, "intCodec[") || strings.HasPrefix(name, "longCodec[")
}

// settable returns field v (addressable, maybe unexported) as settable.
func settable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// field returns st's field name as settable.
func field(st reflect.Value, name string) (reflect.Value, bool) {
	v := st.FieldByName(name)
	if !v.IsValid() {
		return v, false
	}
	return settable(v), true
}

// decoder rewrites the ValDecoder held in slot (settable).
func (f *fuser) decoder(slot reflect.Value) {
	if !f.ok {
		return
	}
	if slot.IsNil() {
		f.ok = false
		return
	}
	switch slot.Interface().(type) {
	case *boundedArray, *boundedMap:
		return
	}
	e := slot.Elem()
	name, ok := hambaDecoder(e.Type())
	if !ok {
		f.ok = false
		return
	}
	st := e.Elem()
	switch name {
	case "arrayDecoder":
		tv, ok1 := field(st, "typ")
		elem, ok2 := field(st, "decoder")
		typ, ok3 := tv.Interface().(*reflect2.UnsafeSliceType)
		if !ok1 || !ok2 || !ok3 || typ == nil || elem.Type() != valDecoderType {
			f.ok = false
			return
		}
		f.decoder(elem)
		f.maxElem = max(f.maxElem, typ.Elem().Type1().Size())
		if f.ok {
			slot.Set(reflect.ValueOf(&boundedArray{typ: typ, elem: elem.Interface().(havro.ValDecoder), minItem: f.minItem, off: f.off}))
		}
	case "mapDecoder":
		mv, ok1 := field(st, "mapType")
		ev, ok2 := field(st, "elemType")
		elem, ok3 := field(st, "decoder")
		if !ok1 || !ok2 || !ok3 || elem.Type() != valDecoderType {
			f.ok = false
			return
		}
		mt, ok1 := mv.Interface().(*reflect2.UnsafeMapType)
		et, ok2 := ev.Interface().(reflect2.Type)
		if !ok1 || !ok2 || mt == nil || et == nil {
			f.ok = false
			return
		}
		f.decoder(elem)
		if f.ok {
			slot.Set(reflect.ValueOf(&boundedMap{mapType: mt, elemType: et, elem: elem.Interface().(havro.ValDecoder), off: f.off}))
		}
	default:
		f.node(e)
	}
}

// node checks decoder p (a pointer to a hamba struct) and rewrites its
// children.
func (f *fuser) node(p reflect.Value) {
	name, _ := hambaDecoder(p.Type())
	if !bounded(name) {
		f.ok = false
		return
	}
	st := p.Elem()
	for i := range st.NumField() {
		v := settable(st.Field(i))
		t := v.Type()
		switch {
		case t == valDecoderType:
			f.decoder(v)
		case t.Kind() == reflect.Slice && t.Elem() == valDecoderType:
			for j := range v.Len() {
				f.decoder(v.Index(j))
			}
		case t.Kind() == reflect.Slice:
			if _, ok := hambaDecoder(t.Elem()); ok {
				for j := range v.Len() {
					f.node(v.Index(j))
				}
			}
		default:
			if _, ok := hambaDecoder(t); ok && !v.IsNil() {
				f.node(v)
			}
		}
		if !f.ok {
			return
		}
	}
}

// blockHeader reads a block's count and, for a negative count, its byte
// size (sized reports whether there is one). A count of math.MinInt64
// stays negative.
func blockHeader(r *havro.Reader) (count, size int64, sized bool) {
	if count = r.ReadLong(); count < 0 {
		return -count, r.ReadLong(), true
	}
	return count, 0, false
}

// boundedArray is hamba's array decoder that refuses blocks the bytes left
// cannot hold, and blocks whose byte size does not match their items.
type boundedArray struct {
	typ     *reflect2.UnsafeSliceType
	elem    havro.ValDecoder
	minItem int64 // bytes an item of any array of the schema takes at least (≥ 1)
	off     readerOffsets
}

// Decode implements havro.ValDecoder.
func (d *boundedArray) Decode(ptr unsafe.Pointer, r *havro.Reader) {
	if d.typ.UnsafeIsNil(ptr) {
		d.typ.UnsafeSet(ptr, d.typ.UnsafeMakeSlice(0, 0))
	}
	size := 0
	for {
		l, bytes, sized := blockHeader(r)
		if l == 0 {
			break
		}
		if l < 0 || l > int64(d.off.left(r))/d.minItem {
			r.ReportError("decode array", "block count exceeds the bytes left")
			return
		}
		start, at := size, d.off.pos(r)
		size += int(l)
		d.typ.UnsafeGrow(ptr, size)
		for i := start; i < size; i++ {
			d.elem.Decode(d.typ.UnsafeGetIndex(ptr, i), r)
			if r.Error != nil {
				r.Error = fmt.Errorf("reading %s: %w", d.typ.String(), r.Error)
				return
			}
		}
		if sized && int64(d.off.pos(r)-at) != bytes {
			r.ReportError("decode array", "block size does not match its items")
			return
		}
	}
	if r.Error != nil && !errors.Is(r.Error, io.EOF) {
		r.Error = fmt.Errorf("%v: %w", d.typ, r.Error)
	}
}

// boundedMap is hamba's map decoder that refuses blocks the bytes left
// cannot hold, and blocks whose byte size does not match their entries.
type boundedMap struct {
	mapType  *reflect2.UnsafeMapType
	elemType reflect2.Type
	elem     havro.ValDecoder
	off      readerOffsets
}

// Decode implements havro.ValDecoder.
func (d *boundedMap) Decode(ptr unsafe.Pointer, r *havro.Reader) {
	if d.mapType.UnsafeIsNil(ptr) {
		d.mapType.UnsafeSet(ptr, d.mapType.UnsafeMakeMap(0))
	}
	for {
		l, bytes, sized := blockHeader(r)
		if l == 0 {
			break
		}
		if l < 0 || l > int64(d.off.left(r)) {
			r.ReportError("decode map", "block count exceeds the bytes left")
			return
		}
		at := d.off.pos(r)
		for range l {
			key := r.ReadString()
			elemPtr := d.elemType.UnsafeNew()
			d.elem.Decode(elemPtr, r)
			if r.Error != nil {
				r.Error = fmt.Errorf("reading map[string]%s: %w", d.elemType.String(), r.Error)
				return
			}
			d.mapType.UnsafeSetIndex(ptr, reflect2.PtrOf(key), elemPtr)
		}
		if sized && int64(d.off.pos(r)-at) != bytes {
			r.ReportError("decode map", "block size does not match its entries")
			return
		}
	}
	if r.Error != nil && !errors.Is(r.Error, io.EOF) {
		r.Error = fmt.Errorf("%v: %w", d.mapType, r.Error)
	}
}
