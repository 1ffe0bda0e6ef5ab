package cel

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/pb"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ErrExpression matches every error of a CEL expression: one that does
// not compile, one whose evaluation fails or exceeds its cost limit, one
// whose result has the wrong type.
var ErrExpression = errors.New("cel: expression failed")

// exprError is an expression's failure.
type exprError struct {
	expr string
	what string
	err  error
}

func (e *exprError) Error() string {
	return fmt.Sprintf("cel: %s %q: %v", e.what, shorten(e.expr), e.err)
}
func (e *exprError) Unwrap() error        { return e.err }
func (e *exprError) Is(target error) bool { return target == ErrExpression }

// shorten cuts an expression for an error message.
func shorten(s string) string {
	const n = 120
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// interruptEvery is how many comprehension iterations pass between checks
// of the evaluation's context.
const interruptEvery = 64

// engine compiles and caches the programs of one executor: one CEL
// environment with the executor's variables, and, for Protobuf messages,
// one per message type (whose files it registers).
type engine struct {
	cfg config
	// vars declares the variables; message is the type of "message".
	vars func(message *celgo.Type) []celgo.EnvOption

	dynOnce sync.Once
	dynEnv  *celgo.Env
	dynErr  error

	mu    sync.Mutex
	cache map[cacheKey]*list.Element
	order *list.List // of *cacheEntry, most recent first
}

// cacheKey identifies a program: its text, and for Protobuf the message
// type its environment knows (nil: the dynamic environment).
type cacheKey struct {
	expr string
	desc protoreflect.MessageDescriptor
}

type cacheEntry struct {
	key cacheKey
	ast *celgo.Ast
	prg celgo.Program
}

func newEngine(cfg config, vars func(*celgo.Type) []celgo.EnvOption) *engine {
	return &engine{cfg: cfg, vars: vars, cache: map[cacheKey]*list.Element{}, order: list.New()}
}

// newEnv returns an environment with CEL's standard library, the string
// and math extensions, Confluent's validators and the executor's
// variables; for a Protobuf message, its files are registered and
// "message" has its type when typed is set.
func (e *engine) newEnv(msg proto.Message, typed bool) (*celgo.Env, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	message := celgo.DynType
	if msg != nil {
		// The message's file and every file it imports, transitively:
		// field types declared elsewhere must resolve too.
		for _, fd := range pb.CollectFileDescriptorSet(msg) {
			if err := reg.RegisterDescriptor(fd); err != nil {
				return nil, err
			}
		}
		if typed {
			message = celgo.ObjectType(string(msg.ProtoReflect().Descriptor().FullName()))
		}
	}
	opts := []celgo.EnvOption{
		celgo.CustomTypeProvider(reg),
		celgo.CustomTypeAdapter(adapter{reg: reg}),
		celgo.CrossTypeNumericComparisons(true),
		celgo.ParserExpressionSizeLimit(e.cfg.maxSize),
		ext.Strings(ext.StringsValidateFormatCalls(true)),
		ext.Math(),
	}
	opts = append(opts, validators()...)
	opts = append(opts, e.vars(message)...)
	return celgo.NewEnv(opts...)
}

// env returns the environment for values of msg's type (nil: generic
// values).
func (e *engine) env(msg proto.Message, typed bool) (*celgo.Env, error) {
	if msg == nil {
		e.dynOnce.Do(func() { e.dynEnv, e.dynErr = e.newEnv(nil, false) })
		return e.dynEnv, e.dynErr
	}
	return e.newEnv(msg, typed)
}

// program returns the compiled program of src for values of msg's type
// (nil: generic values), from the cache or compiled now.
func (e *engine) program(src string, msg proto.Message, typed bool) (*cacheEntry, error) {
	key := cacheKey{expr: src}
	if msg != nil {
		key.desc = msg.ProtoReflect().Descriptor()
	}
	e.mu.Lock()
	if el, ok := e.cache[key]; ok {
		e.order.MoveToFront(el)
		e.mu.Unlock()
		return el.Value.(*cacheEntry), nil
	}
	e.mu.Unlock()

	ent, err := e.compile(src, msg, typed)
	if err != nil {
		return nil, err
	}
	ent.key = key
	e.mu.Lock()
	defer e.mu.Unlock()
	if el, ok := e.cache[key]; ok { // compiled meanwhile by another goroutine
		return el.Value.(*cacheEntry), nil
	}
	e.cache[key] = e.order.PushFront(ent)
	for e.order.Len() > e.cfg.cacheSize {
		last := e.order.Back()
		e.order.Remove(last)
		delete(e.cache, last.Value.(*cacheEntry).key)
	}
	return ent, nil
}

// compile parses, checks and plans src.
func (e *engine) compile(src string, msg proto.Message, typed bool) (ent *cacheEntry, err error) {
	defer func() {
		if r := recover(); r != nil {
			ent, err = nil, &exprError{expr: src, what: "compiling", err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	if n := utf8.RuneCountInString(src); n > e.cfg.maxSize {
		return nil, &exprError{expr: src, what: "compiling", err: fmt.Errorf("the expression has %d code points, more than the limit %d (cel.WithMaxExpressionSize)", n, e.cfg.maxSize)}
	}
	env, err := e.env(msg, typed)
	if err != nil {
		return nil, &exprError{expr: src, what: "preparing the environment of", err: err}
	}
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		return nil, &exprError{expr: src, what: "compiling", err: iss.Err()}
	}
	prg, err := env.Program(ast,
		celgo.EvalOptions(celgo.OptOptimize),
		celgo.CostLimit(e.cfg.costLimit),
		celgo.InterruptCheckFrequency(interruptEvery),
	)
	if err != nil {
		return nil, &exprError{expr: src, what: "compiling", err: err}
	}
	return &cacheEntry{ast: ast, prg: prg}, nil
}

// maxProtoTypes bounds how many Protobuf message types one expression
// keeps programs for without going through the executor's cache.
const maxProtoTypes = 16

// expr is one compiled expression (a rule's guard or body): its program
// for generic values, and those for the Protobuf message types met so far.
type expr struct {
	src    string
	eng    *engine
	typed  bool // "message" is declared with the Protobuf message's type
	dyn    *cacheEntry
	protos atomic.Pointer[map[protoreflect.MessageDescriptor]celgo.Program]
}

// compileExpr compiles src for generic values (which also checks its
// syntax for Protobuf values, compiled per message type when met).
func (e *engine) compileExpr(src string, typed bool) (*expr, error) {
	ent, err := e.program(src, nil, false)
	if err != nil {
		return nil, err
	}
	return &expr{src: src, eng: e, typed: typed, dyn: ent}, nil
}

// outputIs reports whether the expression's checked type can be t (its
// type is t or dynamic).
func (x *expr) outputIs(t *celgo.Type) bool {
	out := x.dyn.ast.OutputType()
	return out.IsExactType(celgo.DynType) || out.IsAssignableType(t)
}

// program returns the program for values shown through root: the
// Protobuf program of its message type when root is a proto.Message.
func (x *expr) program(root any) (celgo.Program, error) {
	msg, ok := root.(proto.Message)
	if !ok || msg == nil {
		return x.dyn.prg, nil
	}
	d := msg.ProtoReflect().Descriptor()
	m := x.protos.Load()
	if m != nil {
		if prg, ok := (*m)[d]; ok {
			return prg, nil
		}
	}
	ent, err := x.eng.program(x.src, msg, x.typed)
	if err != nil {
		return nil, err
	}
	for {
		old := x.protos.Load()
		if old != nil && len(*old) >= maxProtoTypes {
			break
		}
		next := map[protoreflect.MessageDescriptor]celgo.Program{d: ent.prg}
		if old != nil {
			for k, v := range *old {
				next[k] = v
			}
		}
		if x.protos.CompareAndSwap(old, &next) {
			break
		}
	}
	return ent.prg, nil
}

// eval runs prg on the variables of act, within ctx and the cost limit.
func (x *expr) eval(ctx context.Context, prg celgo.Program, act any) (out ref.Val, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &exprError{expr: x.src, what: "evaluating", err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	out, _, err = prg.ContextEval(ctx, act)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &exprError{expr: x.src, what: "evaluating", err: fmt.Errorf("%w (%w)", err, ctx.Err())}
		}
		return nil, &exprError{expr: x.src, what: "evaluating", err: err}
	}
	if e, ok := out.(*types.Err); ok {
		return nil, &exprError{expr: x.src, what: "evaluating", err: e}
	}
	return out, nil
}
