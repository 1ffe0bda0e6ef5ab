// Where srkit's schema derivation from Go types (avro.DeriveSchema) and
// confluent-kafka-go's (avrov2.StructToSchema) agree, and where they
// deliberately differ. Where they differ, Confluent's mapping is the odd
// one out: it loses data or cannot encode the type at all, as these tests
// show. A Go struct with such fields gets a different schema from each
// client, so a subject written by both has two versions, or refuses one.
package interop

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

// TestAvroDerivedSchemaAgrees: for the types the byte-level tests use,
// both derivations give the same schema. srkit's text is Confluent's plus
// the null default of each pointer field (which Confluent's canonical text
// drops, and which lets the subject evolve); without pointer fields the two
// texts are identical, and so are their canonical forms always.
func TestAvroDerivedSchemaAgrees(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[avCustomer](), reflect.TypeFor[avAddress]()} {
		ours, err := avro.DeriveSchema(typ)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := avrov2.StructToSchema(typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(ours, `,"default":null`, ""); got != theirs.String() {
			t.Errorf("%s:\n srkit %s\n ckg   %s", typ, ours, theirs)
		}
		parsed, err := avro.Parse(ours)
		if err != nil {
			t.Fatal(err)
		}
		if parsed.String() != theirs.String() {
			t.Errorf("%s canonical forms:\n srkit %s\n ckg   %s", typ, parsed.String(), theirs)
		}
	}
	if ours, _ := avro.DeriveSchema(reflect.TypeFor[avCustomer]()); !strings.Contains(ours, `{"name":"email","type":["null","string"],"default":null}`) {
		t.Errorf("srkit's derived schema lacks the pointer field's null default: %s", ours)
	}
}

type avGoInt struct {
	N int `avro:"n"`
}

type avGoUint32 struct {
	N uint32 `avro:"n"`
}

type avGoInt8 struct {
	N int8 `avro:"n"`
}

type avGoFixed struct {
	N [4]byte `avro:"n"`
}

// TestAvroDerivedSchemaDifferences pins the mappings where the two
// derivations differ, and why srkit's is the one to keep:
//   - Go int and uint32 are 64-bit and 32-bit unsigned: srkit derives
//     "long"; Confluent derives "int" and silently truncates (1<<40 is
//     written as 0);
//   - int8 and uint8: srkit derives "int"; Confluent derives "bytes" and
//     then cannot encode the value;
//   - [N]byte: srkit derives fixed(N); Confluent derives "bytes" and then
//     cannot encode the value.
func TestAvroDerivedSchemaDifferences(t *testing.T) {
	for _, tc := range []struct {
		typ        reflect.Type
		srkit, ckg string
	}{
		{reflect.TypeFor[avGoInt](), `"long"`, `"int"`},
		{reflect.TypeFor[avGoUint32](), `"long"`, `"int"`},
		{reflect.TypeFor[avGoInt8](), `"int"`, `"bytes"`},
		// srkit names the fixed after the Go field.
		{reflect.TypeFor[avGoFixed](), `{"name":"N","type":"fixed","size":4}`, `"bytes"`},
	} {
		ours, err := avro.DeriveSchema(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := avrov2.StructToSchema(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		name := tc.typ.Name()
		wantOurs := `{"name":"` + name + `","type":"record","fields":[{"name":"n","type":` + tc.srkit + `}]}`
		wantTheirs := `{"name":"` + name + `","type":"record","fields":[{"name":"n","type":` + tc.ckg + `}]}`
		if ours != wantOurs || theirs.String() != wantTheirs {
			t.Errorf("%s: the known difference changed:\n srkit %s\n ckg   %s", name, ours, theirs)
		}
	}

	// Confluent's "int" for a Go int truncates without an error.
	c, _ := interoptest.BothClients(t)
	ser, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize("ints", &avGoInt{N: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	if body := b[5:]; string(body) != "\x00" {
		t.Errorf("confluent-kafka-go wrote 1<<40 as % x; the test expected its truncation to 0", body)
	}
	// And it cannot encode the types it maps to "bytes".
	if _, err := ser.Serialize("int8s", &avGoInt8{N: 3}); err == nil {
		t.Error("confluent-kafka-go encoded an int8 as Avro bytes")
	}
	if _, err := ser.Serialize("fixeds", &avGoFixed{}); err == nil {
		t.Error("confluent-kafka-go encoded a [4]byte as Avro bytes")
	}
}

// TestAvroDerivedIntOrder shows what the int/long difference means for a
// subject both clients write under BACKWARD (the default): after
// Confluent's "int", srkit's "long" is a compatible second version; after
// srkit's "long", Confluent's "int" is refused (409, 40901).
func TestAvroDerivedIntOrder(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	ser, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	s, err := avro.NewSerializer[avGoInt](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := ser.Serialize("ckg-first", &avGoInt{N: 7}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "ckg-first", avGoInt{N: 7}); err != nil {
		t.Fatalf("srkit after confluent-kafka-go: %v", err)
	}
	if vs, err := client.Versions(ctx, "ckg-first-value"); err != nil || len(vs) != 2 {
		t.Fatalf("versions %v, %v; want 2 (int, then long)", vs, err)
	}

	if _, _, err := s.Serialize(ctx, "srkit-first", avGoInt{N: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := ser.Serialize("srkit-first", &avGoInt{N: 7}); restCode(err) != 40901 {
		t.Fatalf("confluent-kafka-go after srkit: %v; want 40901 (int cannot read long)", err)
	}
}
