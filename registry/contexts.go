package registry

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Schema contexts
//
// A schema context is a namespace of subjects and schema IDs inside one
// registry. A subject names its context with the qualified form
// ":.ctx:subject"; an unqualified subject lives in the default context ".".
// The registry also accepts the path prefix "/contexts/.ctx" in front of
// any subject, schema, config or mode path: it then qualifies the
// unqualified subjects of the request (path segments after /subjects,
// /config and /mode, and the "subject" and "subjectPrefix" query
// parameters) with that context. [DefaultContext] and [InContext] use that
// prefix, so plain subjects work in any context, while qualified subjects
// are sent as they are and keep their own context.

// ContextID is one (context, schema ID) pair a GUID resolves to
// (GET /schemas/guids/{guid}/ids).
type ContextID struct {
	Context string `json:"context"`
	ID      int    `json:"id"`
}

// normalizeContext turns "staging", ".staging" or ":.staging:" into
// ".staging", and "", "." or ":.:" into "" (the default context).
func normalizeContext(name string) string {
	name = strings.TrimPrefix(name, ":")
	name = strings.TrimSuffix(name, ":")
	if name == "" || name == "." {
		return ""
	}
	if !strings.HasPrefix(name, ".") {
		name = "." + name
	}
	return name
}

// splitQualified splits a qualified subject ":.ctx:subject" into its
// context (".ctx", or "" for the default context) and subject, without
// allocating. ok is false for unqualified subjects.
func splitQualified(s string) (ctxName, subject string, ok bool) {
	if !strings.HasPrefix(s, ":.") {
		return "", s, false
	}
	rest := s[1:]
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		ctxName, subject = rest, ""
	} else {
		ctxName, subject = rest[:i], rest[i+1:]
	}
	if ctxName == "." {
		ctxName = ""
	}
	return ctxName, subject, true
}

// QualifySubject returns subject qualified with the schema context
// ctxName (":.ctx:subject"). A subject that is already qualified, or the
// default context, leaves subject as it is.
func QualifySubject(ctxName, subject string) string {
	if _, _, ok := splitQualified(subject); ok {
		return subject
	}
	n := normalizeContext(ctxName)
	if n == "" {
		return subject
	}
	return ":" + n + ":" + subject
}

// SplitSubject splits a subject into its schema context (".ctx", or "" for
// the default context) and its unqualified name.
func SplitSubject(subject string) (ctxName, name string) {
	c, s, _ := splitQualified(subject)
	return c, s
}

// canonicalSubject is the subject's identity across spellings: the
// qualified form, or the bare subject in the default context. ctxName is
// the context the request ran in.
func canonicalSubject(ctxName, subject string) string {
	if c, s, ok := splitQualified(subject); ok {
		if c == "" {
			return s
		}
		return ":" + c + ":" + s
	}
	if ctxName == "" {
		return subject
	}
	return ":" + ctxName + ":" + subject
}

// contextPrefixFor returns the "/contexts/{ctx}" path prefix for a
// normalized context name.
func contextPrefixFor(name string) string {
	if name == "" {
		return ""
	}
	return "/contexts/" + url.PathEscape(name)
}

// callContext returns the normalized context of a call.
func (c *Client) callContext(p *params) string {
	if p.hasContext {
		return p.context
	}
	return c.context
}

// contextPrefix returns the "/contexts/{ctx}" path prefix for the call.
func (c *Client) contextPrefix(p *params) string {
	if p.hasContext {
		return contextPrefixFor(p.context)
	}
	return c.ctxPrefix
}

// Contexts lists the registry's schema contexts (GET /contexts), such as
// ".", ".staging". Honours [ContextPrefix] and [Page].
func (c *Client) Contexts(ctx context.Context, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.do(ctx, http.MethodGet, "/contexts", p.query(nil), nil, &out)
	return out, err
}

// DeleteContext deletes the empty schema context name (DELETE
// /contexts/{ctx}). The registry refuses with [ErrContextNotEmpty] while
// the context has subjects. It drops what the client cached for the context.
func (c *Client) DeleteContext(ctx context.Context, name string) error {
	n := normalizeContext(name)
	if n == "" {
		n = "."
	}
	err := c.do(ctx, http.MethodDelete, "/contexts/"+url.PathEscape(n), nil, nil, nil)
	if err == nil {
		c.invalidateContext(normalizeContext(name))
	}
	return err
}
