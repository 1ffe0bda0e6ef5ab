package avro

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
)

// This file converts between hamba's generic Avro values and the golden
// vectors' JSON mapping (testdata/vectors/README.md): decimals as strings
// with scale digits, dates as YYYY-MM-DD, timestamps as RFC 3339 with 3 or
// 6 fraction digits, bytes and fixed as base64, unions unwrapped.

// toVectorJSON converts a generic value decoded with schema s to the
// vectors' JSON mapping.
func toVectorJSON(s havro.Schema, v any) (any, error) {
	s = deref(s)
	switch t := s.(type) {
	case *havro.NullSchema:
		if v != nil {
			return nil, fmt.Errorf("null schema, value %T", v)
		}
		return nil, nil
	case *havro.UnionSchema:
		return unionToJSON(t, v)
	case *havro.RecordSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("record %s: value %T", t.FullName(), v)
		}
		out := map[string]any{}
		for _, f := range t.Fields() {
			fv, err := toVectorJSON(f.Type(), m[f.Name()])
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.FullName(), f.Name(), err)
			}
			out[f.Name()] = fv
		}
		return out, nil
	case *havro.EnumSchema:
		return v, nil
	case *havro.ArraySchema:
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("array: value %T", v)
		}
		out := make([]any, len(items))
		for i, e := range items {
			var err error
			if out[i], err = toVectorJSON(t.Items(), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *havro.MapSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("map: value %T", v)
		}
		out := map[string]any{}
		for k, e := range m {
			var err error
			if out[k], err = toVectorJSON(t.Values(), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *havro.FixedSchema:
		if d, ok := t.Logical().(*havro.DecimalLogicalSchema); ok {
			return decimalString(v, d.Scale())
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Array {
			return nil, fmt.Errorf("fixed: value %T", v)
		}
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return base64.StdEncoding.EncodeToString(b), nil
	case *havro.PrimitiveSchema:
		return primitiveToJSON(t, v)
	}
	return nil, fmt.Errorf("unexpected schema %T", s)
}

func unionToJSON(u *havro.UnionSchema, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	// Nested unions decode to {"branch name": value}; a top-level one to
	// the bare value.
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for name, bv := range m {
			for _, b := range u.Types() {
				if unionKey(b) == name {
					return toVectorJSON(b, bv)
				}
			}
		}
	}
	for _, b := range u.Types() {
		if b.Type() == havro.Null {
			continue
		}
		if out, err := toVectorJSON(b, v); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("union %s: no branch for %T", u, v)
}

func primitiveToJSON(p *havro.PrimitiveSchema, v any) (any, error) {
	lt := havro.LogicalType("")
	if p.Logical() != nil {
		lt = p.Logical().Type()
	}
	switch {
	case lt == havro.Decimal:
		return decimalString(v, p.Logical().(*havro.DecimalLogicalSchema).Scale())
	case lt == havro.Date:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("date: value %T", v)
		}
		return t.UTC().Format("2006-01-02"), nil
	case lt == havro.TimestampMillis:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("timestamp-millis: value %T", v)
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z07:00"), nil
	case lt == havro.TimestampMicros:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("timestamp-micros: value %T", v)
		}
		return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), nil
	}
	switch p.Type() {
	case havro.Bytes:
		b, ok := v.([]byte)
		if !ok {
			return nil, fmt.Errorf("bytes: value %T", v)
		}
		return base64.StdEncoding.EncodeToString(b), nil
	case havro.String:
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("string: value %T", v)
		}
	case havro.Boolean:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("boolean: value %T", v)
		}
	case havro.Int, havro.Long, havro.Float, havro.Double:
		switch v.(type) {
		case int, int32, int64, float32, float64:
		default:
			return nil, fmt.Errorf("%s: value %T", p.Type(), v)
		}
	}
	return v, nil
}

func decimalString(v any, scale int) (any, error) {
	r, ok := v.(*big.Rat)
	if !ok {
		return nil, fmt.Errorf("decimal: value %T", v)
	}
	return r.FloatString(scale), nil
}

