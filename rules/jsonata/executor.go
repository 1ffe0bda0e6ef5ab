package jsonata

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jparse"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// TypeJSONata is the rule type of [Executor].
const TypeJSONata = "JSONATA"

// Defaults and rule parameters of the executor.
const (
	// DefaultTimeout bounds one evaluation, as Confluent's Java executor
	// does by default. A rule's jsonata.timeout.ms parameter (or the
	// schema's metadata property) sets it per rule.
	DefaultTimeout = 60 * time.Second
	// DefaultCacheSize is how many compiled expressions an executor keeps.
	DefaultCacheSize = 100
	// DefaultMaxExpressionSize is the longest expression, in bytes, the
	// executor compiles.
	DefaultMaxExpressionSize = 16 << 10
	// ParamTimeoutMs is the rule parameter that sets a rule's evaluation
	// timeout in milliseconds (Confluent's jsonata.timeout.ms).
	ParamTimeoutMs = "jsonata.timeout.ms"
)

// ErrExpression matches every error of a JSONata expression: one that does
// not compile or is refused (see [Executor]), one whose evaluation fails or
// times out, one whose result is not JSON.
var ErrExpression = errors.New("jsonata: expression failed")

type exprError struct {
	expr string
	what string
	err  error
}

func (e *exprError) Error() string {
	return fmt.Sprintf("jsonata: %s %q: %v", e.what, shorten(e.expr), e.err)
}
func (e *exprError) Unwrap() error        { return e.err }
func (e *exprError) Is(target error) bool { return target == ErrExpression }

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

// An Option configures the executor.
type Option func(*Executor)

// WithTimeout sets the default evaluation timeout (default
// [DefaultTimeout]); a rule's jsonata.timeout.ms parameter overrides it.
func WithTimeout(d time.Duration) Option { return func(e *Executor) { e.timeout = d } }

// WithCacheSize sets how many compiled expressions the executor keeps
// (default [DefaultCacheSize]).
func WithCacheSize(n int) Option { return func(e *Executor) { e.cacheSize = n } }

// WithMaxExpressionSize sets the longest expression, in bytes, the
// executor compiles (default [DefaultMaxExpressionSize]).
func WithMaxExpressionSize(n int) Option { return func(e *Executor) { e.maxSize = n } }

// Executor runs JSONATA rules: usually UPGRADE and DOWNGRADE migration
// rules, which rewrite the message's JSON form from one version of a
// subject to the next; a CONDITION rule's result is its truth value. It
// runs github.com/xiatechs/jsonata-go, the engine of Confluent's Go client.
// Create it with [NewExecutor]; it is safe for concurrent use.
//
// Two things the engine does not bound are refused or bounded here: an
// expression whose functions could recurse (the engine has no depth
// limit, and a stack overflow ends the process) is refused at compile
// time, see the rule on checkBounded in the source; an evaluation that
// runs past its timeout fails the rule (the engine cannot be interrupted:
// its goroutine finishes in the background).
type Executor struct {
	timeout   time.Duration
	cacheSize int
	maxSize   int

	mu    sync.Mutex
	cache map[string]*list.Element
	order *list.List // of *compiled, most recent first
}

// NewExecutor returns a JSONATA executor.
func NewExecutor(opts ...Option) *Executor {
	e := &Executor{timeout: DefaultTimeout, cacheSize: DefaultCacheSize, maxSize: DefaultMaxExpressionSize,
		cache: map[string]*list.Element{}, order: list.New()}
	for _, o := range opts {
		if o != nil {
			o(e)
		}
	}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if e.cacheSize <= 0 {
		e.cacheSize = DefaultCacheSize
	}
	if e.maxSize <= 0 {
		e.maxSize = DefaultMaxExpressionSize
	}
	return e
}

// Type returns "JSONATA".
func (*Executor) Type() string { return TypeJSONata }

// compiled is one compiled expression, shared by the rules that use it.
type compiled struct {
	src    string
	expr   *jsonata.Expr
	shared bool // may call a built-in in its context form (see usesContextFunctions)
	// overdue counts evaluations that ran past their timeout and still
	// run: while one does, the expression fails at once instead of
	// starting another, so that a hostile expression holds at most one
	// goroutine.
	overdue atomic.Int32
}

