package avro

import (
	"reflect"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

func mustParse(t testing.TB, text string) *Schema {
	t.Helper()
	s, err := Parse(text)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return s
}

func rec(fields string) string {
	return `{"type":"record","name":"R","namespace":"ns","fields":[` + fields + `]}`
}

// TestCompatibility checks reader/writer pairs against Avro's
// SchemaCompatibility results (type, JSON-pointer location, detail).
func TestCompatibility(t *testing.T) {
	enumABC := `{"type":"enum","name":"E","symbols":["A","B","C"]}`
	tests := []struct {
		name           string
		reader, writer string
		want           []Difference
	}{
		{name: "identical", reader: rec(`{"name":"a","type":"int"}`), writer: rec(`{"name":"a","type":"int"}`)},
		{name: "add field with default", reader: rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}`),
			writer: rec(`{"name":"a","type":"int"}`)},
		{name: "add field without default", reader: rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`),
			writer: rec(`{"name":"a","type":"int"}`),
			want:   []Difference{{ReaderFieldMissingDefaultValue, "/fields/1", "b"}}},
		{name: "remove field", reader: rec(`{"name":"a","type":"int"}`),
			writer: rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`)},
		{name: "rename via alias", reader: rec(`{"name":"c","type":"int","aliases":["a"]}`), writer: rec(`{"name":"a","type":"int"}`)},
		{name: "rename without alias", reader: rec(`{"name":"c","type":"int"}`), writer: rec(`{"name":"a","type":"int"}`),
			want: []Difference{{ReaderFieldMissingDefaultValue, "/fields/0", "c"}}},
		{name: "promote int to long", reader: rec(`{"name":"a","type":"long"}`), writer: rec(`{"name":"a","type":"int"}`)},
		{name: "promote to double", reader: `"double"`, writer: `"float"`},
		{name: "promote long to float", reader: `"float"`, writer: `"long"`},
		{name: "string reads bytes", reader: `"string"`, writer: `"bytes"`},
		{name: "bytes reads string", reader: `"bytes"`, writer: `"string"`},
		{name: "narrow long to int", reader: rec(`{"name":"a","type":"int"}`), writer: rec(`{"name":"a","type":"long"}`),
			want: []Difference{{TypeMismatch, "/fields/0/type", "reader type: INT not compatible with writer type: LONG"}}},
		{name: "double to float", reader: `"float"`, writer: `"double"`,
			want: []Difference{{TypeMismatch, "/", "reader type: FLOAT not compatible with writer type: DOUBLE"}}},
		{name: "record name changed", reader: `{"type":"record","name":"X","fields":[]}`, writer: `{"type":"record","name":"Y","fields":[]}`,
			want: []Difference{{NameMismatch, "/name", "expected: Y"}}},
		{name: "record namespace changed", reader: `{"type":"record","name":"a.X","fields":[]}`, writer: `{"type":"record","name":"b.X","fields":[]}`,
			want: []Difference{{NameMismatch, "/name", "expected: b.X"}}},
		{name: "record renamed with alias", reader: `{"type":"record","name":"X","aliases":["Y"],"fields":[]}`,
			writer: `{"type":"record","name":"Y","fields":[]}`},
		{name: "enum symbol added", reader: `{"type":"enum","name":"E","symbols":["A","B","C","D"]}`, writer: enumABC},
		{name: "enum symbols removed", reader: `{"type":"enum","name":"E","symbols":["B"]}`, writer: enumABC,
			want: []Difference{{MissingEnumSymbols, "/symbols", "[A, C]"}}},
		{name: "enum symbols removed with default", reader: `{"type":"enum","name":"E","symbols":["B"],"default":"B"}`, writer: enumABC},
		{name: "fixed size changed", reader: `{"type":"fixed","name":"F","size":8}`, writer: `{"type":"fixed","name":"F","size":16}`,
			want: []Difference{{FixedSizeMismatch, "/size", "expected: 16, found: 8"}}},
		{name: "union branch added", reader: rec(`{"name":"a","type":["null","string","int"]}`), writer: rec(`{"name":"a","type":["null","string"]}`)},
		{name: "union branch removed", reader: rec(`{"name":"a","type":["null","string"]}`), writer: rec(`{"name":"a","type":["null","string","int"]}`),
			want: []Difference{{MissingUnionBranch, "/fields/0/type/2", "reader union lacking writer type: INT"}}},
		{name: "plain to nullable", reader: rec(`{"name":"a","type":["null","string"]}`), writer: rec(`{"name":"a","type":"string"}`)},
		{name: "reader union without writer type", reader: `["null","string"]`, writer: `"int"`,
			want: []Difference{{MissingUnionBranch, "/", "reader union lacking writer type: INT"}}},
		{name: "nullable to plain", reader: rec(`{"name":"a","type":"string"}`), writer: rec(`{"name":"a","type":["null","string"]}`),
			want: []Difference{{TypeMismatch, "/fields/0/type/0", "reader type: STRING not compatible with writer type: NULL"}}},
		{name: "array items", reader: `{"type":"array","items":"int"}`, writer: `{"type":"array","items":"string"}`,
			want: []Difference{{TypeMismatch, "/items", "reader type: INT not compatible with writer type: STRING"}}},
		{name: "map values", reader: `{"type":"map","values":"long"}`, writer: `{"type":"map","values":"int"}`},
		{name: "map values narrowed", reader: `{"type":"map","values":"int"}`, writer: `{"type":"map","values":"long"}`,
			want: []Difference{{TypeMismatch, "/values", "reader type: INT not compatible with writer type: LONG"}}},
		{name: "array vs map", reader: `{"type":"array","items":"int"}`, writer: `{"type":"map","values":"int"}`,
			want: []Difference{{TypeMismatch, "/", "reader type: ARRAY not compatible with writer type: MAP"}}},
		{name: "nested record field", reader: rec(`{"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}}`),
			writer: rec(`{"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}}`),
			want:   []Difference{{ReaderFieldMissingDefaultValue, "/fields/0/type/fields/1", "y"}}},
		{name: "several problems in document order",
			reader: rec(`{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`),
			writer: rec(`{"name":"a","type":"long"},{"name":"e","type":` + enumABC + `}`),
			want: []Difference{
				{TypeMismatch, "/fields/0/type", "reader type: INT not compatible with writer type: LONG"},
				{ReaderFieldMissingDefaultValue, "/fields/1", "b"},
				{MissingEnumSymbols, "/fields/2/type/symbols", "[B, C]"},
			}},
		{name: "recursive unchanged",
			reader: `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			writer: `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`},
		{name: "recursive widened",
			reader: `{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]},{"name":"w","type":"int","default":0}]}`,
			writer: `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`},
		{name: "recursive narrowed",
			reader: `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			writer: `{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]}`,
			want:   []Difference{{TypeMismatch, "/fields/0/type", "reader type: INT not compatible with writer type: LONG"}}},
		{name: "enum field without default, enum has one",
			reader: rec(`{"name":"a","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"],"default":"A"}}`),
			writer: rec(`{"name":"a","type":"int"}`),
			want:   []Difference{{TypeMismatch, "/fields/1/type", "reader type: ENUM not compatible with writer type: RECORD"}}},
		{name: "alias matching two writer fields",
			reader: rec(`{"name":"a","type":"int","aliases":["b"]}`), writer: rec(`{"name":"a","type":"int"},{"name":"b","type":"int"}`),
			want: []Difference{{Unexpected, "/fields/0", "Reader record field a matches multiple fields in writer record schema ns.R"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(mustParse(t, tt.reader), mustParse(t, tt.writer))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestCheckReadMessages checks the verbose messages, word for word as
// Confluent's registry produces them (AvroSchema.isBackwardCompatible, then
// the reader and writer names filled in).
func TestCheckReadMessages(t *testing.T) {
	tests := []struct {
		reader, writer string
		want           string
	}{
		{rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`), rec(`{"name":"a","type":"int"}`),
			"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}"},
		{rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"string"}`),
			"{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}"},
		{`{"type":"enum","name":"E","symbols":["A"]}`, `{"type":"enum","name":"E","symbols":["A","B"]}`,
			"{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B]' at path '/symbols' in the old schema', additionalInfo:'[B]'}"},
		{`{"type":"fixed","name":"F","size":2}`, `{"type":"fixed","name":"F","size":4}`,
			"{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 2'}"},
		{`{"type":"fixed","name":"F","size":2}`, `{"type":"fixed","name":"G","size":2}`,
			"{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: G'}"},
		{`["null","string"]`, `["null","string","int"]`,
			"{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/2' in the old schema', additionalInfo:'reader union lacking writer type: INT'}"},
	}
	for _, tt := range tests {
		r, w := mustParse(t, tt.reader), mustParse(t, tt.writer)
		got := r.CheckRead(w, "new", "old")
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s reading %s:\n got %q\nwant %q", tt.reader, tt.writer, got, tt.want)
		}
		// In the FORWARD direction the registry swaps the labels.
		swapped := r.CheckRead(w, "old", "new")
		if want := strings.NewReplacer("new schema", "old schema", "old schema", "new schema").Replace(tt.want); len(swapped) != 1 || swapped[0] != want {
			t.Errorf("swapped labels: got %q\nwant %q", swapped, want)
		}
	}
}

// TestCompatibilityLevels drives the checker through compat.Check at every
// level, as the mock registry does on register.
func TestCompatibilityLevels(t *testing.T) {
	f := Format()
	parse := func(text string) compat.Schema {
		s, err := f.Parse(text, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	v1 := parse(rec(`{"name":"a","type":"int"}`))
	v2 := parse(rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":""}`))  // adds b with default
	v3 := parse(rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`))               // b loses its default
	v4 := parse(rec(`{"name":"a","type":"int"},{"name":"c","type":"string"}`))               // adds c without default
	v5 := parse(rec(`{"name":"a","type":"long"},{"name":"b","type":"string","default":""}`)) // widens a
	tests := []struct {
		level    registry.CompatibilityLevel
		schema   compat.Schema
		previous []compat.Schema
		ok       bool
	}{
		{registry.Backward, v2, []compat.Schema{v1}, true},
		{registry.Backward, v4, []compat.Schema{v1}, false},
		{registry.Forward, v2, []compat.Schema{v1}, true},
		{registry.Forward, v1, []compat.Schema{v2}, true}, // v2 reads v1 data: b has a default
		{registry.Forward, v1, []compat.Schema{v3}, false},
		{registry.Full, v2, []compat.Schema{v1}, true},
		{registry.Full, v4, []compat.Schema{v1}, false},
		{registry.Backward, v5, []compat.Schema{v2}, true},
		{registry.Forward, v5, []compat.Schema{v2}, false}, // v2 cannot read long a
		{registry.Backward, v3, []compat.Schema{v1, v2}, true},
		{registry.BackwardTransitive, v3, []compat.Schema{v1, v2}, false}, // v3 cannot read v1
		{registry.ForwardTransitive, v2, []compat.Schema{v1, v2}, true},
		{registry.FullTransitive, v5, []compat.Schema{v1, v2}, false},
		{registry.FullTransitive, v2, []compat.Schema{v1}, true},
		{registry.None, v4, []compat.Schema{v1}, true},
	}
	for i, tt := range tests {
		msgs := compat.Check(tt.level, tt.schema, tt.previous)
		if (len(msgs) == 0) != tt.ok {
			t.Errorf("case %d %s: compatible=%v, want %v: %q", i, tt.level, len(msgs) == 0, tt.ok, msgs)
		}
	}
}
