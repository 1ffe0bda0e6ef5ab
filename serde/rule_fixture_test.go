package serde_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// rec is the test message; recCodec writes it as JSON with the JSON schema
// type, and offers the rule views serde needs.
type rec struct {
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Qty   int      `json:"qty"`
	Notes []string `json:"notes,omitempty"`
}

type recCodec struct{}

func (recCodec) SchemaType() registry.SchemaType { return registry.JSON }
func (recCodec) UsesMessageIndexes() bool        { return false }
func (recCodec) SchemaKey(*rec) any              { return nil }
func (recCodec) Schema(context.Context, *rec) (*serde.ResolvedSchema, string, error) {
	return &serde.ResolvedSchema{SubjectSchema: registry.SubjectSchema{Schema: registry.Schema{Schema: recSchema, SchemaType: registry.JSON}}}, "", nil
}
func (recCodec) Encoder(_ context.Context, s *serde.ResolvedSchema, _ *rec) (serde.Encoder[*rec], []int, error) {
	return recCoder{schema: s}, nil, nil
}
func (recCodec) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "", nil }
func (recCodec) Decoder(_ context.Context, w *serde.ResolvedSchema, _ []int, r *serde.ResolvedSchema) (serde.Decoder[*rec], error) {
	if r != nil {
		return recCoder{schema: r}, nil
	}
	return recCoder{schema: w}, nil
}

// JSONDecoder and JSONReader make recCodec a serde.MigrationCodec.
func (recCodec) JSONDecoder(context.Context, *serde.ResolvedSchema, []int) (serde.JSONDecoder, error) {
	return recCoder{}, nil
}
func (recCodec) JSONReader(_ context.Context, r, _ *serde.ResolvedSchema, _ []int) (serde.JSONReader[*rec], error) {
	return recCoder{schema: r}, nil
}

// recCoder is the compiled encoder, decoder and rule view of one schema.
// Tags: a field is tagged by the schema's metadata.tags ("rec.name" ...).
type recCoder struct{ schema *serde.ResolvedSchema }

func (recCoder) AppendEncode(dst []byte, v *rec) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

func (recCoder) Decode(body []byte, v **rec) error {
	*v = new(rec)
	return json.Unmarshal(body, *v)
}

func (recCoder) DecodeJSON(body []byte) (any, error) {
	var j any
	err := json.Unmarshal(body, &j)
	return j, err
}

func (recCoder) ReadJSON(j any, v **rec) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	*v = new(rec)
	return json.Unmarshal(b, *v)
}

func (recCoder) Generic(v *rec) (any, error) {
	return map[string]any{"name": v.Name, "email": v.Email, "qty": v.Qty}, nil
}

func (recCoder) FromGeneric(g any) (*rec, error) {
	m, ok := g.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a record: %T", g)
	}
	r := &rec{}
	r.Name, _ = m["name"].(string)
	r.Email, _ = m["email"].(string)
	switch q := m["qty"].(type) {
	case int:
		r.Qty = q
	case float64:
		r.Qty = int(q)
	}
	return r, nil
}

func (c recCoder) TransformFields(v *rec, tags []string, fn serde.FieldFunc) (*rec, error) {
	tagger := serde.NewFieldTagger(c.schema.Metadata)
	out := *v // a copy: v is never modified
	for _, f := range []struct {
		name string
		val  *string
	}{{"name", &out.Name}, {"email", &out.Email}} {
		fld := &serde.Field{FullName: "rec." + f.name, Name: f.name, Type: serde.TypeString, Tags: tagger.Tags("rec."+f.name, nil)}
		if !fld.HasAnyTag(tags) {
			continue
		}
		nv, err := fn(fld, *f.val)
		if err != nil {
			return nil, err
		}
		*f.val = nv.(string)
	}
	return &out, nil
}

func (recCoder) JSON(v *rec) ([]byte, error) { return json.Marshal(v) }

// testExecutor runs rules of type TEST; the rule's expr says what to do:
//
//	true, false        a condition's result
//	error, transient   fail with an error (transient: an outage)
//	upper              upper-case the tagged fields
//	suffix:X           append X to the tagged fields
//	append:X           append X to name through the whole-message view
//	rename:a:b         (migration) rename JSON member a to b
//	param:K            record the value of parameter K
//	xor                (encoding) XOR the body with 0x5a
type testExecutor struct {
	mu       sync.Mutex
	ran      []string
	compiles int
}

func (e *testExecutor) Type() string { return "TEST" }

func (e *testExecutor) Compile(_ context.Context, r *registry.Rule, _ *serde.ResolvedSchema) (serde.CompiledRule, error) {
	e.mu.Lock()
	e.compiles++
	e.mu.Unlock()
	if r.Expr == "bad" {
		return nil, errors.New("cannot compile")
	}
	return testRule{e: e, expr: r.Expr}, nil
}

func (e *testExecutor) log() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.ran)
}

func (e *testExecutor) reset() {
	e.mu.Lock()
	e.ran = nil
	e.mu.Unlock()
}

type testRule struct {
	e    *testExecutor
	expr string
}