// Compile compiles rule's expression once (cached by text).
func (e *Executor) Compile(_ context.Context, rule *registry.Rule, schema *serde.ResolvedSchema) (serde.CompiledRule, error) {
	switch rule.Kind {
	case registry.RuleKindCondition, registry.RuleKindTransform:
	default:
		return nil, fmt.Errorf("%w: rule %q has kind %q; a JSONATA rule is a CONDITION or a TRANSFORM", ErrExpression, rule.Name, rule.Kind)
	}
	timeout := e.timeout
	if v, ok := serde.RuleParam(rule, schema, ParamTimeoutMs); ok {
		ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || ms <= 0 {
			return nil, fmt.Errorf("%w: rule %q: %s %q is not a positive number of milliseconds", ErrExpression, rule.Name, ParamTimeoutMs, v)
		}
		timeout = time.Duration(min(ms, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond
	}
	c, err := e.compiled(rule.Expr)
	if err != nil {
		return nil, err
	}
	return &jsonataRule{c: c, kind: rule.Kind, timeout: timeout}, nil
}

// compiled returns the compiled form of src, from the cache or now.
func (e *Executor) compiled(src string) (*compiled, error) {
	e.mu.Lock()
	if el, ok := e.cache[src]; ok {
		e.order.MoveToFront(el)
		e.mu.Unlock()
		return el.Value.(*compiled), nil
	}
	e.mu.Unlock()
	c, err := compile(src, e.maxSize)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if el, ok := e.cache[src]; ok {
		return el.Value.(*compiled), nil
	}
	e.cache[src] = e.order.PushFront(c)
	for e.order.Len() > e.cacheSize {
		last := e.order.Back()
		e.order.Remove(last)
		delete(e.cache, last.Value.(*compiled).src)
	}
	return c, nil
}

func compile(src string, maxSize int) (c *compiled, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, &exprError{expr: src, what: "compiling", err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	if strings.TrimSpace(src) == "" {
		return nil, &exprError{expr: src, what: "compiling", err: errors.New("the expression is empty")}
	}
	if len(src) > maxSize {
		return nil, &exprError{expr: src, what: "compiling", err: fmt.Errorf("the expression has %d bytes, more than the limit %d (jsonata.WithMaxExpressionSize)", len(src), maxSize)}
	}
	node, err := jparse.Parse(preprocess(src))
	if err != nil {
		return nil, &exprError{expr: src, what: "compiling", err: err}
	}
	if err := checkBounded(node); err != nil {
		return nil, &exprError{expr: src, what: "compiling", err: err}
	}
	x, err := jsonata.Compile(src)
	if err != nil {
		return nil, &exprError{expr: src, what: "compiling", err: err}
	}
	return &compiled{src: src, expr: x, shared: usesContextFunctions(node)}, nil
}

// jsonataRule is a compiled JSONATA rule.
type jsonataRule struct {
	c       *compiled
	kind    registry.RuleKind
	timeout time.Duration
}

// Run evaluates the expression on the message's JSON form (migrations) or
// generic form: a TRANSFORM replaces the message by the result (an
// undefined result leaves it), a CONDITION reports the result's truth.
func (r *jsonataRule) Run(ctx context.Context, _ *serde.RuleContext, m *serde.Message) (bool, error) {
	g, err := m.Generic()
	if err != nil {
		return false, err
	}
	in, err := toInput(g, 0)
	if err != nil {
		return false, &exprError{expr: r.c.src, what: "preparing the input of", err: err}
	}
	out, undefined, err := r.eval(ctx, in)
	if err != nil {
		return false, err
	}
	if r.kind == registry.RuleKindCondition {
		return truth(out, undefined), nil
	}
	if undefined {
		return true, nil
	}
	j, err := toJSON(out, 0)
	if err != nil {
		return false, &exprError{expr: r.c.src, what: "converting the result of", err: err}
	}
	if err := m.Replace(j); err != nil {
		return false, fmt.Errorf("jsonata: the result of %q: %w", shorten(r.c.src), err)
	}
	return true, nil
}

// truth is a CONDITION's result as Confluent's Java executor reads it: an
// undefined or null result holds, a boolean is itself, a number holds
// unless 0, a string unless "false".
func truth(v any, undefined bool) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case int:
		return x != 0
	case string:
		return strings.TrimSpace(x) != "false"
	}
	_ = undefined
	return true
}

type result struct {
	v   any
	err error
}

// eval evaluates the expression in its own goroutine, so that an
// evaluation past the rule's timeout or the context's end fails the rule
// instead of holding the caller.
func (r *jsonataRule) eval(ctx context.Context, in any) (any, bool, error) {
	if r.c.overdue.Load() > 0 {
		return nil, false, &exprError{expr: r.c.src, what: "evaluating", err: errors.New("an earlier evaluation is still running past its timeout")}
	}
	done := make(chan result, 1)
	var state atomic.Int32 // running, then finished or abandoned, whichever comes first
	go func() {
		defer func() {
			if !state.CompareAndSwap(evalRunning, evalFinished) {
				r.c.overdue.Add(-1) // abandoned by the caller: no longer overdue
			}
		}()
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("internal error: %v", p)}
			}
		}()
		if r.c.shared {
			evalGuard.Lock()
			defer evalGuard.Unlock()
		} else {
			evalGuard.RLock()
			defer evalGuard.RUnlock()
		}
		v, err := r.c.expr.Eval(in)
		done <- result{v: v, err: err}
	}()
	timer := time.NewTimer(r.timeout)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		if state.CompareAndSwap(evalRunning, evalAbandoned) {
			r.c.overdue.Add(1)
			return nil, false, &exprError{expr: r.c.src, what: "evaluating", err: fmt.Errorf("no result within %v (%s)", r.timeout, ParamTimeoutMs)}
		}
		res = <-done
	case <-ctx.Done():
		if state.CompareAndSwap(evalRunning, evalAbandoned) {
			r.c.overdue.Add(1)
			return nil, false, &exprError{expr: r.c.src, what: "evaluating", err: ctx.Err()}
		}
		res = <-done
	}
	if errors.Is(res.err, jsonata.ErrUndefined) {
		return nil, true, nil
	}
	if res.err != nil {
		return nil, false, &exprError{expr: r.c.src, what: "evaluating", err: res.err}
	}
	return res.v, false, nil
}

