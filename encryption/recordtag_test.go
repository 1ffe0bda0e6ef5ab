package encryption_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A tag on an Avro field holding a record, as Confluent's Java client
// treats it (AvroSchema.toTransformedMessage): the primitive fields of the
// record whose own tags miss the rule's are encrypted as the tagged field
// (its name and tags, their own types). Strings and bytes are encrypted;
// any other primitive fails the write, as Java's EncryptionExecutor
// refuses ("Type 'INT' not supported for encryption").

type avroHome struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
}

type avroResident struct {
	ID       int64               `avro:"id"`
	Home     avroHome            `avro:"home"`
	Previous []avroHome          `avro:"previous"`
	Alt      *avroHome           `avro:"alt"`
	ByName   map[string]avroHome `avro:"by_name"`
	Town     string              `avro:"town"`
}

const avroResidentSchema = `{"type":"record","name":"Resident","namespace":"enc.test","fields":[
 {"name":"id","type":"long"},
 {"name":"home","type":{"type":"record","name":"Home","fields":[
   {"name":"street","type":"string"},{"name":"city","type":"string"}]},"confluent:tags":["PII"]},
 {"name":"previous","type":{"type":"array","items":"Home"},"confluent:tags":["PII"]},
 {"name":"alt","type":["null","Home"],"default":null,"confluent:tags":["PII"]},
 {"name":"by_name","type":{"type":"map","values":"Home"},"confluent:tags":["PII"]},
 {"name":"town","type":"string"}]}`

// TestAvroTaggedRecordField: the strings of records held by tagged fields
// (directly, in an array, a map, a nullable union) are encrypted on write and
// decrypted on read; the untagged field beside them stays in the clear.
func TestAvroTaggedRecordField(t *testing.T) {
	e := newEnv(t, nil, nil)
	sch := registry.Schema{Schema: avroResidentSchema, RuleSet: domain(encRule())}
	if _, err := e.client.Register(context.Background(), testSubject, sch); err != nil {
		t.Fatal(err)
	}
	in := avroResident{ID: 7, Home: avroHome{Street: "1 Secret Lane", City: "Secretville"},
		Previous: []avroHome{{Street: "2 Hidden Road", City: "Hiddenham"}},
		Alt:      &avroHome{Street: "3 Covert Close", City: "Covertown"},
		ByName:   map[string]avroHome{"work": {Street: "4 Veiled Way", City: "Veilbury"}}, Town: "Oxford"}
	b, _, err := structRoundTrip(t, e, serde.PayloadID, in, avro.NewSerializer[*avroResident], avro.NewDeserializer[avroResident])
	if err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, "the payload", b, "1 Secret Lane", "Secretville", "2 Hidden Road", "Hiddenham", "3 Covert Close", "Covertown", "4 Veiled Way", "Veilbury")
	if !bytes.Contains(b, []byte("Oxford")) {
		t.Fatalf("the untagged town is not in the clear in %x", b)
	}
}