// fromVectorJSON builds the generic value hamba encodes with schema s from a
// vector's JSON value (decoded with UseNumber).
func fromVectorJSON(s havro.Schema, j any) (any, error) {
	s = deref(s)
	switch t := s.(type) {
	case *havro.NullSchema:
		return nil, nil
	case *havro.UnionSchema:
		if j == nil {
			return nil, nil
		}
		for _, b := range t.Types() {
			if b.Type() == havro.Null {
				continue
			}
			v, err := fromVectorJSON(b, j)
			if err != nil {
				continue
			}
			switch deref(b).(type) {
			case *havro.PrimitiveSchema:
				return v, nil // hamba resolves primitive branches by Go type
			}
			return map[string]any{unionKey(b): v}, nil
		}
		return nil, fmt.Errorf("union %s: no branch for %v", t, j)
	case *havro.RecordSchema:
		m, ok := j.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("record %s: JSON %T", t.FullName(), j)
		}
		out := map[string]any{}
		for _, f := range t.Fields() {
			v, err := fromVectorJSON(f.Type(), m[f.Name()])
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.FullName(), f.Name(), err)
			}
			out[f.Name()] = v
		}
		return out, nil
	case *havro.EnumSchema:
		return j, nil
	case *havro.ArraySchema:
		items, ok := j.([]any)
		if !ok {
			return nil, fmt.Errorf("array: JSON %T", j)
		}
		out := make([]any, len(items))
		for i, e := range items {
			var err error
			if out[i], err = fromVectorJSON(t.Items(), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *havro.MapSchema:
		m, ok := j.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("map: JSON %T", j)
		}
		out := map[string]any{}
		for k, e := range m {
			var err error
			if out[k], err = fromVectorJSON(t.Values(), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *havro.FixedSchema:
		if _, ok := t.Logical().(*havro.DecimalLogicalSchema); ok {
			return parseDecimal(j)
		}
		b, err := base64.StdEncoding.DecodeString(fmt.Sprint(j))
		if err != nil || len(b) != t.Size() {
			return nil, fmt.Errorf("fixed(%d): %v", t.Size(), j)
		}
		arr := reflect.New(reflect.ArrayOf(t.Size(), reflect.TypeFor[byte]())).Elem()
		reflect.Copy(arr, reflect.ValueOf(b))
		return arr.Interface(), nil
	case *havro.PrimitiveSchema:
		return primitiveFromJSON(t, j)
	}
	return nil, fmt.Errorf("unexpected schema %T", s)
}

func parseDecimal(j any) (any, error) {
	r, ok := new(big.Rat).SetString(fmt.Sprint(j))
	if !ok {
		return nil, fmt.Errorf("decimal %v", j)
	}
	return r, nil
}

func primitiveFromJSON(p *havro.PrimitiveSchema, j any) (any, error) {
	if p.Logical() != nil {
		switch p.Logical().Type() {
		case havro.Decimal:
			return parseDecimal(j)
		case havro.Date:
			return time.Parse("2006-01-02", fmt.Sprint(j))
		case havro.TimestampMillis, havro.TimestampMicros:
			return time.Parse(time.RFC3339Nano, fmt.Sprint(j))
		}
	}
	num, isNum := j.(json.Number)
	switch p.Type() {
	case havro.Null:
		return nil, nil
	case havro.Boolean:
		b, ok := j.(bool)
		if !ok {
			return nil, fmt.Errorf("boolean: %v", j)
		}
		return b, nil
	case havro.Int:
		if !isNum {
			return nil, fmt.Errorf("int: %v", j)
		}
		i, err := num.Int64()
		return int(i), err
	case havro.Long:
		if !isNum {
			return nil, fmt.Errorf("long: %v", j)
		}
		return num.Int64()
	case havro.Float:
		if !isNum {
			return nil, fmt.Errorf("float: %v", j)
		}
		f, err := num.Float64()
		return float32(f), err
	case havro.Double:
		if !isNum {
			return nil, fmt.Errorf("double: %v", j)
		}
		return num.Float64()
	case havro.String:
		s, ok := j.(string)
		if !ok {
			return nil, fmt.Errorf("string: %v", j)
		}
		return s, nil
	case havro.Bytes:
		s, ok := j.(string)
		if !ok {
			return nil, fmt.Errorf("bytes: %v", j)
		}
		return base64.StdEncoding.DecodeString(s)
	}
	return nil, fmt.Errorf("unexpected primitive %s", p.Type())
}

// decodeJSON decodes raw JSON keeping numbers exact.
func decodeJSON(t testing.TB, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// jsonEqual compares two JSON-able values semantically (member order and
// number spelling do not matter).
func jsonEqual(t testing.TB, got any, want []byte) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var gv, wv any
	if err := json.Unmarshal(g, &gv); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &wv); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gv, wv) {
		t.Errorf("decoded value differs\n got: %s\nwant: %s", g, strings.TrimSpace(string(want)))
	}
}
