package encryption_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
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
