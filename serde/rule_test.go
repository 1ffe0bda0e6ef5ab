package serde_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/internal/race"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// TestRuleModesAndOrder: on write run WRITE and WRITEREAD domain rules in
// order; on read READ and WRITEREAD in reverse order; migration modes never
// run in the domain phase.
func TestRuleModesAndOrder(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("a", "WRITE", "true"),
		rule("b", "READ", "true"),
		rule("c", "WRITEREAD", "true"),
		rule("g", "WRITEREAD", "true"),
	}}, nil)
	if _, _, serr, derr := f.roundTrip(t, &rec{Name: "x"}, nil, nil); serr != nil || derr != nil {
		t.Fatal(serr, derr)
	}
	want := []string{"a/WRITE", "c/WRITE", "g/WRITE", "g/READ", "c/READ", "b/READ"}
	if got := f.exec.log(); !slices.Equal(got, want) {
		t.Errorf("ran %v, want %v", got, want)
	}
}

// TestRuleDisabledAndEnableAt: disabled rules and rule sets enabled only
// elsewhere than on clients are skipped.
func TestRuleDisabledAndEnableAt(t *testing.T) {
	for _, c := range []struct {
		enableAt string
		runs     bool
	}{{"", true}, {"ALL", true}, {"CLIENT", true}, {"NONE", false}, {"SERVER", false}} {
		f := newRuleFixture(t, &registry.RuleSet{EnableAt: c.enableAt, DomainRules: []registry.Rule{
			rule("on", "WRITE", "true"),
			rule("off", "WRITE", "true", func(r *registry.Rule) { r.Disabled = true }),
		}}, nil)
		if _, _, err := f.serializer(t).Serialize(context.Background(), "orders", &rec{}); err != nil {
			t.Fatal(err)
		}
		var want []string
		if c.runs {
			want = []string{"on/WRITE"}
		}
		if got := f.exec.log(); !slices.Equal(got, want) {
			t.Errorf("enableAt %q: ran %v, want %v", c.enableAt, got, want)
		}
	}
}

// TestRuleConditionActions: a false condition runs onFailure (default
// ERROR); NONE lets the message through; the "A,B" form splits write and
// read; ERROR's error tells a failed condition from an executor error.
func TestRuleConditionActions(t *testing.T) {
	ctx := context.Background()
	// Default onFailure is ERROR.
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("qty", "WRITE", "false")}}, nil)
	_, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{})
	var re *serde.RuleError
	if !errors.As(err, &re) || !errors.Is(err, serde.ErrRuleConditionFailed) || !errors.Is(err, serde.ErrRuleFailed) {
		t.Fatalf("err = %v, want a RuleError matching ErrRuleConditionFailed", err)
	}
	if re.Rule.Name != "qty" || re.Mode != registry.RuleModeWrite || re.Subject != "orders-value" || re.Topic != "orders" || re.Action != serde.ActionError || re.Rule.Kind != registry.RuleKindCondition {
		t.Errorf("RuleError = %+v", re)
	}
	// An executor error is a RuleError too, but not a failed condition.
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("boom", "WRITE", "error")}}, nil)
	_, _, err = f.serializer(t).Serialize(ctx, "orders", &rec{})
	if !errors.As(err, &re) || errors.Is(err, serde.ErrRuleConditionFailed) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("executor error = %v", err)
	}
	// NONE goes on.
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("qty", "WRITE", "false", onFailure("NONE")), rule("next", "WRITE", "true")}}, nil)
	if _, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{}); err != nil {
		t.Fatalf("NONE: %v", err)
	}
	if got := f.exec.log(); !slices.Equal(got, []string{"qty/WRITE", "next/WRITE"}) {
		t.Errorf("NONE: ran %v", got)
	}
	// "NONE,ERROR" on a WRITEREAD rule: write passes, read fails.
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("qty", "WRITEREAD", "false", onFailure("NONE,ERROR"))}}, nil)
	_, _, serr, derr := f.roundTrip(t, &rec{}, nil, nil)
	if serr != nil || !errors.Is(derr, serde.ErrRuleConditionFailed) {
		t.Fatalf("A,B split: write err %v, read err %v", serr, derr)
	}
	// onSuccess ERROR fails although the rule held; an unknown action is
	// an error naming it.
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("ok", "WRITE", "true", onSuccess("ERROR"))}}, nil)
	if _, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{}); !errors.Is(err, serde.ErrRuleFailed) {
		t.Errorf("onSuccess ERROR: %v", err)
	}
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("ok", "WRITE", "false", onFailure("PAGE_ME"))}}, nil)
	if _, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{}); !errors.Is(err, serde.ErrNoRuleAction) || !strings.Contains(err.Error(), "PAGE_ME") {
		t.Errorf("unknown action: %v", err)
	}
}