func (t testRule) Run(_ context.Context, rc *serde.RuleContext, m *serde.Message) (bool, error) {
	t.e.mu.Lock()
	t.e.ran = append(t.e.ran, fmt.Sprintf("%s/%s", rc.Rule.Name, rc.Mode))
	t.e.mu.Unlock()
	op, arg, _ := strings.Cut(t.expr, ":")
	switch op {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "error":
		return false, errors.New("boom")
	case "transient":
		return false, fmt.Errorf("kms down: %w", serde.ErrUnavailable)
	case "upper", "suffix":
		return true, m.TransformFields(rc.Rule.Tags, func(_ *serde.Field, v any) (any, error) {
			if op == "upper" {
				return strings.ToUpper(v.(string)), nil
			}
			return v.(string) + arg, nil
		})
	case "append":
		g, err := m.Generic()
		if err != nil {
			return false, err
		}
		n := map[string]any{}
		for k, v := range g.(map[string]any) {
			n[k] = v
		}
		n["name"] = n["name"].(string) + arg
		return true, m.Replace(n)
	case "rename":
		from, to, _ := strings.Cut(arg, ":")
		g, err := m.Generic()
		if err != nil {
			return false, err
		}
		n := map[string]any{}
		for k, v := range g.(map[string]any) {
			if k != from {
				n[k] = v
			}
		}
		n[to] = g.(map[string]any)[from]
		return true, m.Replace(n)
	case "param":
		v, ok := rc.Param(arg)
		t.e.mu.Lock()
		t.e.ran = append(t.e.ran, fmt.Sprintf("param %s=%s %v", arg, v, ok))
		t.e.mu.Unlock()
		return true, nil
	case "xor":
		b, err := m.Body()
		if err != nil {
			return false, err
		}
		out := make([]byte, len(b))
		for i := range b {
			out[i] = b[i] ^ 0x5a
		}
		return true, m.SetBody(out)
	}
	return false, fmt.Errorf("unknown test expr %q", t.expr)
}

const recSchema = `{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"},"qty":{"type":"integer"}}}`

// ruleFixture registers recSchema with rules and returns a serializer and a
// deserializer for it, sharing exec.
type ruleFixture struct {
	client *registry.Client
	exec   *testExecutor
	id     int
}

func newRuleFixture(t *testing.T, rs *registry.RuleSet, md *registry.Metadata) *ruleFixture {
	t.Helper()
	mock, err := mockregistry.New(mockregistry.WithCompatibility(registry.None))
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	s, err := client.Register(context.Background(), "orders-value", registry.Schema{Schema: recSchema, SchemaType: registry.JSON, RuleSet: rs, Metadata: md})
	if err != nil {
		t.Fatal(err)
	}
	return &ruleFixture{client: client, exec: &testExecutor{}, id: s.ID}
}

func (f *ruleFixture) serializer(t *testing.T, opts ...serde.SerializerOption) *serde.Serializer[*rec] {
	t.Helper()
	opts = append([]serde.SerializerOption{serde.UseSchemaID(f.id), serde.WithRuleExecutors(f.exec)}, opts...)
	cfg, err := serde.NewSerializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serde.NewSerializer[*rec](f.client, serde.Value, recCodec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *ruleFixture) deserializer(t *testing.T, opts ...serde.DeserializerOption) *serde.Deserializer[*rec] {
	t.Helper()
	opts = append([]serde.DeserializerOption{serde.WithRuleExecutors(f.exec)}, opts...)
	cfg, err := serde.NewDeserializerConfig(registry.JSON, opts...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := serde.NewDeserializer[*rec](f.client, serde.Value, recCodec{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// roundTrip serializes v and reads it back, returning the bytes, the value
// read, and both errors.
func (f *ruleFixture) roundTrip(t *testing.T, v *rec, sopts []serde.SerializerOption, dopts []serde.DeserializerOption) ([]byte, *rec, error, error) {
	t.Helper()
	ctx := context.Background()
	b, _, serr := f.serializer(t, sopts...).Serialize(ctx, "orders", v)
	if serr != nil {
		return nil, nil, serr, nil
	}
	got, derr := f.deserializer(t, dopts...).Deserialize(ctx, "orders", b, nil)
	return b, got, nil, derr
}

func rule(name, mode, expr string, mods ...func(*registry.Rule)) registry.Rule {
	r := registry.Rule{Name: name, Kind: registry.RuleKindCondition, Mode: registry.RuleMode(mode), Type: "TEST", Expr: expr}
	if strings.HasPrefix(expr, "upper") || strings.HasPrefix(expr, "suffix") || strings.HasPrefix(expr, "append") || strings.HasPrefix(expr, "rename") || expr == "xor" {
		r.Kind = registry.RuleKindTransform
	}
	for _, m := range mods {
		m(&r)
	}
	return r
}

func onFailure(a string) func(*registry.Rule) { return func(r *registry.Rule) { r.OnFailure = a } }
func onSuccess(a string) func(*registry.Rule) { return func(r *registry.Rule) { r.OnSuccess = a } }
func tags(t ...string) func(*registry.Rule)   { return func(r *registry.Rule) { r.Tags = t } }
func params(kv ...string) func(*registry.Rule) {
	return func(r *registry.Rule) {
		r.Params = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Params[kv[i]] = kv[i+1]
		}
	}
}

var piiTags = &registry.Metadata{Tags: map[string][]string{"rec.name": {"PII"}, "**.email": {"PII", "CONTACT"}}}

func (t testRule) runBody(m *serde.Message) error {
	_, err := t.Run(context.Background(), &serde.RuleContext{Rule: &registry.Rule{Name: "b"}}, m)
	return err
}
