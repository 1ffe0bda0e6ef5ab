package avro

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// The JSON form of an Avro message is what rules see of it as JSON: what
// migration rules (JSONATA) rewrite and what a DLQ action writes. It is
// hamba's generic form, as Confluent's Go client hands it to its rule
// engines, made JSON: records and maps as objects, arrays as arrays,
// enums as their symbols, a union as its value for null and primitive
// branches and as {"type name": value} for named, array and map branches;
// bytes and fixed as standard base64, decimals as strings with their
// scale's digits ("-98765.43"), dates as "2006-01-02", timestamps as RFC
// 3339 in UTC with 3 or 6 fraction digits, times of day as numbers of
// milliseconds or microseconds, durations as {"months", "days",
// "milliseconds"}, numbers as json.Number.

const (
	dateLayout   = "2006-01-02"
	millisLayout = "2006-01-02T15:04:05.000Z07:00"
	microsLayout = "2006-01-02T15:04:05.000000Z07:00"
)

// toJSONForm returns the JSON form of x, a generic value of node n.
func toJSONForm(n *rnode, x any, depth, maxDepth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: the value nests more than %d levels deep", ErrInvalidValue, maxDepth)
	}
	switch n.kind {
	case kindRecord:
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: record %s: value %T", ErrInvalidValue, n.name, x)
		}
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			v, err := toJSONForm(f.typ, m[f.name], depth+1, maxDepth)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.info.FullName, err)
			}
			out[f.name] = v
		}
		return out, nil
	case kindArray:
		rv := reflect.ValueOf(x)
		if x == nil || rv.Kind() != reflect.Slice {
			if x == nil {
				return []any{}, nil
			}
			return nil, fmt.Errorf("%w: array: value %T", ErrInvalidValue, x)
		}
		out := make([]any, rv.Len())
		for i := range out {
			v, err := toJSONForm(n.elem, rv.Index(i).Interface(), depth+1, maxDepth)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case kindMap:
		rv := reflect.ValueOf(x)
		if x == nil {
			return map[string]any{}, nil
		}
		if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: map: value %T", ErrInvalidValue, x)
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			v, err := toJSONForm(n.elem, it.Value().Interface(), depth+1, maxDepth)
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = v
		}
		return out, nil
	case kindUnion:
		if x == nil {
			return nil, nil
		}
		if v, ok, err := keyedBranch(n, x, toJSONForm, depth, maxDepth); ok {
			return v, err
		}
		for _, b := range n.branches {
			if b.kind == kindLeaf && b.ftype != serde.TypeNull && branchAccepts(b, x) {
				return toJSONForm(b, x, depth+1, maxDepth)
			}
		}
		return nil, fmt.Errorf("%w: %T is none of the union's branches", ErrInvalidValue, x)
	}
	return leafJSON(n, x)
}

// keyedBranch converts x, a value of union n in the keyed form {"type
// name": value} of one of its branches, to {"type name": convert(branch,
// value)}, true; any other x is false. convert is to- or fromJSONForm.
func keyedBranch(n *rnode, x any, convert func(*rnode, any, int, int) (any, error), depth, maxDepth int) (any, bool, error) {
	m, ok := x.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, false, nil
	}
	for k, v := range m {
		if i := slices.Index(n.keys, k); i >= 0 && k != "" {
			g, err := convert(n.branches[i], v, depth+1, maxDepth)
			if err != nil {
				return nil, true, err
			}
			return map[string]any{k: g}, true, nil
		}
	}
	return nil, false, nil
}

// leafJSON returns the JSON form of a leaf value.
func leafJSON(n *rnode, x any) (any, error) {
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: %s value %T", ErrInvalidValue, n.schema.Type(), x)
	}
	lt := logicalOf(n.schema)
	switch v := x.(type) {
	case nil:
		if n.ftype == serde.TypeNull {
			return nil, nil
		}
		return bad()
	case time.Time:
		switch lt {
		case havro.Date:
			return v.UTC().Format(dateLayout), nil
		case havro.TimestampMillis, havro.LocalTimestampMillis:
			return v.UTC().Format(millisLayout), nil
		case havro.TimestampMicros, havro.LocalTimestampMicros:
			return v.UTC().Format(microsLayout), nil
		}
		return bad()
	case time.Duration:
		if lt == havro.TimeMicros {
			return json.Number(strconv.FormatInt(v.Microseconds(), 10)), nil
		}
		return json.Number(strconv.FormatInt(v.Milliseconds(), 10)), nil
	case *big.Rat:
		d, ok := n.schema.(havro.LogicalTypeSchema).Logical().(*havro.DecimalLogicalSchema)
		if !ok || v == nil {
			return bad()
		}
		return v.FloatString(d.Scale()), nil
	case havro.LogicalDuration:
		return map[string]any{
			"months":       json.Number(strconv.FormatUint(uint64(v.Months), 10)),
			"days":         json.Number(strconv.FormatUint(uint64(v.Days), 10)),
			"milliseconds": json.Number(strconv.FormatUint(uint64(v.Milliseconds), 10)),
		}, nil
	case bool:
		return v, nil
	}
	in := leafInput(x)
	switch v := in.(type) {
	case string:
		return v, nil
	case []byte:
		return base64.StdEncoding.EncodeToString(v), nil
	case int:
		return json.Number(strconv.Itoa(v)), nil
	case int32:
		return json.Number(strconv.FormatInt(int64(v), 10)), nil
	case int64:
		return json.Number(strconv.FormatInt(v, 10)), nil
	case float32:
		return floatJSON(float64(v), 32)
	case float64:
		return floatJSON(v, 64)
	}
	return bad()
}

