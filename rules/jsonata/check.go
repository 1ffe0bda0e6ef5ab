package jsonata

import (
	"fmt"
	"regexp"

	"github.com/xiatechs/jsonata-go/jparse"
)

// The library rewrites quoted path steps and strips comments before
// parsing; check parses what it compiles (the same rewrite, kept in step
// with github.com/xiatechs/jsonata-go v1.8.8's Compile).
var (
	quotedPath      = regexp.MustCompile(`([A-Za-z\$\\*\` + "`" + `])\.[\"']([\s\S]+?)[\"']`)
	quotedPathStart = regexp.MustCompile(`^[\"']([ \.0-9A-Za-z]+?)[\"']\.([A-Za-z\$\*\"\'])`)
	comments        = regexp.MustCompile(`\/\*([\s\S]*?)\*\/`)
)

func preprocess(s string) string {
	if quotedPathStart.MatchString(s) {
		s = quotedPathStart.ReplaceAllString(s, "`$1`.$2")
	}
	for quotedPath.MatchString(s) {
		s = quotedPath.ReplaceAllString(s, "$1.`$2`")
	}
	for comments.MatchString(s) {
		s = comments.ReplaceAllString(s, "")
	}
	return s
}

// builtins are the library's functions; hofs those that call a function
// argument at index 1 ($map(array, fn), $reduce(array, fn, init), ...).
var (
	builtins = set("objmerge", "sjoin", "unescape", "dateTimeDim", "dateTimeDimLite", "timeSince",
		"objectsToDocument", "oneToManyJoin", "accumulatingSlice", "renameKeys", "string", "length", "substring",
		"substringBefore", "substringAfter", "uppercase", "lowercase", "pad", "trim", "contains", "split", "join",
		"match", "replace", "formatNumber", "formatBase", "decodeUrl", "decodeUrlComponent", "encodeUrl",
		"encodeUrlComponent", "number", "abs", "floor", "ceil", "round", "power", "sqrt", "random", "sum", "max",
		"min", "average", "boolean", "not", "exists", "distinct", "count", "reverse", "sort", "shuffle", "zip",
		"append", "map", "filter", "reduce", "single", "each", "sift", "keys", "lookup", "spread", "merge",
		"fromMillis", "toMillis", "type", "error", "now", "millis", "base64encode", "base64decode", "hash")
	hofs = set("map", "filter", "reduce", "single", "each", "sift", "sort")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkBounded refuses expressions whose evaluation depth the library
// cannot bound: the library has no recursion limit, and a recursive
// function overflows the goroutine stack, which ends the process. A sound
// syntactic rule makes recursion impossible: inside a function body,
//
//   - only built-in functions are called (directly, by partial
//     application or with ~>), and $eval nowhere;
//   - variables are the parameters of the enclosing functions, $ and $$,
//     and those assigned in the same body (no closure over variables that
//     could hold a function);
//   - the function argument of $map, $filter, $reduce, $single, $each,
//     $sift and $sort is a function literal;
//
// and no variable or parameter shadows a built-in function. Migrations
// (renames, restructuring) need none of this; a function that must recurse
// is refused with an error naming the rule.
func checkBounded(n jparse.Node) error {
	return (&checker{}).node(n, nil)
}

// scope is one function body: its parameters and the names assigned in it.
type scope struct {
	parent *scope
	params map[string]bool
	locals map[string]bool
}

func (s *scope) visible(name string) bool {
	if s.locals[name] {
		return true
	}
	for p := s; p != nil; p = p.parent {
		if p.params[name] {
			return true
		}
	}
	return false
}

type checker struct{ depth int }

// maxDepth bounds the syntax tree's nesting.
const maxDepth = 500

func (c *checker) node(n jparse.Node, s *scope) error {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDepth {
		return fmt.Errorf("the expression is nested more than %d levels deep", maxDepth)
	}
	switch x := n.(type) {
	case nil, *jparse.StringNode, *jparse.NumberNode, *jparse.BooleanNode, *jparse.NullNode, *jparse.RegexNode,
		*jparse.NameNode, *jparse.WildcardNode, *jparse.DescendentNode, *jparse.PlaceholderNode:
		return nil
	case *jparse.VariableNode:
		return c.variable(x.Name, s)
	case *jparse.PathNode:
		return c.nodes(x.Steps, s)
	case *jparse.NegationNode:
		return c.node(x.RHS, s)
	case *jparse.RangeNode:
		return c.nodes([]jparse.Node{x.LHS, x.RHS}, s)
	case *jparse.ArrayNode:
		return c.nodes(x.Items, s)
	case *jparse.ObjectNode:
		return c.pairs(x.Pairs, s)
	case *jparse.BlockNode:
		return c.nodes(x.Exprs, s)
	case *jparse.ObjectTransformationNode:
		return c.nodes([]jparse.Node{x.Pattern, x.Updates, x.Deletes}, s)
	case *jparse.LambdaNode:
		return c.lambda(x, s)
	case *jparse.TypedLambdaNode:
		return c.lambda(x.LambdaNode, s)
	case *jparse.PartialNode:
		return c.call(x.Func, x.Args, s)
	case *jparse.FunctionCallNode:
		return c.call(x.Func, x.Args, s)
	case *jparse.PredicateNode:
		return c.nodes(append([]jparse.Node{x.Expr}, x.Filters...), s)
	case *jparse.GroupNode:
		if err := c.node(x.Expr, s); err != nil {
			return err
		}
		if x.ObjectNode == nil {
			return nil
		}
		return c.pairs(x.Pairs, s)
	case *jparse.ConditionalNode:
		return c.nodes([]jparse.Node{x.If, x.Then, x.Else}, s)
	case *jparse.AssignmentNode:
		if builtins[x.Name] {
			return fmt.Errorf("$%s := ... shadows the built-in function $%s", x.Name, x.Name)
		}
		if s != nil {
			if s.locals == nil {
				s.locals = map[string]bool{}
			}
			s.locals[x.Name] = true
		}
		return c.node(x.Value, s)
	case *jparse.NumericOperatorNode:
		return c.nodes([]jparse.Node{x.LHS, x.RHS}, s)
	case *jparse.ComparisonOperatorNode:
		return c.nodes([]jparse.Node{x.LHS, x.RHS}, s)
	case *jparse.BooleanOperatorNode:
		return c.nodes([]jparse.Node{x.LHS, x.RHS}, s)
	case *jparse.StringConcatenationNode:
		return c.nodes([]jparse.Node{x.LHS, x.RHS}, s)
	case *jparse.SortNode:
		if err := c.node(x.Expr, s); err != nil {
			return err
		}
		for _, t := range x.Terms {
			if err := c.node(t.Expr, s); err != nil {
				return err
			}
		}
		return nil
	case *jparse.FunctionApplicationNode:
		if err := c.node(x.LHS, s); err != nil {
			return err
		}
		if s != nil {
			switch r := x.RHS.(type) {
			case *jparse.FunctionCallNode:
				if v, ok := r.Func.(*jparse.VariableNode); ok && hofs[v.Name] {
					return fmt.Errorf("inside a function, ~> does not apply $%s", v.Name)
				}
			case *jparse.PartialNode:
				if v, ok := r.Func.(*jparse.VariableNode); ok && hofs[v.Name] {
					return fmt.Errorf("inside a function, ~> does not apply $%s", v.Name)
				}
			case *jparse.VariableNode:
				if !builtins[r.Name] || hofs[r.Name] {
					return fmt.Errorf("inside a function, ~> applies built-in functions only")
				}
			default:
				return fmt.Errorf("inside a function, ~> applies built-in functions only")
			}
		}
		return c.node(x.RHS, s)
	}
	return fmt.Errorf("unsupported expression %T", n)
}

func (c *checker) nodes(ns []jparse.Node, s *scope) error {
	for _, n := range ns {
		if err := c.node(n, s); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) pairs(ps [][2]jparse.Node, s *scope) error {
	for _, p := range ps {
		if err := c.nodes(p[:], s); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) variable(name string, s *scope) error {
	if name == "eval" {
		return fmt.Errorf("$eval is not supported")
	}
	if s == nil || name == "" || name == "$" || builtins[name] || s.visible(name) {
		return nil
	}
	return fmt.Errorf("inside a function, $%s is neither a parameter, nor assigned in the function, nor a built-in function", name)
}

func (c *checker) lambda(l *jparse.LambdaNode, s *scope) error {
	inner := &scope{parent: s, params: map[string]bool{}}
	for _, p := range l.ParamNames {
		if builtins[p] {
			return fmt.Errorf("parameter $%s shadows the built-in function $%s", p, p)
		}
		inner.params[p] = true
	}
	return c.node(l.Body, inner)
}

func (c *checker) call(fn jparse.Node, args []jparse.Node, s *scope) error {
	v, isVar := fn.(*jparse.VariableNode)
	if isVar && v.Name == "eval" {
		return fmt.Errorf("$eval is not supported")
	}
	if s != nil {
		if !isVar || !builtins[v.Name] {
			return fmt.Errorf("inside a function, only built-in functions may be called (recursion is not supported)")
		}
		if hofs[v.Name] && len(args) > 1 {
			switch args[1].(type) {
			case *jparse.LambdaNode, *jparse.TypedLambdaNode, *jparse.PlaceholderNode:
			default:
				return fmt.Errorf("inside a function, the function argument of $%s must be a function literal", v.Name)
			}
		}
	}
	if err := c.node(fn, s); err != nil {
		return err
	}
	return c.nodes(args, s)
}
