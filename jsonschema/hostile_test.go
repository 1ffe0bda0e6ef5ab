package jsonschema

import (
	"errors"
	"strings"
	"testing"
)

// steps validates text against s and returns the evaluations it took and
// the result.
func steps(t *testing.T, s *Schema, text string) (uint64, error) {
	t.Helper()
	st := &vstate{v: s.validator}
	if err := st.t.parse([]byte(text), DefaultLimits()); err != nil {
		t.Fatal(err)
	}
	st.start()
	if st.run() {
		return st.steps, nil
	}
	st.collect = true
	st.run()
	return st.steps, st.failure()
}

// Combinators whose branches all recurse cost 2^depth evaluations when each
// (schema, value) pair is evaluated again on every path to it (they did
// with santhosh-tekuri/jsonschema v5, and with this validator before it
// memoized): 25 levels took 11-44 s. The work is now bounded by the
// product of schema and value sizes, for valid and invalid messages alike,
// up to the deepest message the limits allow.
func TestCombinatorBlowUpIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name, schema string
		valid        bool
	}{
		{"recursive anyOf (the hardening probe)", `{"anyOf":[{"type":"string"},{"type":"array","items":{"$ref":"#"}}]}`, true},
		{"oneOf whose branches both match", `{"oneOf":[{"type":"array","items":{"$ref":"#"}},{"type":"array","items":{"$ref":"#"},"minItems":0}]}`, false},
		{"anyOf whose first branch fails at the bottom", `{"anyOf":[{"type":"array","items":{"$ref":"#"},"contains":{"type":"string"}},{"type":"array","items":{"$ref":"#"}}]}`, true},
		{"allOf of two recursing branches, invalid at the bottom", `{"allOf":[{"items":{"$ref":"#"}},{"items":{"$ref":"#"}}],"minItems":1}`, false},
		{"not of a recursing anyOf", `{"not":{"anyOf":[{"type":"array","items":{"$ref":"#"},"minItems":2},{"type":"array","items":{"$ref":"#"}}]},"items":{"$ref":"#"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.schema)
			depth := DefaultMaxDepth
			text := strings.Repeat("[", depth) + strings.Repeat("]", depth)
			n, err := steps(t, s, text)
			if (err == nil) != tc.valid {
				t.Fatalf("valid = %v, want %v (%v)", err == nil, tc.valid, err)
			}
			var ve *ValidationError
			if err != nil && !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			// 2^128 evaluations without memoizing; here a small multiple of
			// schema nodes × tokens.
			if bound := uint64(64 * (s.validator.nodes + 1) * 2 * depth); n > bound {
				t.Fatalf("%d evaluations, over %d", n, bound)
			}
		})
	}
}

// An honest message never switches memoizing on, so it allocates nothing.
func TestHonestMessageDoesNotMemoize(t *testing.T) {
	s := mustParse(t, `{"type":"object","properties":{"a":{"anyOf":[{"type":"null"},{"type":"string"}]},
		"b":{"type":"array","items":{"oneOf":[{"type":"integer"},{"type":"string"}]}}}}`)
	st := &vstate{v: s.validator}
	if err := st.t.parse([]byte(`{"a":"x","b":[1,"two",3,"four"]}`), DefaultLimits()); err != nil {
		t.Fatal(err)
	}
	st.start()
	if !st.run() || st.memoOn {
		t.Fatalf("valid = false or memo on (steps %d)", st.steps)
	}
	// A reused state (what the validator's pool hands out) parses and
	// walks a valid message without allocating.
	text := []byte(`{"a":"x","b":[1,"two",3,"four"]}`)
	if n := testing.AllocsPerRun(100, func() {
		if err := st.t.parse(text, DefaultLimits()); err != nil {
			t.Fatal(err)
		}
		st.start()
		if !st.run() {
			t.Fatal("invalid")
		}
	}); n != 0 {
		t.Fatalf("a valid message allocated %.0f times", n)
	}
}