func floatJSON(f float64, bits int) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%w: %v has no JSON form", ErrInvalidValue, f)
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, bits)), nil
}

// fromJSONForm returns the generic value hamba writes for x in node n: x
// is a value's JSON form, or a generic value (ints of any Go type, rules'
// results), or a mix.
func fromJSONForm(n *rnode, x any, depth, maxDepth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: the value nests more than %d levels deep", ErrInvalidValue, maxDepth)
	}
	switch n.kind {
	case kindRecord:
		m, ok := x.(map[string]any)
		if !ok {
			if x != nil && !isGenericLeaf(x) {
				return x, nil // a Go value of a WithUnionType type
			}
			return nil, fmt.Errorf("%w: record %s: value %T", ErrInvalidValue, n.name, x)
		}
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			v, present := m[f.name]
			if !present && f.hasDefault && !f.nullDefault {
				continue // hamba writes the default
			}
			g, err := fromJSONForm(f.typ, v, depth+1, maxDepth)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.info.FullName, err)
			}
			out[f.name] = g
		}
		return out, nil
	case kindArray:
		a, ok := x.([]any)
		if !ok {
			if x != nil && reflect.TypeOf(x).Kind() == reflect.Slice {
				return x, nil // a typed slice, which hamba writes as it is
			}
			return nil, fmt.Errorf("%w: array: value %T", ErrInvalidValue, x)
		}
		out := make([]any, len(a))
		for i, e := range a {
			g, err := fromJSONForm(n.elem, e, depth+1, maxDepth)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case kindMap:
		m, ok := x.(map[string]any)
		if !ok {
			if x != nil && reflect.TypeOf(x).Kind() == reflect.Map {
				return x, nil
			}
			return nil, fmt.Errorf("%w: map: value %T", ErrInvalidValue, x)
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			g, err := fromJSONForm(n.elem, e, depth+1, maxDepth)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	case kindUnion:
		if x == nil {
			if n.null < 0 {
				return nil, fmt.Errorf("%w: null for a union without a null branch", ErrInvalidValue)
			}
			return nil, nil
		}
		if v, ok, err := keyedBranch(n, x, fromJSONForm, depth, maxDepth); ok {
			return v, err
		}
		for i, b := range n.branches {
			if b.ftype == serde.TypeNull {
				continue
			}
			g, err := fromJSONForm(b, x, depth+1, maxDepth)
			if err != nil {
				continue
			}
			if n.keys[i] != "" {
				return map[string]any{n.keys[i]: g}, nil
			}
			return g, nil
		}
		return nil, fmt.Errorf("%w: %T is none of the union's branches", ErrInvalidValue, x)
	}
	return leafFromJSON(n, x)
}

// leafFromJSON returns the generic value of a leaf from its JSON form (or
// a generic value).
func leafFromJSON(n *rnode, x any) (any, error) {
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: %v (%T) for a %s value", ErrInvalidValue, x, x, n.schema.Type())
	}
	lt := logicalOf(n.schema)
	switch n.ftype {
	case serde.TypeNull:
		if x != nil {
			return bad()
		}
		return nil, nil
	case serde.TypeBoolean:
		if b, ok := x.(bool); ok {
			return b, nil
		}
		return bad()
	case serde.TypeString, serde.TypeEnum:
		s, ok := x.(string)
		if !ok {
			return bad()
		}
		if e, ok := n.schema.(*havro.EnumSchema); ok && !slices.Contains(e.Symbols(), s) {
			return nil, fmt.Errorf("%w: %q is not a symbol of enum %s", ErrInvalidValue, s, e.FullName())
		}
		return s, nil
	case serde.TypeInt, serde.TypeLong:
		return intFromJSON(n, lt, x)
	case serde.TypeFloat, serde.TypeDouble:
		f, ok := numberOf(x)
		if !ok {
			return bad()
		}
		if n.ftype == serde.TypeFloat {
			return float32(f), nil
		}
		return f, nil
	case serde.TypeBytes, serde.TypeFixed:
		if lt == havro.Decimal {
			return decimalFromJSON(x)
		}
		if lt == havro.Duration {
			return durationFromJSON(x)
		}
		var b []byte
		switch v := x.(type) {
		case string:
			var err error
			if b, err = base64.StdEncoding.DecodeString(v); err != nil {
				return nil, fmt.Errorf("%w: a %s value is not base64", ErrInvalidValue, n.schema.Type())
			}
		default:
			in, ok := leafInput(x).([]byte)
			if !ok {
				return bad()
			}
			b = in
		}
		if n.ftype == serde.TypeBytes {
			return b, nil
		}
		if len(b) != n.size {
			return nil, fmt.Errorf("%w: %d bytes for a fixed of %d", ErrInvalidValue, len(b), n.size)
		}
		arr := reflect.New(reflect.ArrayOf(n.size, reflect.TypeFor[byte]())).Elem()
		reflect.Copy(arr, reflect.ValueOf(b))
		return arr.Interface(), nil
	}
	return bad()
}

