// Package hookset sorts the hooks a package's WithHooks was given into one
// slice per Hook* interface, the way franz-go's kgo does, so that an event
// site ranges over exactly the hooks that want its event.
package hookset

// Add appends h to *dst when h implements H, and reports whether it did.
// A package's sorting calls it once per interface and refuses a hook for
// which every call reported false (it would be silently ignored).
func Add[H any](dst *[]H, h any) bool {
	x, ok := h.(H)
	if ok {
		*dst = append(*dst, x)
	}
	return ok
}