// TestAvroTaggedRecordFieldInt: a tagged record with an int field is not
// written: ErrFieldType, a permanent failure.
func TestAvroTaggedRecordFieldInt(t *testing.T) {
	type counts struct {
		Label string `avro:"label"`
		N     int32  `avro:"n"`
	}
	type holder struct {
		Counts counts `avro:"counts"`
	}
	const schema = `{"type":"record","name":"Holder","namespace":"enc.test","fields":[
 {"name":"counts","type":{"type":"record","name":"Counts","fields":[
   {"name":"label","type":"string"},{"name":"n","type":"int"}]},"confluent:tags":["PII"]}]}`
	e := newEnv(t, nil, nil)
	sch := registry.Schema{Schema: schema, RuleSet: domain(encRule())}
	if _, err := e.client.Register(context.Background(), testSubject, sch); err != nil {
		t.Fatal(err)
	}
	s, err := avro.NewSerializer[*holder](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := s.Serialize(context.Background(), testTopic, &holder{Counts: counts{Label: "visits", N: 3}})
	if !errors.Is(err, encryption.ErrFieldType) || serde.IsTransient(err) || out != nil {
		t.Fatalf("wrote %x, %v; want a permanent ErrFieldType", out, err)
	}
}

// A tag on a JSON Schema property holding objects, as Confluent's Java
// client treats it (JsonSchema.toTransformedMessage): the string, number,
// integer, boolean and null properties of those objects whose own tags miss
// the rule's are encrypted as the tagged property. Strings are encrypted;
// any other primitive fails the write.

type jsonTagHome struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

type jsonTagResident struct {
	ID       int           `json:"id"`
	Home     jsonTagHome   `json:"home"`
	Previous []jsonTagHome `json:"previous"`
	Alt      *jsonTagHome  `json:"alt"`
	Town     string        `json:"town"`
}

const jsonTagResidentSchema = `{"type":"object","properties":{
 "id":{"type":"integer"},
 "home":{"$ref":"#/definitions/home","confluent:tags":["PII"]},
 "previous":{"type":"array","items":{"$ref":"#/definitions/home"},"confluent:tags":["PII"]},
 "alt":{"oneOf":[{"type":"null"},{"$ref":"#/definitions/home"}],"confluent:tags":["PII"]},
 "town":{"type":"string"}},
"definitions":{"home":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}}}`

// TestJSONTaggedObjectProperty: the strings of objects held by tagged
// properties (directly, in an array, a nullable oneOf) are encrypted on
// write and decrypted on read, by a struct reader and a map[string]any
// reader alike; the untagged property beside them stays in the clear.
func TestJSONTaggedObjectProperty(t *testing.T) {
	e := newEnv(t, nil, nil)
	sch := registry.Schema{Schema: jsonTagResidentSchema, SchemaType: registry.JSON, RuleSet: domain(encRule())}
	if _, err := e.client.Register(context.Background(), testSubject, sch); err != nil {
		t.Fatal(err)
	}
	in := jsonTagResident{ID: 7, Home: jsonTagHome{Street: "1 Secret Lane", City: "Secretville"},
		Previous: []jsonTagHome{{Street: "2 Hidden Road", City: "Hiddenham"}},
		Alt:      &jsonTagHome{Street: "3 Covert Close", City: "Covertown"}, Town: "Oxford"}
	plain := []string{"1 Secret Lane", "Secretville", "2 Hidden Road", "Hiddenham", "3 Covert Close", "Covertown"}
	b, hs, err := structRoundTrip(t, e, serde.PayloadID, in, jsonschema.NewSerializer[*jsonTagResident], jsonschema.NewDeserializer[jsonTagResident])
	if err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, "the payload", b, plain...)
	if !bytes.Contains(b, []byte("Oxford")) {
		t.Fatalf("the untagged town is not in the clear in %s", b)
	}
	want := jsonGenericReads(t, e, b, hs, in)

	// A generic writer (the map walk) encrypts alike.
	s, err := jsonschema.NewSerializer[map[string]any](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	gb, _, err := s.Serialize(context.Background(), testTopic, want)
	if err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, "the generic payload", gb, plain...)
	d, err := jsonschema.NewDeserializer[jsonTagResident](e.client, serde.Value, serde.WithRuleExecutors(e.executor().Executors()...), strictRead)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Deserialize(context.Background(), testTopic, gb, nil); err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("read %+v, %v; want %+v", got, err, in)
	}
}

// jsonGenericReads checks that a map[string]any reader (the map walk),
// with a cold executor, reads b (and hs) as in's JSON form, and returns it.
func jsonGenericReads(t *testing.T, e *env, b []byte, hs []serde.Header, in any) map[string]any {
	t.Helper()
	g, err := jsonschema.NewDeserializer[map[string]any](e.client, serde.Value, serde.WithRuleExecutors(e.executor().Executors()...), strictRead)
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.Deserialize(context.Background(), testTopic, b, hs)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if body, err := json.Marshal(in); err != nil || json.Unmarshal(body, &want) != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("a generic reader read %v, want %v", m, want)
	}
	return want
}

// TestJSONTaggedObjectPropertyNumber: a tagged object with an integer
// property is not written, from a struct or a map: ErrFieldType, a
// permanent failure.
func TestJSONTaggedObjectPropertyNumber(t *testing.T) {
	type counts struct {
		Label string `json:"label"`
		N     int    `json:"n"`
	}
	type holder struct {
		Counts counts `json:"counts"`
	}
	const schema = `{"type":"object","properties":{"counts":{"type":"object","confluent:tags":["PII"],
 "properties":{"label":{"type":"string"},"n":{"type":"integer"}}}}}`
	e := newEnv(t, nil, nil)
	sch := registry.Schema{Schema: schema, SchemaType: registry.JSON, RuleSet: domain(encRule())}
	if _, err := e.client.Register(context.Background(), testSubject, sch); err != nil {
		t.Fatal(err)
	}
	s, err := jsonschema.NewSerializer[*holder](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := s.Serialize(context.Background(), testTopic, &holder{Counts: counts{Label: "visits", N: 3}})
	if !errors.Is(err, encryption.ErrFieldType) || serde.IsTransient(err) || out != nil {
		t.Fatalf("wrote %s, %v; want a permanent ErrFieldType", out, err)
	}
	g, err := jsonschema.NewSerializer[map[string]any](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err = g.Serialize(context.Background(), testTopic, map[string]any{"counts": map[string]any{"label": "visits", "n": 3.0}})
	if !errors.Is(err, encryption.ErrFieldType) || serde.IsTransient(err) || out != nil {
		t.Fatalf("a map: wrote %s, %v; want a permanent ErrFieldType", out, err)
	}
}