// intFromJSON reads an int or long value, with its logical type.
func intFromJSON(n *rnode, lt havro.LogicalType, x any) (any, error) {
	switch v := x.(type) {
	case time.Time:
		switch lt {
		case havro.Date, havro.TimestampMillis, havro.TimestampMicros, havro.LocalTimestampMillis, havro.LocalTimestampMicros:
			return v, nil
		}
	case time.Duration:
		if lt == havro.TimeMillis || lt == havro.TimeMicros {
			return v, nil
		}
	case string:
		switch lt {
		case havro.Date:
			if t, err := time.Parse(dateLayout, v); err == nil {
				return t, nil
			}
		case havro.TimestampMillis, havro.TimestampMicros, havro.LocalTimestampMillis, havro.LocalTimestampMicros:
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%w: %q for a %s value", ErrInvalidValue, v, n.schema.Type())
	}
	i, ok := integerOf(x)
	if !ok {
		return nil, fmt.Errorf("%w: %v (%T) for a %s value", ErrInvalidValue, x, x, n.schema.Type())
	}
	if n.ftype == serde.TypeInt && (i < math.MinInt32 || i > math.MaxInt32) {
		return nil, fmt.Errorf("%w: %d is out of range for an int", ErrInvalidValue, i)
	}
	switch lt {
	case havro.Date:
		return time.Unix(i*86400, 0).UTC(), nil
	case havro.TimeMillis:
		return time.Duration(i) * time.Millisecond, nil
	case havro.TimeMicros:
		return time.Duration(i) * time.Microsecond, nil
	case havro.TimestampMillis, havro.LocalTimestampMillis:
		return time.UnixMilli(i).UTC(), nil
	case havro.TimestampMicros, havro.LocalTimestampMicros:
		return time.UnixMicro(i).UTC(), nil
	}
	if n.ftype == serde.TypeInt {
		return int(i), nil
	}
	return i, nil
}

// integerOf returns x, a JSON or Go number, as an int64 when it is an
// integer that fits.
func integerOf(x any) (int64, bool) {
	switch v := x.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, true
		}
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		return integralFloat(f)
	case float64:
		return integralFloat(v)
	case float32:
		return integralFloat(float64(v))
	}
	if x == nil {
		return 0, false
	}
	return intOf(reflect.ValueOf(x))
}

func integralFloat(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

// numberOf returns x, a JSON or Go number, as a float64.
func numberOf(x any) (float64, bool) {
	switch v := x.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	}
	i, ok := integerOf(x)
	return float64(i), ok
}

func decimalFromJSON(x any) (any, error) {
	switch v := x.(type) {
	case *big.Rat:
		if v != nil {
			return v, nil
		}
	case string:
		if r, ok := new(big.Rat).SetString(v); ok {
			return r, nil
		}
	case json.Number:
		if r, ok := new(big.Rat).SetString(v.String()); ok {
			return r, nil
		}
	case float64:
		if r := new(big.Rat).SetFloat64(v); r != nil {
			return r, nil
		}
	default:
		if i, ok := integerOf(x); ok {
			return new(big.Rat).SetInt64(i), nil
		}
	}
	return nil, fmt.Errorf("%w: %v (%T) is not a decimal", ErrInvalidValue, x, x)
}

func durationFromJSON(x any) (any, error) {
	switch v := x.(type) {
	case havro.LogicalDuration:
		return v, nil
	case map[string]any:
		var parts [3]uint32
		for i, k := range []string{"months", "days", "milliseconds"} {
			n, ok := integerOf(v[k])
			if !ok || n < 0 || n > math.MaxUint32 {
				return nil, fmt.Errorf("%w: duration %s: %v", ErrInvalidValue, k, v[k])
			}
			parts[i] = uint32(n)
		}
		return havro.LogicalDuration{Months: parts[0], Days: parts[1], Milliseconds: parts[2]}, nil
	}
	return nil, fmt.Errorf("%w: %T is not a duration", ErrInvalidValue, x)
}
