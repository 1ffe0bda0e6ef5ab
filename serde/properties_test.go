package serde_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// TestParsePropertiesSplits: a Java-style full configuration map configures
// the client and the serdes; keys nobody owns are all named.
func TestParsePropertiesSplits(t *testing.T) {
	srv := mockregistry.StartServer(t, mockregistry.WithBasicAuth("key", "secret"))
	props := map[string]string{
		"schema.registry.url":                   srv.URL(),
		"basic.auth.credentials.source":         "USER_INFO",
		"schema.registry.basic.auth.user.info":  "key:secret",
		"auto.register.schemas":                 "false",
		"use.latest.version":                    "true",
		"latest.compatibility.strict":           "false",
		"value.subject.name.strategy":           "io.confluent.kafka.serializers.subject.RecordNameStrategy",
		"key.schema.id.serializer":              "io.confluent.kafka.serializers.schema.id.HeaderSchemaIdSerializer",
		"rule.executors":                        "checker",
		"rule.executors.checker.class":          "io.confluent.kafka.schemaregistry.rules.cel.CelExecutor",
		"rule.executors._default_.param.secret": "s3cr3t",
		"rule.executors.checkQty.onFailure":     "NONE",
		"rule.executors._ENCRYPT_.disabled":     "true",
	}
	p, err := serde.ParseProperties(props)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Client) != 3 || p.Client["schema.registry.basic.auth.user.info"] != "key:secret" {
		t.Errorf("client keys %v", p.Client)
	}
	if p.RuleExecutorConfig["_default_"]["secret"] != "s3cr3t" {
		t.Errorf("executor config %v", p.RuleExecutorConfig)
	}
	client, err := p.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const schema = `{"type":"record","name":"Order","namespace":"io.ex","fields":[{"name":"id","type":"long"}]}`
	if _, err := client.Register(ctx, "io.ex.Order", registry.Schema{Schema: schema}); err != nil {
		t.Fatal(err)
	}
	type Order struct {
		ID int64 `avro:"id"`
	}
	s, err := avro.NewSerializer[Order](client, serde.Value, append(p.SerializerOptions(serde.Value), avro.WithSchema(schema))...)
	if err != nil {
		t.Fatal(err)
	}
	// Record-name strategy + use latest + no auto-register: the registered
	// schema under io.ex.Order is written.
	b, _, err := s.Serialize(ctx, "orders", Order{ID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 {
		t.Errorf("value placement: %x", b[:5])
	}
	cfg, err := serde.NewSerializerConfig(registry.Avro, p.SerializerOptions(serde.Key)...)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Placement != serde.HeaderGUID || cfg.AutoRegister || !cfg.UseLatest || cfg.StrictCompatibility {
		t.Errorf("key serializer config %+v", cfg)
	}
	if len(cfg.RuleOverrides) != 2 {
		t.Errorf("overrides %+v", cfg.RuleOverrides)
	}
	for _, o := range cfg.RuleOverrides {
		switch {
		case o.Rule == "checkQty" && o.OnFailure != nil && *o.OnFailure == "NONE":
		case o.Type == "ENCRYPT" && o.Disabled != nil && *o.Disabled:
		default:
			t.Errorf("override %+v", o)
		}
	}

	_, err = serde.ParseProperties(map[string]string{"schema.registry.url": "http://x", "bootstrap.servers": "k:9092", "value.serializer": "x"})
	if !errors.Is(err, serde.ErrUnknownProperty) || !strings.Contains(err.Error(), "bootstrap.servers") || !strings.Contains(err.Error(), "value.serializer") {
		t.Errorf("unknown keys: %v", err)
	}
	for k, v := range map[string]string{
		"auto.register.schemas":       "yes",
		"use.schema.id":               "x",
		"value.subject.name.strategy": "com.acme.Mine",
		"key.schema.id.serializer":    "Nope",
		"use.latest.with.metadata":    "novalue",
		"rule.executors.x.frobnicate": "1",
	} {
		var pe *serde.PropertyError
		if _, err := serde.ParseProperties(map[string]string{k: v}); !errors.As(err, &pe) || pe.Key != k {
			t.Errorf("%s=%s: err = %v, want a PropertyError naming the key", k, v, err)
		}
	}
}

// TestParsePropertiesMetadataSpec: use.latest.with.metadata takes Java's
// map form, with backslash quoting.
func TestParsePropertiesMetadataSpec(t *testing.T) {
	p, err := serde.ParseProperties(map[string]string{"use.latest.with.metadata": `major_version=2, app=a\,b`})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := serde.NewDeserializerConfig(registry.Avro, p.DeserializerOptions(serde.Value)...)
	if cfg.LatestWithMetadata["major_version"] != "2" || cfg.LatestWithMetadata["app"] != "a,b" || len(cfg.LatestWithMetadata) != 2 {
		t.Errorf("metadata %v", cfg.LatestWithMetadata)
	}
	scfg, _ := serde.NewSerializerConfig(registry.Avro, p.SerializerOptions(serde.Value)...)
	if !scfg.StrictCompatibility {
		t.Error("latest.compatibility.strict defaults to true, as in Java")
	}
}

// TestStrictCompatibility: a serializer told to write with a registered
// schema refuses one that cannot read its own schema's data.
func TestStrictCompatibility(t *testing.T) {
	ctx := context.Background()
	mock, _ := mockregistry.New(mockregistry.WithCompatibility(registry.None))
	client, _ := mock.Client()
	const own = `{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}`
	const other = `{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}`
	reg, err := client.Register(ctx, "t-value", registry.Schema{Schema: other})
	if err != nil {
		t.Fatal(err)
	}
	type R struct {
		A string `avro:"a"`
		B int32  `avro:"b"`
	}
	for _, opt := range []serde.SerializerOption{serde.UseLatest(), serde.UseSchemaID(reg.ID), serde.UseSchemaGUID(reg.GUID)} {
		s, err := avro.NewSerializer[R](client, serde.Value, opt, avro.WithSchema(own), serde.StrictCompatibility(true))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Serialize(ctx, "t", R{A: "x"}); !errors.Is(err, serde.ErrIncompatibleWriterSchema) {
			t.Errorf("%T: err = %v, want ErrIncompatibleWriterSchema", opt, err)
		}
		s, _ = avro.NewSerializer[R](client, serde.Value, opt, avro.WithSchema(own))
		b, _, err := s.Serialize(ctx, "t", R{A: "x"})
		if err != nil || serdeID(b) != reg.ID {
			t.Errorf("without the check: %v, id %d", err, serdeID(b))
		}
	}
}

func serdeID(b []byte) int {
	if len(b) < 5 {
		return -1
	}
	return int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4])
}

// TestIgnoreSchemaIDHeaders: Confluent's PrefixSchemaIdDeserializer reads
// the payload's reference even when a header names another schema.
func TestIgnoreSchemaIDHeaders(t *testing.T) {
	client, _ := fixture(t)
	hdr := []serde.Header{{Key: serde.ValueSchemaIDHeader, Value: append([]byte{1}, mustGUID(t)...)}}
	payload := []byte{0, 0, 0, 0, 7, 'x'}
	d, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.IgnoreSchemaIDHeaders()))
	v, err := d.Deserialize(context.Background(), "orders", payload, hdr)
	if err != nil || v != "\x00\x00\x00\x00\x07x"[5:] {
		t.Fatalf("payload-only read: %q, %v", v, err)
	}
}