// States of one evaluation.
const (
	evalRunning int32 = iota
	evalFinished
	evalAbandoned
)

// maxJSONDepth bounds the nesting of inputs and results.
const maxJSONDepth = 512

// toInput copies the message's JSON form for the engine: json.Number
// values become float64 (the engine's numbers) when that keeps their
// value, and stay json.Number (moved as they are) otherwise.
func toInput(v any, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("the message is nested more than %d levels deep", maxJSONDepth)
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := toInput(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := toInput(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x, nil
		}
		if i, err := x.Int64(); err == nil && (i > 1<<53 || i < -(1<<53)) {
			return x, nil
		}
		return f, nil
	case nil, string, bool, float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return intInput(int64(x)), nil
	case int8:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return intInput(x), nil
	case uint8:
		return float64(x), nil
	case uint16:
		return float64(x), nil
	case uint32:
		return float64(x), nil
	case uint64:
		if x > 1<<53 {
			return json.Number(strconv.FormatUint(x, 10)), nil
		}
		return float64(x), nil
	}
	// Other values of a generic form (bytes, times, decimals) as
	// encoding/json writes them.
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("the message holds a %T, which has no JSON form: %w", v, err)
	}
	var j any
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, err
	}
	return toInput(j, depth+1)
}

// intInput is an integer for the engine: a float64 when exact, else a
// json.Number.
func intInput(i int64) any {
	if i > 1<<53 || i < -(1<<53) {
		return json.Number(strconv.FormatInt(i, 10))
	}
	return float64(i)
}

// toJSON returns the engine's result as JSON values (map[string]any,
// []any, float64, string, bool, nil, json.Number).
func toJSON(v any, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("the result is nested more than %d levels deep", maxJSONDepth)
	}
	switch x := v.(type) {
	case nil, string, bool, float64, json.Number:
		return x, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := toJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := toJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("the result (%T) is not JSON: %w", v, err)
	}
	var j any
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, err
	}
	return j, nil
}
