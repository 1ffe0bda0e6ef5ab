package cel

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Rule types the executors run.
const (
	// TypeCEL is the rule type of [Executor]: an expression over the whole
	// message.
	TypeCEL = "CEL"
	// TypeCELField is the rule type of [FieldExecutor]: an expression per
	// field.
	TypeCELField = "CEL_FIELD"
)

// Executor runs CEL rules: a CONDITION or TRANSFORM expression over the
// whole message, the variable message. Create it with [NewExecutor]; it
// is safe for concurrent use, and one executor may serve any number of
// serializers and deserializers.
type Executor struct{ eng *engine }

// NewExecutor returns an executor of CEL rules.
func NewExecutor(opts ...Option) *Executor {
	return &Executor{eng: newEngine(newConfig(opts), func(message *celgo.Type) []celgo.EnvOption {
		return []celgo.EnvOption{celgo.Variable("message", message)}
	})}
}

// Type returns "CEL".
func (*Executor) Type() string { return TypeCEL }

// Compile compiles rule's expression (and guard) once; the program is
// cached by expression text across rules and schemas.
func (e *Executor) Compile(_ context.Context, rule *registry.Rule, schema *serde.ResolvedSchema) (serde.CompiledRule, error) {
	g, err := compileRule(e.eng, rule, schema, true)
	if err != nil {
		return nil, err
	}
	return &messageRule{guarded: g, kind: rule.Kind}, nil
}

// guarded is a rule's expression split into its optional guard and its
// body, as Confluent's executors split "guard ; body".
type guarded struct {
	guard *expr // nil: none
	body  *expr
}

// compileRule checks rule's kind and compiles its guard and body; typed
// declares "message" with a Protobuf message's type.
func compileRule(eng *engine, rule *registry.Rule, schema *serde.ResolvedSchema, typed bool) (guarded, error) {
	switch rule.Kind {
	case registry.RuleKindCondition, registry.RuleKindTransform:
	default:
		return guarded{}, fmt.Errorf("%w: rule %q has kind %q; a %s rule is a CONDITION or a TRANSFORM", ErrExpression, rule.Name, rule.Kind, rule.Type)
	}
	src := rule.Expr
	var guardSrc string
	ignore, _ := serde.RuleParam(rule, schema, ParamIgnoreGuardSeparator)
	if skip, _ := strconv.ParseBool(strings.TrimSpace(ignore)); !skip {
		if i := strings.IndexByte(src, ';'); i >= 0 {
			guardSrc, src = src[:i], src[i+1:]
		}
	}
	if strings.TrimSpace(src) == "" {
		return guarded{}, fmt.Errorf("%w: rule %q has an empty expression", ErrExpression, rule.Name)
	}
	var g guarded
	var err error
	if strings.TrimSpace(guardSrc) != "" {
		if g.guard, err = eng.compileExpr(guardSrc, typed); err != nil {
			return guarded{}, err
		}
	}
	if g.body, err = eng.compileExpr(src, typed); err != nil {
		return guarded{}, err
	}
	if rule.Kind == registry.RuleKindCondition && !g.body.outputIs(celgo.BoolType) {
		return guarded{}, &exprError{expr: src, what: "compiling", err: fmt.Errorf("a CONDITION must be a bool expression; this one is %s", g.body.dyn.ast.OutputType())}
	}
	return g, nil
}

// run evaluates the guard, then the body; skipped reports a guard that did
// not hold (or failed), as Confluent's executors treat it: the body is not
// evaluated.
func (g *guarded) run(ctx context.Context, root any, act any) (out ref.Val, skipped bool, err error) {
	if g.guard != nil {
		prg, err := g.guard.program(root)
		if err != nil {
			return nil, false, err
		}
		v, err := g.guard.eval(ctx, prg, act)
		if err != nil && serde.IsTransient(err) {
			return nil, false, err
		}
		if err != nil || v != types.True {
			return nil, true, nil
		}
	}
	prg, err := g.body.program(root)
	if err != nil {
		return nil, false, err
	}
	out, err = g.body.eval(ctx, prg, act)
	return out, false, err
}

// messageRule is a compiled CEL rule.
type messageRule struct {
	guarded
	kind registry.RuleKind
}

// messageVars binds "message".
type messageVars struct{ message any }

func (v *messageVars) ResolveName(name string) (any, bool) {
	if name == "message" {
		return v.message, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (*messageVars) Parent() interpreter.Activation { return nil }

// Run evaluates the rule on m's generic form: a CONDITION reports its
// result, a TRANSFORM replaces the message by its result.
func (r *messageRule) Run(ctx context.Context, _ *serde.RuleContext, m *serde.Message) (bool, error) {
	g, err := m.Generic()
	if err != nil {
		return false, err
	}
	out, skipped, err := r.run(ctx, g, &messageVars{message: g})
	if err != nil {
		return false, err
	}
	if skipped {
		return true, nil
	}
	if r.kind == registry.RuleKindCondition {
		b, ok := out.(types.Bool)
		if !ok {
			return false, &exprError{expr: r.body.src, what: "evaluating", err: fmt.Errorf("a CONDITION must yield a bool; it yielded %s", out.Type().TypeName())}
		}
		return bool(b), nil
	}
	if isSameValue(out, g) {
		return true, nil
	}
	v, err := toGeneric(out)
	if err != nil {
		return false, &exprError{expr: r.body.src, what: "converting the result of", err: err}
	}
	if err := m.Replace(v); err != nil {
		return false, fmt.Errorf("cel: the result of %q does not fit the schema: %w", shorten(r.body.src), err)
	}
	return true, nil
}