// countingAction is a custom action that counts its runs.
type countingAction struct{ runs, failures int }

func (a *countingAction) Type() string { return "COUNT" }
func (a *countingAction) Run(_ context.Context, _ *serde.RuleContext, _ *serde.Message, cause *serde.RuleError) error {
	a.runs++
	if cause != nil {
		a.failures++
	}
	return nil
}

// TestRuleCustomActionAndOverrides: custom actions run; client-side
// overrides by rule name, then type, then for all rules change disabled,
// onSuccess and onFailure.
func TestRuleCustomActionAndOverrides(t *testing.T) {
	ctx := context.Background()
	count := &countingAction{}
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("a", "WRITE", "true", onSuccess("COUNT")),
		rule("b", "WRITE", "false", onFailure("COUNT")),
	}}, nil)
	if _, _, err := f.serializer(t, serde.WithRuleActions(count)).Serialize(ctx, "orders", &rec{}); err != nil {
		t.Fatal(err)
	}
	if count.runs != 2 || count.failures != 1 {
		t.Errorf("custom action: %+v", count)
	}
	yes, none, errAction := true, "NONE", "ERROR"
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("a", "WRITE", "false"),
		rule("b", "WRITE", "false", onFailure("NONE")),
	}}, nil)
	s := f.serializer(t, serde.WithRuleOverrides(
		serde.RuleOverride{Type: "TEST", OnFailure: &none},        // type level: a passes
		serde.RuleOverride{Rule: "b", OnFailure: &errAction},      // name level wins for b
		serde.RuleOverride{Disabled: &yes, OnSuccess: &errAction}, // all rules: disabled...
		serde.RuleOverride{Type: "TEST", Disabled: new(bool)},     // ...but TEST rules enabled
		serde.RuleOverride{Rule: "unrelated", Disabled: &yes},
	))
	_, _, err := s.Serialize(ctx, "orders", &rec{})
	var re *serde.RuleError
	if !errors.As(err, &re) || re.Rule.Name != "b" {
		t.Fatalf("overrides: err = %v, want rule b to fail", err)
	}
	if got := f.exec.log(); !slices.Equal(got, []string{"a/WRITE", "b/WRITE"}) {
		t.Errorf("overrides: ran %v", got)
	}
	if _, err := serde.NewSerializer[*rec](f.client, serde.Value, recCodec{}, serde.SerializerConfig{RuleExecutors: []serde.RuleExecutor{f.exec, f.exec}}); err == nil {
		t.Error("two executors of one type accepted")
	}
}

// TestRuleMissingExecutorAndCompileError: a rule type without executor,
// or whose rule does not compile, runs onFailure with an error naming the
// rule, its type and the option.
func TestRuleMissingExecutorAndCompileError(t *testing.T) {
	ctx := context.Background()
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{{Name: "enc", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: "ENCRYPT", Tags: []string{"PII"}}}}, piiTags)
	_, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{Name: "Ada"})
	if !errors.Is(err, serde.ErrNoRuleExecutor) || !strings.Contains(err.Error(), `"ENCRYPT"`) || !strings.Contains(err.Error(), `"enc"`) || !strings.Contains(err.Error(), "WithRuleExecutors") {
		t.Fatalf("missing executor: %v", err)
	}
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("bad", "WRITE", "bad"), rule("bad2", "WRITE", "bad", onFailure("NONE"))}}, nil)
	s := f.serializer(t)
	for range 3 {
		if _, _, err := s.Serialize(ctx, "orders", &rec{}); err == nil || !strings.Contains(err.Error(), "cannot compile") {
			t.Fatalf("compile error: %v", err)
		}
	}
	if f.exec.compiles != 2 {
		t.Errorf("compiled %d times, want once per rule", f.exec.compiles)
	}
}

