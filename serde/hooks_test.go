package serde_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// hookRecorder is a fake hook that keeps every serde event.
type hookRecorder struct {
	mu      sync.Mutex
	ser     []serde.SerializeEvent
	deser   []serde.DeserializeEvent
	resolve []serde.ResolveEvent
	rules   []serde.RuleEvent
}

func (r *hookRecorder) OnSerialize(e serde.SerializeEvent) {
	r.mu.Lock()
	r.ser = append(r.ser, e)
	r.mu.Unlock()
}

func (r *hookRecorder) OnDeserialize(e serde.DeserializeEvent) {
	r.mu.Lock()
	r.deser = append(r.deser, e)
	r.mu.Unlock()
}

func (r *hookRecorder) OnResolve(e serde.ResolveEvent) {
	r.mu.Lock()
	r.resolve = append(r.resolve, e)
	r.mu.Unlock()
}

func (r *hookRecorder) OnRule(e serde.RuleEvent) {
	r.mu.Lock()
	r.rules = append(r.rules, e)
	r.mu.Unlock()
}

func TestHooksSerializeDeserializeResolve(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	hr := &hookRecorder{}
	ser, err := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.WithHooks(hr)))
	if err != nil {
		t.Fatal(err)
	}
	de, err := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks(hr)))
	if err != nil {
		t.Fatal(err)
	}
	var payload []byte
	for range 3 {
		if payload, _, err = ser.Serialize(ctx, "orders", "hello"); err != nil {
			t.Fatal(err)
		}
		if _, err := de.Deserialize(ctx, "orders", payload, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := ser.Serialize(ctx, "orders", "fail"); err == nil {
		t.Fatal("encoding fail succeeded")
	}
	if _, err := de.Deserialize(ctx, "orders", []byte{9, 9}, nil); err == nil {
		t.Fatal("bad magic byte accepted")
	}
	if _, err := de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 99, 'x'}, nil); err == nil {
		t.Fatal("unknown schema accepted")
	}

	if len(hr.ser) != 4 {
		t.Fatalf("%d serialize events, want 4", len(hr.ser))
	}
	for i, e := range hr.ser[:3] {
		if e.Topic != "orders" || e.Part != serde.Value || e.SchemaID != 7 || e.Err != nil || e.Kind != serde.KindNone {
			t.Errorf("serialize event %d: %+v", i, e)
		}
	}
	if e := hr.ser[3]; e.Err == nil || e.Kind != serde.KindInvalid || e.SchemaID != 0 {
		t.Errorf("failed serialize event: %+v", e)
	}
	if len(hr.deser) != 5 {
		t.Fatalf("%d deserialize events, want 5", len(hr.deser))
	}
	for i, e := range hr.deser[:3] {
		if e.Topic != "orders" || e.SchemaID != 7 || e.Err != nil {
			t.Errorf("deserialize event %d: %+v", i, e)
		}
	}
	if e := hr.deser[3]; e.Kind != serde.KindMalformed || e.SchemaID != 0 {
		t.Errorf("bad magic byte: %+v", e)
	}
	if e := hr.deser[4]; e.Kind != serde.KindUnknownSchema || e.SchemaID != 99 {
		t.Errorf("unknown schema: %+v", e)
	}
	// One resolution per side for schema 7 (then cached), one failed for 99.
	var serRes, deRes, failed int
	for _, e := range hr.resolve {
		switch {
		case e.Err != nil:
			failed++
			if e.SchemaID != 99 || e.Kind != serde.KindUnknownSchema {
				t.Errorf("failed resolve event %+v", e)
			}
		case e.Topic == "orders":
			serRes++
			if e.Subject != "orders-value" || e.SchemaID != 7 || e.Duration <= 0 {
				t.Errorf("serializer resolve event %+v", e)
			}
		default:
			deRes++
			if e.SchemaID != 7 {
				t.Errorf("deserializer resolve event %+v", e)
			}
		}
	}
	if serRes != 1 || deRes != 1 || failed != 1 {
		t.Errorf("resolve events: %d serializer, %d deserializer, %d failed; want 1, 1, 1: %+v", serRes, deRes, failed, hr.resolve)
	}
}

func TestHooksRules(t *testing.T) {
	ctx := context.Background()
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("ok", "WRITEREAD", "true"),
		rule("soft", "WRITE", "false", onFailure("NONE")),
		rule("hard", "WRITE", "false", onFailure("DLQ"), params("dlq.topic", "orders-dlq")),
	}}, nil)
	hr := &hookRecorder{}
	_, _, err := f.serializer(t, serde.WithHooks(hr)).Serialize(ctx, "orders", &rec{Name: "x"})
	if serde.ErrorKindOf(err) != serde.KindDeadLetter {
		t.Fatalf("err %v, kind %q", err, serde.ErrorKindOf(err))
	}
	got := make([]string, 0, len(hr.rules))
	for _, e := range hr.rules {
		if e.Topic != "orders" || e.Subject != "orders-value" || e.Type != "TEST" || e.Mode != registry.RuleModeWrite || e.Phase != serde.DomainPhase || e.Kind != registry.RuleKindCondition {
			t.Errorf("rule event %+v", e)
		}
		got = append(got, fmt.Sprintf("%s:%s:%v", e.Rule, e.Action, errors.Is(e.Err, serde.ErrRuleConditionFailed)))
	}
	want := "ok:NONE:false soft:NONE:true hard:DLQ:true"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("rule events %s, want %s", s, want)
	}
	if len(hr.ser) != 1 || hr.ser[0].Kind != serde.KindDeadLetter {
		t.Errorf("serialize events %+v", hr.ser)
	}
}

