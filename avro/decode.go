package avro

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"
	"unsafe"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// compileDecoder builds the decoder for data written in schema w into T.
// r is the schema to read into (nil: read with w itself); when it differs
// from w the decoder resolves w's data into r's shape (Avro schema
// resolution).
func compileDecoder[T any](api havro.API, g *goType, w, r *parsed, s settings) (serde.Decoder[T], error) {
	if w.schema.Type() == havro.Bytes {
		// Confluent writes a top-level "bytes" value raw: the body is the
		// value.
		switch {
		case g.rawBytes:
			return rawDecoder[T]{}, nil
		case g.iface:
			return ifaceRawDecoder[T]{}, nil
		}
		return nil, fmt.Errorf("%w: data written with a top-level \"bytes\" schema is raw and reads into []byte, not %s", ErrUnsupportedType, g.t)
	}
	for _, ps := range []*parsed{w, r} {
		if ps != nil && ps.maxFixed > s.limits.MaxBytesLen {
			return nil, fmt.Errorf("%w: a fixed type of %d bytes exceeds the %d-byte limit (avro.WithLimits)", ErrInvalidSchema, ps.maxFixed, s.limits.MaxBytesLen)
		}
	}
	d := &valueDecoder[T]{check: w.check, limits: s.limits}
	target := w.schema
	if r != nil && r.schema.Fingerprint() != w.schema.Fingerprint() {
		var err error
		if !w.recursive && !r.recursive && !w.bareNull {
			var composite havro.Schema
			if composite, err = havro.NewSchemaCompatibility().Resolve(r.schema, w.schema); err == nil {
				target = composite
			}
		}
		if w.recursive || r.recursive || w.bareNull || err != nil {
			// hamba's Resolve does not terminate on recursive schemas,
			// refuses some valid resolutions (a writer union whose
			// branches all promote to one reader type), and its decoders
			// cannot skip a null outside a union: rewrite the writer's
			// bytes into the reader's encoding instead, then decode those
			// with the reader schema.
			t, terr := newTranscoder(api, r.schema, w.schema, s)
			if terr != nil {
				return nil, terr
			}
			d.trans, target = t, r.schema
		}
	}
	d.dec = api.DecoderOf(target, g.ptrRT)
	if err := compileError(d.dec); err != nil {
		return nil, fmt.Errorf("%w: %s cannot be read from schema %s: %v", ErrUnsupportedType, g.t, shortSchema(w), err)
	}
	d.pool.New = func() any { return havro.NewReader(nil, 0, havro.WithReaderConfig(api)) }
	if d.trans == nil && target == w.schema {
		d.fused = newFused(w, g, s)
	}
	return d, nil
}

// valueDecoder reads values of T with a compiled hamba decoder.
type valueDecoder[T any] struct {
	dec  havro.ValDecoder
	pool sync.Pool // *havro.Reader

	// check and limits bound each message before hamba sees it.
	check  *program
	limits Limits

	// Set when resolving recursive schemas: rewrites writer bytes into the
	// reader's encoding.
	trans *transcoder

	// fused reads bodies up to its max in one pass, the check folded into
	// decoding (fused.go); nil when the schema or T needs the check.
	fused *fused
}

// Decode implements serde.Decoder.
func (d *valueDecoder[T]) Decode(body []byte, v *T) (err error) {
	var zero T
	*v = zero
	if f := d.fused; f != nil && len(body) <= f.max {
		return d.decodeFused(f, body, f.dec, unsafe.Pointer(v))
	}
	if err := checkMessage(d.check, body, &d.limits); err != nil {
		return err
	}
	if d.trans != nil {
		if body, err = d.trans.run(body); err != nil {
			return err
		}
	}
	r := d.pool.Get().(*havro.Reader)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: recovered panic: %v", ErrInvalidData, p)
		}
		r.Error = nil
		r.Reset(nil)
		d.pool.Put(r)
	}()
	r.Reset(body)
	d.dec.Decode(unsafe.Pointer(v), r)
	return readError(r.Error)
}

// decodeFused reads body with f: one pass, hamba bounded by the bytes
// present. When hamba fails the check runs, so that a message it refuses
// fails with its error.
func (d *valueDecoder[T]) decodeFused(f *fused, body []byte, dec havro.ValDecoder, v unsafe.Pointer) (err error) {
	k := bits.Len(uint(len(body)))
	r := f.reader(k)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: recovered panic: %v", ErrInvalidData, p)
		}
		f.put(k, r)
	}()
	r.Reset(body)
	dec.Decode(v, r)
	if r.Error == nil {
		return nil
	}
	if err := checkMessage(d.check, body, &d.limits); err != nil {
		return err
	}
	return readError(r.Error)
}

// DecodeValue implements serde.ValueDecoder. A pointer T read on the
// fused path is allocated once, the value itself, not also a slot for the
// pointer.
func (d *valueDecoder[T]) DecodeValue(body []byte) (T, error) {
	if f := d.fused; f != nil && f.elemDec != nil && len(body) <= f.max {
		p := f.elemType.UnsafeNew()
		if err := d.decodeFused(f, body, f.elemDec, p); err != nil {
			var zero T
			return zero, err
		}
		return *(*T)(unsafe.Pointer(&p)), nil
	}
	var v T
	if err := d.Decode(body, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// readError is the error of a hamba read that failed with err (nil: none).
func readError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		// Unlike hamba's Unmarshal, io.EOF is an error here: the body is
		// the whole value, so reading past its end means it is truncated
		// (hamba's decoders carry on with zero values after it).
		return fmt.Errorf("%w: unexpected end of data: %v", ErrInvalidData, err)
	}
	return fmt.Errorf("%w: %v", ErrInvalidData, err)
}

// rawDecoder reads a top-level "bytes" body into a []byte-like T.
type rawDecoder[T any] struct{}

// Decode implements serde.Decoder. The value is a copy: body is not
// retained.
func (rawDecoder[T]) Decode(body []byte, v *T) error {
	*(*[]byte)(unsafe.Pointer(v)) = bytes.Clone(body)
	return nil
}

// ifaceRawDecoder reads a top-level "bytes" body into a generic value.
type ifaceRawDecoder[T any] struct{}

// Decode implements serde.Decoder.
func (ifaceRawDecoder[T]) Decode(body []byte, v *T) error {
	*(*any)(unsafe.Pointer(v)) = bytes.Clone(body)
	return nil
}
