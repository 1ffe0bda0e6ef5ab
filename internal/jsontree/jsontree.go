// Package jsontree is a small JSON tree that keeps object member order and
// number literals, and prints JSON the way the registry's Jackson mappers
// do. The registry's canonical and normalized schema texts are Java
// renderings, so the Avro and JSON Schema formats print through it; one
// implementation keeps their texts, and so their schema IDs, consistent.
package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// MaxDepth bounds the nesting of parsed documents, so that a hostile schema
// ends in an error rather than exhausting the stack.
const MaxDepth = 512

// Kind is the kind of a JSON value.
type Kind uint8

// JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is a JSON value.
type Value struct {
	Kind Kind
	Bool bool
	// Str is a string's value, or a number's literal text.
	Str string
	Arr []*Value
	// Obj holds an object's members in document order; a repeated key keeps
	// its first position and its last value, as Jackson's ObjectNode does.
	Obj []Member
}

// Member is one object member.
type Member struct {
	Key string
	Val *Value
}

// Parse parses one JSON document, keeping member order and number literals.
// Data after the value, or nesting deeper than [MaxDepth], is an error.
func Parse(data []byte) (*Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("invalid JSON: data after the top-level value")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return v, nil
}

// ParseString is [Parse] of a string.
func ParseString(text string) (*Value, error) { return Parse([]byte(text)) }

func parseValue(dec *json.Decoder, depth int) (*Value, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("invalid JSON: nested deeper than %d", MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	switch t := tok.(type) {
	case nil:
		return &Value{Kind: Null}, nil
	case bool:
		return &Value{Kind: Bool, Bool: t}, nil
	case json.Number:
		return &Value{Kind: Number, Str: string(t)}, nil
	case string:
		return &Value{Kind: String, Str: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &Value{Kind: Array}
			for dec.More() {
				e, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Arr = append(v.Arr, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return v, nil
		case '{':
			v := &Value{Kind: Object}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errors.New("invalid JSON: object key is not a string")
				}
				e, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Set(key, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("invalid JSON: unexpected token %v", tok)
}

// Set adds or replaces an object member. A repeated key keeps its first
// position and its last value, as Jackson's ObjectNode does.
func (v *Value) Set(key string, val *Value) {
	for i := range v.Obj {
		if v.Obj[i].Key == key {
			v.Obj[i].Val = val
			return
		}
	}
	v.Obj = append(v.Obj, Member{Key: key, Val: val})
}

// Get returns the member named key of an object, nil if v is not an object
// or has no such member.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Obj {
		if v.Obj[i].Key == key {
			return v.Obj[i].Val
		}
	}
	return nil
}

// Has reports whether v is an object with a member named key.
func (v *Value) Has(key string) bool { return v.Get(key) != nil }

// Text returns the value of the string member key, and whether there is one.
func (v *Value) Text(key string) (string, bool) { return v.Get(key).StringValue() }

// StringValue returns v's string value and whether v is a string.
func (v *Value) StringValue() (string, bool) {
	if v == nil || v.Kind != String {
		return "", false
	}
	return v.Str, true
}

// Rat returns a number's exact value, or nil if v is not a number.
func (v *Value) Rat() *big.Rat {
	if v == nil || v.Kind != Number {
		return nil
	}
	r, ok := new(big.Rat).SetString(v.Str)
	if !ok {
		return nil
	}
	return r
}

// Equal reports whether two JSON values are equal as Jackson's JsonNode
// equality with exact numbers compares them: numbers by value, objects
// ignoring member order.
func Equal(a, b *Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool:
		return a.Bool == b.Bool
	case Number:
		ra, rb := a.Rat(), b.Rat()
		if ra == nil || rb == nil {
			return a.Str == b.Str
		}
		return ra.Cmp(rb) == 0
	case String:
		return a.Str == b.Str
	case Array:
		if len(a.Arr) != len(b.Arr) {
			return false
		}
		for i := range a.Arr {
			if !Equal(a.Arr[i], b.Arr[i]) {
				return false
			}
		}
		return true
	}
	if len(a.Obj) != len(b.Obj) {
		return false
	}
	for _, m := range a.Obj {
		if !Equal(m.Val, b.Get(m.Key)) {
			return false
		}
	}
	return true
}

// String names the kind: "null", "boolean", "number", "string", "array" or
// "object".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Article names the kind with its article, for messages: "null", "a
// boolean", "an array", ...
func (k Kind) Article() string {
	switch k {
	case Null:
		return "null"
	case Array, Object:
		return "an " + k.String()
	}
	return "a " + k.String()
}

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}