func TestHooksRuleOutage(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("kms", "WRITE", "transient")}}, nil)
	hr := &hookRecorder{}
	_, _, err := f.serializer(t, serde.WithHooks(hr)).Serialize(context.Background(), "orders", &rec{})
	if serde.ErrorKindOf(err) != serde.KindUnavailable {
		t.Fatalf("err %v kind %q", err, serde.ErrorKindOf(err))
	}
	if len(hr.rules) != 1 || hr.rules[0].Action != "" || !serde.IsTransient(hr.rules[0].Err) {
		t.Errorf("rule events %+v", hr.rules)
	}
}

func TestWithHooksRefusesNonHook(t *testing.T) {
	client, _ := fixture(t)
	if _, err := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.WithHooks(42))); err == nil {
		t.Error("serializer accepted a hook that implements nothing")
	}
	if _, err := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks("x"))); err == nil {
		t.Error("deserializer accepted a hook that implements nothing")
	}
}

func TestErrorKindOf(t *testing.T) {
	for err, want := range map[error]serde.ErrorKind{
		nil:              serde.KindNone,
		context.Canceled: serde.KindUnavailable,
		fmt.Errorf("x: %w", registry.ErrUnavailable):               serde.KindUnavailable,
		&serde.UnknownSchemaError{Err: registry.ErrSchemaNotFound}: serde.KindUnknownSchema,
		fmt.Errorf("x: %w", serde.ErrWrongSchemaType):              serde.KindWrongSchemaType,
		fmt.Errorf("x: %w", serde.ErrTruncated):                    serde.KindMalformed,
		&serde.RuleError{Err: serde.ErrRuleConditionFailed}:        serde.KindRule,
		&serde.RuleError{DeadLetter: &serde.DeadLetter{}}:          serde.KindDeadLetter,
		&serde.RuleError{Err: serde.ErrUnavailable}:                serde.KindUnavailable,
		errors.New("cannot encode"):                                serde.KindInvalid,
	} {
		if got := serde.ErrorKindOf(err); got != want {
			t.Errorf("ErrorKindOf(%v) = %q, want %q", err, got, want)
		}
	}
}

// noopHook implements every serde hook and does nothing.
type noopHook struct{}

func (noopHook) OnSerialize(serde.SerializeEvent)     {}
func (noopHook) OnDeserialize(serde.DeserializeEvent) {}
func (noopHook) OnResolve(serde.ResolveEvent)         {}
func (noopHook) OnRule(serde.RuleEvent)               {}

func TestHooksWarmPathAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	ser, _ := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.WithHooks(noopHook{})))
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks(noopHook{})))
	buf := make([]byte, 0, 64)
	payload, _, err := ser.AppendSerialize(ctx, buf, "orders", "warm")
	if err != nil {
		t.Fatal(err)
	}
	var sink string
	if err := de.DeserializeInto(ctx, "orders", payload, nil, &sink); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _, _ = ser.AppendSerialize(ctx, buf[:0], "orders", "warm") }); n != 0 {
		t.Errorf("warm serialize with a no-op hook allocates %v times", n)
	}
	// rawDecoder's string(body) is the only allocation.
	if n := testing.AllocsPerRun(100, func() { _ = de.DeserializeInto(ctx, "orders", payload, nil, &sink) }); n > 1 {
		t.Errorf("warm deserialize with a no-op hook allocates %v times, want at most 1 (the decoded string)", n)
	}
}

func TestHooksTombstone(t *testing.T) {
	client, _ := fixture(t)
	hr := &hookRecorder{}
	ser, _ := serde.NewSerializer[*string](client, serde.Value, ptrCodec{}, serCfg(serde.WithHooks(hr)))
	if b, _, err := ser.AppendSerialize(context.Background(), []byte("keep"), "orders", nil); b != nil || err != nil {
		t.Fatalf("tombstone: %q %v", b, err)
	}
	if len(hr.ser) != 1 || hr.ser[0].SchemaID != 0 || hr.ser[0].Err != nil {
		t.Errorf("events %+v", hr.ser)
	}
}

func TestHooksGUIDPlacement(t *testing.T) {
	ctx := context.Background()
	client, _ := fixture(t)
	hr := &hookRecorder{}
	ser, err := serde.NewSerializer[string](client, serde.Value, &rawCodec{}, serCfg(serde.WithPlacement(serde.HeaderGUID), serde.WithHooks(hr)))
	if err != nil {
		t.Fatal(err)
	}
	de, err := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg(serde.WithHooks(hr)))
	if err != nil {
		t.Fatal(err)
	}
	b, hs, err := ser.Serialize(ctx, "orders", "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := de.Deserialize(ctx, "orders", b, hs); err != nil {
		t.Fatal(err)
	}
	want, _ := serde.ParseGUID(guid1)
	if len(hr.ser) != 1 || hr.ser[0].GUID != want || hr.ser[0].SchemaID != 0 {
		t.Errorf("serialize events %+v", hr.ser)
	}
	if len(hr.deser) != 1 || hr.deser[0].GUID != want || hr.deser[0].Err != nil {
		t.Errorf("deserialize events %+v", hr.deser)
	}
}
