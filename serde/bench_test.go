package serde_test

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/serde"
)

func BenchmarkSerializeWarm(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg())
	buf := make([]byte, 0, 64)
	if _, _, err := ser.AppendSerialize(ctx, buf, "orders", "warm"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		buf, _, _ = ser.AppendSerialize(ctx, buf[:0], "orders", "warm")
	}
}

func BenchmarkSerializeWarmParallel(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg())
	if _, _, err := ser.Serialize(ctx, "orders", "warm"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 0, 64)
		for pb.Next() {
			buf, _, _ = ser.AppendSerialize(ctx, buf[:0], "orders", "warm")
		}
	})
}

// BenchmarkSerializeLatestWarm is BenchmarkSerializeWarm writing with the
// subject's latest version: the per-message cost of following new versions.
func BenchmarkSerializeLatestWarm(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.UseLatest(), serde.AutoRegister(false)))
	buf := make([]byte, 0, 64)
	if _, _, err := ser.AppendSerialize(ctx, buf, "orders", "warm"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		buf, _, _ = ser.AppendSerialize(ctx, buf[:0], "orders", "warm")
	}
}

// BenchmarkDeserializeWarm is the deserializer core's per-message cost:
// parse the reference, find the compiled reader, call the codec.
func BenchmarkDeserializeWarm(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	payload := []byte{0, 0, 0, 0, 7, 'w', 'a', 'r', 'm'}
	var v string
	if err := de.DeserializeInto(ctx, "orders", payload, nil, &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = de.DeserializeInto(ctx, "orders", payload, nil, &v)
	}
}

// BenchmarkSerializeWarmNoopHook is BenchmarkSerializeWarm with a no-op
// hook installed (serde.WithHooks).
func BenchmarkSerializeWarmNoopHook(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.WithHooks(noopHook{})))
	buf := make([]byte, 0, 64)
	if _, _, err := ser.AppendSerialize(ctx, buf, "orders", "warm"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		buf, _, _ = ser.AppendSerialize(ctx, buf[:0], "orders", "warm")
	}
}

// BenchmarkDeserializeWarmNoopHook is BenchmarkDeserializeWarm with a
// no-op hook installed.
func BenchmarkDeserializeWarmNoopHook(b *testing.B) {
	ctx := context.Background()
	client, _ := fixture(b)
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks(noopHook{})))
	payload := []byte{0, 0, 0, 0, 7, 'w', 'a', 'r', 'm'}
	var v string
	if err := de.DeserializeInto(ctx, "orders", payload, nil, &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = de.DeserializeInto(ctx, "orders", payload, nil, &v)
	}
}
