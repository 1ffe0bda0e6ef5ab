package avro

import (
	"fmt"
	"sync"
	"unsafe"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// maxPooledWriterBuf: writers whose buffer grew beyond this are not pooled,
// so one huge message does not pin its buffer forever.
const maxPooledWriterBuf = 64 << 10

// compileEncoder builds the per-message encoder for values of T in schema ps.
func compileEncoder[T any](api havro.API, g *goType, ps *parsed) (serde.Encoder[T], error) {
	if ps.schema.Type() == havro.Bytes {
		// Confluent writes a top-level "bytes" value raw, without the
		// length prefix.
		switch {
		case g.rawBytes:
			return rawEncoder[T]{}, nil
		case g.iface:
			return ifaceRawEncoder[T]{}, nil
		}
		return nil, fmt.Errorf("%w: a top-level \"bytes\" schema is written raw and needs a []byte value, not %s", ErrUnsupportedType, g.t)
	}
	e := &valueEncoder[T]{api: api, schema: ps.schema, iface: g.iface, likePtr: g.likePtr}
	if !g.iface {
		e.enc = api.EncoderOf(ps.schema, g.rt)
		if err := compileError(e.enc); err != nil {
			return nil, fmt.Errorf("%w: %s cannot be written with schema %s: %v", ErrUnsupportedType, g.t, shortSchema(ps), err)
		}
	}
	e.pool.New = func() any {
		return &encScratch[T]{w: havro.NewWriter(nil, 512, havro.WithWriterConfig(api))}
	}
	return e, nil
}

// shortSchema renders a schema for error messages.
func shortSchema(ps *parsed) string {
	if ps.fullName != "" {
		return ps.fullName
	}
	s := ps.schema.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// encScratch is what one AppendEncode call borrows: a hamba writer, and a
// slot to hold the value, so that handing its address to hamba does not make
// every value escape to the heap.
type encScratch[T any] struct {
	w *havro.Writer
	v T
}

// valueEncoder writes values of T with a compiled hamba encoder.
type valueEncoder[T any] struct {
	api     havro.API
	schema  havro.Schema
	enc     havro.ValEncoder // nil for interface T: the dynamic type decides
	iface   bool
	likePtr bool
	pool    sync.Pool // *encScratch[T]
}

// AppendEncode implements serde.Encoder.
func (e *valueEncoder[T]) AppendEncode(dst []byte, v T) (out []byte, err error) {
	s := e.pool.Get().(*encScratch[T])
	w := s.w
	defer func() {
		if r := recover(); r != nil {
			out, err = dst, fmt.Errorf("%w: recovered panic: %v", ErrInvalidValue, r)
		}
		w.Error = nil
		var zero T
		s.v = zero
		if cap(w.Buffer()) <= maxPooledWriterBuf {
			e.pool.Put(s)
		}
	}()
	w.Reset(nil)
	switch {
	case e.iface:
		w.WriteVal(e.schema, any(v))
	case e.likePtr:
		// hamba's encoders for pointer-shaped types take the pointer
		// itself.
		e.enc.Encode(*(*unsafe.Pointer)(unsafe.Pointer(&v)), w)
	default:
		s.v = v
		e.enc.Encode(unsafe.Pointer(&s.v), w)
	}
	if w.Error != nil {
		return dst, fmt.Errorf("%w: %v", ErrInvalidValue, w.Error)
	}
	return append(dst, w.Buffer()...), nil
}

// rawEncoder writes a []byte-like T as it is (top-level "bytes").
type rawEncoder[T any] struct{}

// AppendEncode implements serde.Encoder.
func (rawEncoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	return append(dst, *(*[]byte)(unsafe.Pointer(&v))...), nil
}

// ifaceRawEncoder writes a generic []byte value as it is (top-level
// "bytes").
type ifaceRawEncoder[T any] struct{}

// AppendEncode implements serde.Encoder.
func (ifaceRawEncoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	b, ok := any(v).([]byte)
	if !ok {
		return dst, fmt.Errorf("%w: a top-level \"bytes\" schema needs a []byte value, got %T", ErrInvalidValue, any(v))
	}
	return append(dst, b...), nil
}