// TestRuleParams: a rule's params win over the schema's metadata
// properties.
func TestRuleParams(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("p", "WRITE", "param:k", params("k", "rule")),
		rule("q", "WRITE", "param:m"),
		rule("r", "WRITE", "param:absent"),
	}}, &registry.Metadata{Properties: map[string]string{"k": "schema", "m": "schema"}})
	if _, _, err := f.serializer(t).Serialize(context.Background(), "orders", &rec{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"p/WRITE", "param k=rule true", "q/WRITE", "param m=schema true", "r/WRITE", "param absent= false"}
	if got := f.exec.log(); !slices.Equal(got, want) {
		t.Errorf("ran %v, want %v", got, want)
	}
}

// TestRuleFieldTransforms: a field transform writes the tagged fields
// changed without touching the caller's value; a whole-message transform
// replaces the message; two transforms of the same type, mode and tags:
// only the first applies on write, and the same one on read.
func TestRuleFieldTransforms(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		rule("up", "WRITE", "upper", tags("PII")),
		rule("contact", "WRITEREAD", "suffix:!", tags("CONTACT")),
		rule("contact2", "WRITEREAD", "suffix:?", tags("CONTACT")),
		rule("whole", "WRITE", "append:~"),
	}}, piiTags)
	in := &rec{Name: "ada", Email: "a@b", Qty: 2, Notes: []string{"n"}}
	b, got, serr, derr := f.roundTrip(t, in, nil, nil)
	if serr != nil || derr != nil {
		t.Fatal(serr, derr)
	}
	if in.Name != "ada" || in.Email != "a@b" || in.Qty != 2 || len(in.Notes) != 1 || in.Notes[0] != "n" {
		t.Fatalf("the caller's value was modified: %+v", in)
	}
	var wire rec
	if err := json.Unmarshal(b[5:], &wire); err != nil {
		t.Fatal(err)
	}
	if wire.Name != "ADA~" || wire.Email != "A@B!" {
		t.Errorf("written %+v, want name ADA~ and email A@B! (contact2 shadowed)", wire)
	}
	if got.Email != "A@B!!" {
		t.Errorf("read email %q, want A@B!! (contact on read too, contact2 shadowed)", got.Email)
	}
	if log := f.exec.log(); slices.Contains(log, "contact2/WRITE") || slices.Contains(log, "contact2/READ") {
		t.Errorf("shadowed rule ran: %v", log)
	}
}

// TestRuleEncodingPhase: encoding rules run on the body after the format on
// write and before decoding on read; the schema reference stays clear.
func TestRuleEncodingPhase(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{EncodingRules: []registry.Rule{rule("x", "WRITEREAD", "xor")}}, nil)
	b, got, serr, derr := f.roundTrip(t, &rec{Name: "ada"}, nil, nil)
	if serr != nil || derr != nil {
		t.Fatal(serr, derr)
	}
	if b[0] != 0 || int(b[4]) != f.id || strings.Contains(string(b), "ada") {
		t.Errorf("payload %q: want a clear schema ID and a transformed body", b)
	}
	if got.Name != "ada" {
		t.Errorf("read %+v", got)
	}
	// A domain-only view in the encoding phase is refused.
	f = newRuleFixture(t, &registry.RuleSet{EncodingRules: []registry.Rule{rule("u", "WRITE", "upper")}}, nil)
	if _, _, err := f.serializer(t).Serialize(context.Background(), "orders", &rec{}); !errors.Is(err, serde.ErrRulesUnsupported) {
		t.Errorf("field rule in the encoding phase: %v", err)
	}
}

// TestRuleTransientFailure: an outage in a rule fails the message without
// running its actions (no NONE pass-through, no dead letter).
func TestRuleTransientFailure(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("kms", "WRITE", "transient", onFailure("DLQ"))}}, nil)
	_, _, err := f.serializer(t).Serialize(context.Background(), "orders", &rec{})
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter != nil || !serde.IsTransient(err) {
		t.Fatalf("transient: err = %v (%+v)", err, re)
	}
	f = newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("kms", "WRITE", "transient", onFailure("NONE"))}}, nil)
	if _, _, err := f.serializer(t).Serialize(context.Background(), "orders", &rec{}); !serde.IsTransient(err) {
		t.Fatalf("transient with NONE passed: %v", err)
	}
}

