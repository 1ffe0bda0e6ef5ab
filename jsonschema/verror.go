package jsonschema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// vfail is the failure the second pass over an invalid message finds: its
// message and the keyword and value paths, innermost segment first.
type vfail struct {
	kw   []string
	inst []string
	msg  string
}

// leaf records the failure of keyword kw (relative to the current schema)
// with msg, when the pass collects failures.
func (st *vstate) leaf(kw, msg string) {
	if !st.collect || st.f != nil {
		return
	}
	st.f = &vfail{msg: msg}
	if kw != "" {
		st.f.kw = append(st.f.kw, kw)
	}
}

// up adds the keyword (and index) through which the failing schema was
// reached.
func (st *vstate) up(kw string, idx int) {
	if !st.collect || st.f == nil {
		return
	}
	if idx >= 0 {
		kw += "/" + strconv.Itoa(idx)
	}
	st.f.kw = append(st.f.kw, kw)
}

// down adds the member (key token k) the failing value is in.
func (st *vstate) down(k uint32) {
	if st.collect && st.f != nil {
		st.f.inst = append(st.f.inst, escapePointer(string(st.t.strValue(k))))
	}
}

// downIndex adds the array index the failing value is at.
func (st *vstate) downIndex(m uint32) {
	if st.collect && st.f != nil {
		st.f.inst = append(st.f.inst, strconv.Itoa(int(m)))
	}
}

// failure returns the collected failure as a *ValidationError.
func (st *vstate) failure() *ValidationError {
	f := st.f
	if f == nil {
		f = &vfail{msg: "the value does not match the schema"}
	}
	return &ValidationError{Path: joinPointer(f.inst), Keyword: joinPointer(f.kw), Message: f.msg}
}

// joinPointer joins path segments given innermost first.
func joinPointer(segs []string) string {
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(segs[i])
	}
	return b.String()
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// quote quotes s in single quotes, as santhosh-tekuri/jsonschema's
// messages do.
func quote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, `\"`, `"`)
	q = strings.ReplaceAll(q, `'`, `\'`)
	return "'" + q[1:len(q)-1] + "'"
}

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// floatText prints a schema number as santhosh-tekuri/jsonschema did (as a
// float64, with %v).
func floatText(lit string) string {
	f, _ := strconv.ParseFloat(lit, 64)
	return fmt.Sprint(f)
}

// kindName names the JSON type of a token kind.
func kindName(kind uint8) string {
	switch kind {
	case tNull:
		return "null"
	case tTrue, tFalse:
		return "boolean"
	case tObject:
		return "object"
	case tArray:
		return "array"
	case tString:
		return "string"
	}
	return "number"
}

// goSyntax prints a primitive schema value as fmt's %#v printed the
// decoded value.
func goSyntax(v *jsontree.Value) string {
	switch v.Kind {
	case jsontree.Null:
		return "<nil>"
	case jsontree.Bool:
		return strconv.FormatBool(v.Bool)
	}
	return strconv.Quote(v.Str) // strings, and json.Number literals
}

// constMessage words a failed const.
func constMessage(n *vnode) string {
	switch n.constv.Kind {
	case jsontree.Object, jsontree.Array:
		return "const failed"
	}
	return "value must be " + goSyntax(n.constv)
}
