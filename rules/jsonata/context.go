package jsonata

import (
	"sync"

	"github.com/xiatechs/jsonata-go/jparse"
)

// contextForms gives, for each built-in function that can take the
// evaluation context as its first argument, the largest number of
// arguments with which it may do so (name.$uppercase(),
// $substring(0, 3) on a string context, ...).
var contextForms = map[string]int{
	"unescape": 0, "hashmd5": 0, "hash256": 0, "dateTimeDim": 0, "dateTimeDimLite": 0, "timeSince": 0,
	"string": 0, "length": 0, "uppercase": 0, "lowercase": 0, "trim": 0, "formatBase": 0, "base64encode": 0,
	"base64decode": 0, "decodeUrl": 0, "decodeUrlComponent": 0, "encodeUrl": 0, "encodeUrlComponent": 0,
	"number": 0, "abs": 0, "floor": 0, "ceil": 0, "round": 0, "sqrt": 0, "boolean": 0, "not": 0, "each": 0,
	"keys": 0, "lookup": 0, "spread": 0, "fromMillis": 0, "toMillis": 0, "type": 0,
	"contains": 1, "power": 1, "sift": 1, "substringBefore": 1, "substringAfter": 1,
	"substring": 2, "pad": 2, "split": 2, "match": 2, "formatNumber": 2,
	"replace": 3,
}

// usesContextFunctions reports whether the expression may call a built-in
// function in its context form. The library passes the context to such a
// call through state it keeps in the built-in function itself, shared by
// every expression and evaluation in the process: two such evaluations at
// once could read each other's context. Those expressions are evaluated
// one at a time (see evalGuard); the others, the usual migrations, run
// concurrently without a lock. The check over-approximates ($substring(s,
// 0) may be the context form when s is a number).
func usesContextFunctions(n jparse.Node) bool {
	found := false
	var visit func(n jparse.Node)
	visit = func(n jparse.Node) {
		if found || n == nil {
			return
		}
		switch x := n.(type) {
		case *jparse.FunctionCallNode:
			if v, ok := x.Func.(*jparse.VariableNode); ok {
				if max, ok := contextForms[v.Name]; ok && len(x.Args) <= max {
					found = true
					return
				}
			}
			visit(x.Func)
			for _, a := range x.Args {
				visit(a)
			}
		case *jparse.PartialNode:
			found = true // arguments are supplied later, in any number
		case *jparse.VariableNode:
			if _, ok := contextForms[x.Name]; ok {
				found = true // a built-in passed as a value is called with any arguments
			}
		case *jparse.PathNode:
			for _, s := range x.Steps {
				visit(s)
			}
		case *jparse.NegationNode:
			visit(x.RHS)
		case *jparse.RangeNode:
			visit(x.LHS)
			visit(x.RHS)
		case *jparse.ArrayNode:
			for _, s := range x.Items {
				visit(s)
			}
		case *jparse.ObjectNode:
			for _, p := range x.Pairs {
				visit(p[0])
				visit(p[1])
			}
		case *jparse.BlockNode:
			for _, s := range x.Exprs {
				visit(s)
			}
		case *jparse.ObjectTransformationNode:
			visit(x.Pattern)
			visit(x.Updates)
			visit(x.Deletes)
		case *jparse.LambdaNode:
			visit(x.Body)
		case *jparse.TypedLambdaNode:
			visit(x.Body)
		case *jparse.PredicateNode:
			visit(x.Expr)
			for _, s := range x.Filters {
				visit(s)
			}
		case *jparse.GroupNode:
			visit(x.Expr)
			if x.ObjectNode != nil {
				visit(x.ObjectNode)
			}
		case *jparse.ConditionalNode:
			visit(x.If)
			visit(x.Then)
			visit(x.Else)
		case *jparse.AssignmentNode:
			visit(x.Value)
		case *jparse.NumericOperatorNode:
			visit(x.LHS)
			visit(x.RHS)
		case *jparse.ComparisonOperatorNode:
			visit(x.LHS)
			visit(x.RHS)
		case *jparse.BooleanOperatorNode:
			visit(x.LHS)
			visit(x.RHS)
		case *jparse.StringConcatenationNode:
			visit(x.LHS)
			visit(x.RHS)
		case *jparse.SortNode:
			visit(x.Expr)
			for _, t := range x.Terms {
				visit(t.Expr)
			}
		case *jparse.FunctionApplicationNode:
			visit(x.LHS)
			visit(x.RHS)
		}
	}
	visit(n)
	return found
}

// evalGuard orders evaluations around the library's process-wide built-in
// functions (see usesContextFunctions): expressions that may use a context
// form hold it exclusively, the others share it. It guards the library's
// own global state, which is why it is global too.
var evalGuard sync.RWMutex
