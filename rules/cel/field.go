package cel

import (
	"context"
	"errors"
	"fmt"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// FieldExecutor runs CEL_FIELD rules: an expression evaluated for every
// field whose tags include one of the rule's tags (every field when the
// rule has none), with the variables value, name, fullName, typeName,
// tags and message (the record holding the field). Create it with
// [NewFieldExecutor]; it is safe for concurrent use.
type FieldExecutor struct{ eng *engine }

// NewFieldExecutor returns an executor of CEL_FIELD rules.
func NewFieldExecutor(opts ...Option) *FieldExecutor {
	return &FieldExecutor{eng: newEngine(newConfig(opts), func(*celgo.Type) []celgo.EnvOption {
		return []celgo.EnvOption{
			celgo.Variable("value", celgo.DynType),
			celgo.Variable("name", celgo.StringType),
			celgo.Variable("fullName", celgo.StringType),
			celgo.Variable("typeName", celgo.StringType),
			celgo.Variable("tags", celgo.ListType(celgo.StringType)),
			celgo.Variable("message", celgo.DynType),
		}
	})}
}

// Type returns "CEL_FIELD".
func (*FieldExecutor) Type() string { return TypeCELField }

// Compile compiles rule's expression (and guard) once; the program is
// cached by expression text across rules and schemas.
func (e *FieldExecutor) Compile(_ context.Context, rule *registry.Rule, schema *serde.ResolvedSchema) (serde.CompiledRule, error) {
	g, err := compileRule(e.eng, rule, schema, false)
	if err != nil {
		return nil, err
	}
	isProto := schema != nil && schema.SchemaType == registry.Protobuf
	return &fieldRule{guarded: g, kind: rule.Kind, proto: isProto}, nil
}

// fieldRule is a compiled CEL_FIELD rule.
type fieldRule struct {
	guarded
	kind  registry.RuleKind
	proto bool // the message is a proto.Message, whose types CEL must know
}

// errFalse stops the walk at the first field whose condition is false.
var errFalse = errors.New("cel: field condition is false")

// primitive reports whether CEL_FIELD rules apply to fields of type t, as
// in Confluent's executors: not to enums, fixed values, records and
// containers.
func primitive(t serde.FieldType) bool {
	switch t {
	case serde.TypeString, serde.TypeBytes, serde.TypeInt, serde.TypeLong, serde.TypeFloat,
		serde.TypeDouble, serde.TypeBoolean, serde.TypeNull:
		return true
	}
	return false
}

// Run evaluates the rule on each visited field: a CONDITION fails the
// message at the first field whose expression is false; a TRANSFORM
// replaces each field's value by the expression's result, converted to
// the field's Go kind.
func (r *fieldRule) Run(ctx context.Context, rc *serde.RuleContext, m *serde.Message) (bool, error) {
	var root any
	if r.proto {
		var err error
		if root, err = m.Generic(); err != nil {
			return false, err
		}
	}
	vars := &fieldVars{}
	var tags []string
	if rc != nil && rc.Rule != nil {
		tags = rc.Rule.Tags
	}
	err := m.TransformFields(tags, func(f *serde.Field, value any) (any, error) {
		if !primitive(f.Type) {
			return value, nil
		}
		vars.reset(f, value)
		out, skipped, err := r.run(ctx, root, vars)
		if err != nil {
			return nil, fieldError(f, err)
		}
		if skipped {
			return value, nil
		}
		if r.kind == registry.RuleKindCondition {
			b, ok := out.(types.Bool)
			if !ok {
				return nil, fieldError(f, &exprError{expr: r.body.src, what: "evaluating", err: fmt.Errorf("a CONDITION must yield a bool; it yielded %s", out.Type().TypeName())})
			}
			if !b {
				return nil, errFalse
			}
			return value, nil
		}
		nv, err := fieldValue(string(f.Type), value, out)
		if err != nil {
			return nil, fieldError(f, &exprError{expr: r.body.src, what: "converting the result of", err: err})
		}
		return nv, nil
	})
	if errors.Is(err, errFalse) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// fieldError names the field an expression failed on.
func fieldError(f *serde.Field, err error) error {
	return fmt.Errorf("field %s: %w", f.FullName, err)
}

// fieldVars binds a CEL_FIELD rule's variables for one field; message is
// computed only when the expression reads it.
type fieldVars struct {
	f       *serde.Field
	value   any
	message any
	hasMsg  bool
}

func (v *fieldVars) reset(f *serde.Field, value any) {
	v.f, v.value, v.message, v.hasMsg = f, value, nil, false
}

// ResolveName implements interpreter.Activation.
func (v *fieldVars) ResolveName(name string) (any, bool) {
	switch name {
	case "value":
		return v.value, true
	case "name":
		return v.f.Name, true
	case "fullName":
		return v.f.FullName, true
	case "typeName":
		return string(v.f.Type), true
	case "tags":
		if v.f.Tags == nil {
			return []string{}, true
		}
		return v.f.Tags, true
	case "message":
		if !v.hasMsg {
			v.message, v.hasMsg = v.containing(), true
		}
		return v.message, true
	}
	return nil, false
}

func (v *fieldVars) containing() any {
	if v.f.Containing == nil {
		return types.NewErr("the format does not give the record holding field %s", v.f.FullName)
	}
	msg, err := v.f.Containing()
	if err != nil {
		return types.WrapErr(err)
	}
	return msg
}

// Parent implements interpreter.Activation.
func (*fieldVars) Parent() interpreter.Activation { return nil }
