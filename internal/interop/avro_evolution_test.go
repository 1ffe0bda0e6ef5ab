// Avro schema evolution across the two clients. Version 1 of a subject
// is registered by whichever client writes first; version 2 adds a field
// with a default. A reader on the latest version (srkit's
// serde.UseLatest, Confluent's UseLatestVersion) resolves the other
// client's version-1 bytes into version 2 and fills in the default; a
// reader of version 1 skips the added field of the other client's
// version-2 bytes.
package interop

import (
	"context"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/registry"
	srserde "github.com/srkit-go/srkit/serde"
)

var (
	accountV1Schema = havro.MustParse(`{"type":"record","name":"Account","namespace":"com.example.evo",
		"fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}`)
	// accountV2Text adds "tier" with a default. Both clients register a
	// schema's canonical form, which drops defaults, so version 2 is
	// registered from this text as is.
	accountV2Text = `{"type":"record","name":"Account","namespace":"com.example.evo",
		"fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"tier","type":"string","default":"basic"}]}`
)

// avAccountV1 writes version 1.
type avAccountV1 struct {
	ID   int64  `avro:"id"`
	Name string `avro:"name"`
}

// Schema implements avro.Schemer and avrov2's schema interface.
func (avAccountV1) Schema() havro.Schema { return accountV1Schema }

// avAccount is a reader without a schema of its own: it reads with the
// writer schema, or with the subject's latest when asked to.
type avAccount struct {
	ID   int64  `avro:"id"`
	Name string `avro:"name"`
	Tier string `avro:"tier"`
}

// registerV2 registers version 2 (with its default) under subject.
func registerV2(t *testing.T, client *registry.Client, subject string) {
	t.Helper()
	got, err := client.Register(context.Background(), subject, registry.Schema{Schema: accountV2Text, SchemaType: registry.Avro})
	if err != nil || got.Version != 2 {
		t.Fatalf("register version 2 = %+v, %v", got, err)
	}
}

// TestAvroInteropEvolutionConfluentWritesV1: confluent-kafka-go writes
// version 1; srkit reads it with the latest version, 2.
func TestAvroInteropEvolutionConfluentWritesV1(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	theirSer, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("accounts", &avAccountV1{ID: 7, Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	registerV2(t, client, "accounts-value")

	latest, err := avro.NewDeserializer[avAccount](client, srserde.Value, srserde.UseLatest())
	if err != nil {
		t.Fatal(err)
	}
	want := avAccount{ID: 7, Name: "acme", Tier: "basic"}
	if got, err := latest.Deserialize(ctx, "accounts", theirs, nil); err != nil || got != want {
		t.Fatalf("srkit reading confluent-kafka-go's v1 with latest v2: %+v, %v; want %+v", got, err, want)
	}
	// Without UseLatest srkit reads with the writer schema: no default.
	plain, err := avro.NewDeserializer[avAccount](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := plain.Deserialize(ctx, "accounts", theirs, nil); err != nil || got != (avAccount{ID: 7, Name: "acme"}) {
		t.Fatalf("srkit reading confluent-kafka-go's v1 with v1: %+v, %v", got, err)
	}

	// srkit writes version 2 (the registered latest); Confluent's reader
	// of version 1 skips the new field.
	s, err := avro.NewSerializer[avAccount](client, srserde.Value, srserde.UseLatest())
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := s.Serialize(ctx, "accounts", avAccount{ID: 8, Name: "b", Tier: "gold"})
	if err != nil {
		t.Fatal(err)
	}
	if ours[4] != 2 {
		t.Fatalf("srkit wrote schema ID %d, want 2", ours[4])
	}
	theirDe, err := avrov2.NewDeserializer(c, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var v1 avAccountV1
	if err := theirDe.DeserializeInto("accounts", ours, &v1); err != nil || v1 != (avAccountV1{ID: 8, Name: "b"}) {
		t.Fatalf("confluent-kafka-go reading srkit's v2 as v1: %+v, %v", v1, err)
	}
}

// TestAvroInteropEvolutionSrkitWritesV1: srkit writes version 1;
// confluent-kafka-go reads it with the latest version, 2.
func TestAvroInteropEvolutionSrkitWritesV1(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	s, err := avro.NewSerializer[avAccountV1](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := s.Serialize(ctx, "accounts", avAccountV1{ID: 7, Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	registerV2(t, client, "accounts-value")

	dcfg := avrov2.NewDeserializerConfig()
	dcfg.UseLatestVersion = true
	theirDe, err := avrov2.NewDeserializer(c, serde.ValueSerde, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	var got avAccount
	want := avAccount{ID: 7, Name: "acme", Tier: "basic"}
	if err := theirDe.DeserializeInto("accounts", ours, &got); err != nil || got != want {
		t.Fatalf("confluent-kafka-go reading srkit's v1 with latest v2: %+v, %v; want %+v", got, err, want)
	}

	// Confluent writes version 2 (the registered latest); srkit's reader
	// of version 1 skips the new field.
	cfg := avrov2.NewSerializerConfig()
	cfg.AutoRegisterSchemas, cfg.UseLatestVersion = false, true
	theirSer, err := avrov2.NewSerializer(c, serde.ValueSerde, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("accounts", &avAccount{ID: 8, Name: "b", Tier: "gold"})
	if err != nil {
		t.Fatal(err)
	}
	if md, err := c.GetLatestSchemaMetadata("accounts-value"); err != nil || theirs[4] != byte(md.ID) {
		t.Fatalf("confluent-kafka-go wrote schema ID %d, latest is %+v, %v", theirs[4], md, err)
	}
	d, err := avro.NewDeserializer[avAccountV1](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if v1, err := d.Deserialize(ctx, "accounts", theirs, nil); err != nil || v1 != (avAccountV1{ID: 8, Name: "b"}) {
		t.Fatalf("srkit reading confluent-kafka-go's v2 as v1: %+v, %v", v1, err)
	}
}
