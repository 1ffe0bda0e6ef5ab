package avro

import (
	"errors"
	"testing"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// TestCanonical checks the registry's stored form (Avro Java's
// Schema.toString): compact, "type" first, namespaces only where they
// change, docs, defaults, aliases and properties kept in document order.
func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{ "type" : "string" }`, `"string"`},
		{`"int"`, `"int"`},
		{`{"type":"string","logicalType":"uuid"}`, `{"type":"string","logicalType":"uuid"}`},
		{`{"logicalType":"decimal","type":"bytes","scale":2,"precision":12}`,
			`{"type":"bytes","logicalType":"decimal","scale":2,"precision":12}`},
		{`{"name":"io.vectors.keys.CustomerKey","type":"record","fields":[{"name":"tenant","type":"string"},{"name":"customerId","type":"long"}]}`,
			`{"type":"record","name":"CustomerKey","namespace":"io.vectors.keys","fields":[{"name":"tenant","type":"string"},{"name":"customerId","type":"long"}]}`},
		{`{
		   "namespace": "a.b", "type": "record", "name": "R", "doc": "the \"doc\"",
		   "aliases": ["Old", "x.Y"], "custom": {"z": 1, "a": [1.5, 2e3]},
		   "fields": [
		     {"name": "n", "type": {"type": "record", "name": "N", "fields": []}, "doc": "nested"},
		     {"name": "o", "type": {"type": "record", "name": "c.O", "fields": [
		        {"name": "back", "type": "a.b.N"},
		        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"], "default": "X"}}]}},
		     {"name": "again", "type": "N", "order": "descending", "aliases": ["old_again"], "default": {}},
		     {"name": "f", "type": {"type": "fixed", "name": "F", "size": 4, "namespace": ""}, "default": "\u0000\u0001ab"},
		     {"name": "u", "type": ["null", {"type": "array", "items": "long", "p": true}], "default": null},
		     {"name": "m", "type": {"type": "map", "values": "double"}, "default": {"k": 1}, "confluent:tags": ["PII"]}
		   ]}`,
			`{"type":"record","name":"R","namespace":"a.b","doc":"the \"doc\"","fields":[` +
				`{"name":"n","type":{"type":"record","name":"N","fields":[]},"doc":"nested"},` +
				`{"name":"o","type":{"type":"record","name":"O","namespace":"c","fields":[` +
				`{"name":"back","type":"a.b.N"},{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"}}]}},` +
				`{"name":"again","type":"N","default":{},"order":"descending","aliases":["old_again"]},` +
				`{"name":"f","type":{"type":"fixed","name":"F","namespace":"","size":4},"default":"\u0000\u0001ab"},` +
				`{"name":"u","type":["null",{"type":"array","items":"long","p":true}],"default":null},` +
				`{"name":"m","type":{"type":"map","values":"double"},"default":{"k":1},"confluent:tags":["PII"]}],` +
				`"custom":{"z":1,"a":[1.5,2000.0]},"aliases":["Old","x.Y"]}`},
		// A named type whose short name is a type name is written in full.
		{`{"type":"record","name":"ns.R","fields":[{"name":"a","type":{"type":"fixed","name":"ns.int","size":1}},{"name":"b","type":"ns.int"}]}`,
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":{"type":"fixed","name":"int","size":1}},{"name":"b","type":"ns.int"}]}`},
	}
	for _, tt := range tests {
		s, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("parse %s: %v", tt.in, err)
		}
		if got := s.Canonical(); got != tt.want {
			t.Errorf("Canonical(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
		// The canonical text is a fixed point.
		again, err := Parse(s.Canonical())
		if err != nil {
			t.Fatalf("canonical does not parse: %v", err)
		}
		if again.Canonical() != s.Canonical() {
			t.Errorf("canonical is not stable: %s", again.Canonical())
		}
	}
}

// TestCanonicalReferences prints types of referenced schemas as names.
func TestCanonicalReferences(t *testing.T) {
	addr := `{"type":"record","name":"PostalAddress","namespace":"io.vectors.refs","fields":[{"name":"street","type":"string"}]}`
	deps := []compat.Dependency{{Name: "io.vectors.refs.PostalAddress", Subject: "addr", Version: 1, Schema: registry.Schema{Schema: addr}}}
	in := `{"type":"record","name":"Customer","namespace":"io.vectors.refs","fields":[
	  {"name":"home","type":"io.vectors.refs.PostalAddress"},
	  {"name":"previous","type":{"type":"array","items":"PostalAddress"}},
	  {"name":"other","type":{"type":"record","name":"x.Other","fields":[{"name":"a","type":"io.vectors.refs.PostalAddress"}]}}]}`
	s, err := Parse(in, deps...)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"record","name":"Customer","namespace":"io.vectors.refs","fields":[` +
		`{"name":"home","type":"PostalAddress"},{"name":"previous","type":{"type":"array","items":"PostalAddress"}},` +
		`{"name":"other","type":{"type":"record","name":"Other","namespace":"x","fields":[{"name":"a","type":"io.vectors.refs.PostalAddress"}]}}]}`
	if got := s.Canonical(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	wantNorm := `{"name":"io.vectors.refs.Customer","type":"record","fields":[` +
		`{"name":"home","type":"io.vectors.refs.PostalAddress","order":"ASCENDING"},` +
		`{"name":"previous","type":{"type":"array","items":"io.vectors.refs.PostalAddress"},"order":"ASCENDING"},` +
		`{"name":"other","type":{"name":"x.Other","type":"record","fields":[{"name":"a","type":"io.vectors.refs.PostalAddress","order":"ASCENDING"}]},"order":"ASCENDING"}]}`
	if got := s.Normalized(); got != wantNorm {
		t.Errorf("normalized\n got %s\nwant %s", got, wantNorm)
	}
	if _, err := Parse(in); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("missing reference: %v", err)
	}
}

// TestNormalized checks Confluent's normalized form
// (AvroSchemaUtils.toNormalizedString).
func TestNormalized(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"type":"string"}`, `"string"`},
		{`{"type":"long","logicalType":"timestamp-millis","b":1,"a":"x"}`,
			`{"type":"long","logicalType":"timestamp-millis","a":"x","b":1}`},
		{`{"type":"bytes","scale":2,"logicalType":"decimal","precision":12}`,
			`{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}`},
		{`{"type":"bytes","logicalType":"decimal","precision":12}`,
			`{"type":"bytes","logicalType":"decimal","precision":12}`},
		{`{"type":"int","logicalType":"timestamp-millis"}`, // invalid logical type: a plain property
			`{"type":"int","logicalType":"timestamp-millis"}`},
		{`{"type":"record","namespace":"a","name":"R","doc":"d","aliases":["Z","B"],"zz":1,"fields":[
		    {"name":"f","type":"float","default":1,"doc":"fd","aliases":["y","x"],"order":"descending","p":{"b":1,"a":2}},
		    {"name":"g","type":["null","double"],"default":null},
		    {"name":"h","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A","doc":""}},
		    {"name":"i","type":{"type":"fixed","name":"D","size":12,"logicalType":"duration"}},
		    {"name":"j","type":"E"},
		    {"name":"k","type":"double","default":100},
		    {"name":"l","type":{"type":"map","values":"long"},"default":{"b":2,"a":1}}]}`,
			`{"name":"a.R","type":"record","fields":[` +
				`{"name":"f","type":"float","order":"DESCENDING","doc":"fd","aliases":["x","y"],"default":1.0,"p":{"a":2,"b":1}},` +
				`{"name":"g","type":["null","double"],"order":"ASCENDING","default":null},` +
				`{"name":"h","type":{"name":"a.E","type":"enum","symbols":["A","B"],"default":"A"},"order":"ASCENDING"},` +
				`{"name":"i","type":{"name":"a.D","type":"fixed","size":12,"logicalType":"duration"},"order":"ASCENDING"},` +
				`{"name":"j","type":"a.E","order":"ASCENDING"},` +
				`{"name":"k","type":"double","order":"ASCENDING","default":100.0},` +
				`{"name":"l","type":{"type":"map","values":"long"},"order":"ASCENDING","default":{"a":1,"b":2}}],` +
				`"doc":"d","aliases":["a.B","a.Z"],"zz":1}`},
	}
	for _, tt := range tests {
		s, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("parse %s: %v", tt.in, err)
		}
		if got := s.Normalized(); got != tt.want {
			t.Errorf("Normalized(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
		// The normalized text parses (field orders are upper case there,
		// which Avro accepts) and is a fixed point.
		again, err := Parse(s.Normalized())
		if err != nil {
			t.Fatalf("normalized does not parse: %v", err)
		}
		if again.Normalized() != s.Normalized() {
			t.Errorf("normalized is not stable: %s", again.Normalized())
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		`string`, // not JSON: hamba alone would take it for a type name
		`{"type":"record","name":"R","fields":[{"name":"a","type":"Unknown"}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`,
		`{"type":"enum","name":"E","symbols":["A","A"]}`,
		`{"type":"fixed","name":"F"}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`,
		``, `[`, `{}`, `42`,
		// hamba takes these, Avro's Java parser (the registry's) does not.
		`{"type":"record","nAme":"R","fields":[]}`,
		`{"type":"record","name":"R","Fields":[]}`,
		`{"type":["null","string"]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int"}],"NAMESPACE":"x"}`,
		`{"type":"enum","name":"E","symbols":[1]}`,
		`{"type":"fixed","name":"F","size":"4"}`,
	} {
		if _, err := Format().Parse(in, nil); !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidSchema", in, err)
		}
	}
	if Format().Type() != registry.Avro {
		t.Error("type")
	}
}