// TestRuleDLQ: the DLQ action fails the message with a dead letter: the
// rule headers, the topic from dlq.topic, and on write the value as JSON
// with the fields of ENCRYPT rules redacted; reading a dead-lettered
// record back skips the rule that failed it.
func TestRuleDLQ(t *testing.T) {
	ctx := context.Background()
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{
		{Name: "enc", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: "ENCRYPT", Tags: []string{"PII"}, Disabled: true},
		rule("qty", "WRITEREAD", "false", onFailure("DLQ"), params("dlq.topic", "orders-dlq")),
	}}, piiTags)
	_, _, err := f.serializer(t).Serialize(ctx, "orders", &rec{Name: "Ada", Email: "a@b", Qty: -1})
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter == nil || re.Action != serde.ActionDLQ {
		t.Fatalf("DLQ on write: %v", err)
	}
	dl := re.DeadLetter
	if dl.Topic != "orders-dlq" {
		t.Errorf("topic %q", dl.Topic)
	}
	hs := map[string]string{}
	for _, h := range dl.Headers {
		hs[h.Key] = string(h.Value)
	}
	if hs[serde.HeaderRuleName] != "qty" || hs[serde.HeaderRuleMode] != "WRITE" || hs[serde.HeaderRuleSubject] != "orders-value" || hs[serde.HeaderRuleTopic] != "orders" || !strings.Contains(hs[serde.HeaderRuleException], "condition failed") {
		t.Errorf("headers %v", hs)
	}
	var v rec
	if err := json.Unmarshal(dl.Value, &v); err != nil || v.Name != "<REDACTED>" || v.Email != "<REDACTED>" || v.Qty != -1 {
		t.Errorf("dead-letter value %s (%v): want PII fields redacted", dl.Value, err)
	}
	// On read the value stays nil (the record's own bytes go), and a record
	// read back from the dead-letter topic skips the rule.
	off := true
	b, _, err := f.serializer(t, serde.WithRuleOverrides(serde.RuleOverride{Rule: "qty", Disabled: &off})).Serialize(ctx, "orders", &rec{Qty: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := f.deserializer(t)
	if _, err := d.Deserialize(ctx, "orders", b, nil); !errors.As(err, &re) || re.DeadLetter == nil || re.DeadLetter.Value != nil {
		t.Fatalf("DLQ on read: %v", err)
	}
	if _, err := d.Deserialize(ctx, "orders-dlq", b, re.DeadLetter.Headers); err != nil {
		t.Errorf("reading the dead letter back: %v", err)
	}
}

// TestRulesDoNotCostWithout: a schema without rules builds no rule plan
// (the warm path is unchanged); a schema whose rules only run on read
// builds none for the serializer.
func TestRulesDoNotCostWithout(t *testing.T) {
	f := newRuleFixture(t, &registry.RuleSet{DomainRules: []registry.Rule{rule("r", "READ", "true")}}, nil)
	s := f.serializer(t)
	ctx := context.Background()
	if _, _, err := s.Serialize(ctx, "orders", &rec{}); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		buf := make([]byte, 0, 256)
		_, _, _ = s.AppendSerialize(ctx, buf, "orders", &rec{})
	})
	plain := newRuleFixture(t, nil, nil).serializer(t)
	if _, _, err := plain.Serialize(ctx, "orders", &rec{}); err != nil {
		t.Fatal(err)
	}
	plainAllocs := testing.AllocsPerRun(100, func() {
		buf := make([]byte, 0, 256)
		_, _, _ = plain.AppendSerialize(ctx, buf, "orders", &rec{})
	})
	if allocs != plainAllocs && !race.Enabled {
		t.Errorf("read-only rules cost the serializer %v allocations per message, none would cost %v", allocs, plainAllocs)
	}
	if len(f.exec.log()) != 0 {
		t.Errorf("READ rule ran on write: %v", f.exec.log())
	}
}

// TestRuleMigrations: reading data written in one version of a subject into
// another runs each step's migration rules on the JSON form — UPGRADE from
// older to newer, DOWNGRADE from newer to older in reverse — with versions
// in between fetched, planned once per writer and reader.
func TestRuleMigrations(t *testing.T) {
	ctx := context.Background()
	f := newRuleFixture(t, nil, nil) // v1 without rules, to make the fixture
	mig := func(up, down string) *registry.RuleSet {
		return &registry.RuleSet{MigrationRules: []registry.Rule{
			rule("up-"+up, "UPGRADE", "rename:"+up),
			rule("down-"+down, "DOWNGRADE", "rename:"+down),
		}}
	}
	reg := func(major string, rs *registry.RuleSet) registry.SubjectSchema {
		s, err := f.client.Register(ctx, "orders-value", registry.Schema{Schema: recSchema, SchemaType: registry.JSON,
			Metadata: &registry.Metadata{Properties: map[string]string{"major_version": major}}, RuleSet: rs})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	v1 := reg("1", nil)
	v2 := reg("2", mig("name:email", "email:name"))
	v3 := reg("3", mig("email:name", "name:email"))
	if v1.Version != 2 || v2.Version != 3 || v3.Version != 4 {
		t.Fatalf("versions %d %d %d", v1.Version, v2.Version, v3.Version)
	}
	write := func(id int, v *rec) []byte {
		cfg, _ := serde.NewSerializerConfig(registry.JSON, serde.UseSchemaID(id))
		s, _ := serde.NewSerializer[*rec](f.client, serde.Value, recCodec{}, cfg)
		b, _, err := s.Serialize(ctx, "orders", v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	read := func(major string, b []byte) *rec {
		d := f.deserializer(t, serde.UseLatestWithMetadata(map[string]string{"major_version": major}))
		var got *rec
		for range 2 { // the second read uses the cached plan
			var err error
			if got, err = d.Deserialize(ctx, "orders", b, nil); err != nil {
				t.Fatal(err)
			}
		}
		return got
	}

	// v1 → v2: one upgrade step.
	if got := read("2", write(v1.ID, &rec{Name: "ada"})); got.Email != "ada" || got.Name != "" {
		t.Errorf("v1 read as v2: %+v", got)
	}
	if got := f.exec.log(); !slices.Equal(got, []string{"up-name:email/UPGRADE", "up-name:email/UPGRADE"}) {
		t.Errorf("v1→v2 ran %v", got)
	}
	f.exec.reset()
	// v1 → v3: two upgrade steps in order.
	if got := read("3", write(v1.ID, &rec{Name: "ada"})); got.Name != "ada" || got.Email != "" {
		t.Errorf("v1 read as v3: %+v", got)
	}
	if got := f.exec.log(); !slices.Equal(got[:2], []string{"up-name:email/UPGRADE", "up-email:name/UPGRADE"}) {
		t.Errorf("v1→v3 ran %v", got)
	}
	f.exec.reset()
	// v3 → v1: downgrade steps, newest first.
	if got := read("1", write(v3.ID, &rec{Name: "ada"})); got.Name != "ada" || got.Email != "" {
		t.Errorf("v3 read as v1: %+v", got)
	}
	if got := f.exec.log(); !slices.Equal(got[:2], []string{"down-name:email/DOWNGRADE", "down-email:name/DOWNGRADE"}) {
		t.Errorf("v3→v1 ran %v", got)
	}
	f.exec.reset()
	// v3 → v2: one downgrade step (v3's).
	if got := read("2", write(v3.ID, &rec{Name: "ada"})); got.Email != "ada" {
		t.Errorf("v3 read as v2: %+v", got)
	}
	// Same version: no migration.
	f.exec.reset()
	if got := read("2", write(v2.ID, &rec{Email: "x"})); got.Email != "x" || len(f.exec.log()) != 0 {
		t.Errorf("v2 read as v2: %+v, ran %v", got, f.exec.log())
	}
}

// TestNewMessage: executors can be run on messages built outside a
// serializer.
func TestNewMessage(t *testing.T) {
	m, value := serde.NewMessage(&rec{Name: "a"}, recCoder{schema: &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Metadata: piiTags}}}})
	r := testRule{e: &testExecutor{}, expr: "upper"}
	if _, err := r.Run(context.Background(), &serde.RuleContext{Rule: &registry.Rule{Name: "u", Tags: []string{"PII"}}}, m); err != nil {
		t.Fatal(err)
	}
	if value().Name != "A" {
		t.Errorf("value = %+v", value())
	}
	if _, err := m.Body(); !errors.Is(err, serde.ErrRulesUnsupported) {
		t.Errorf("Body in the domain phase: %v", err)
	}
	bm, body := serde.NewBodyMessage([]byte{1})
	if err := (testRule{e: &testExecutor{}, expr: "xor"}).runBody(bm); err != nil || body()[0] != 1^0x5a {
		t.Errorf("body message: %v %v", body(), err)
	}
	jm, form := serde.NewJSONMessage(map[string]any{"a": 1.0})
	if err := jm.Replace(map[string]any{"b": 2.0}); err != nil || form().(map[string]any)["b"] != 2.0 {
		t.Errorf("json message: %v %v", form(), err)
	}
}
