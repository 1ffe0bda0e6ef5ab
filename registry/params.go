package registry

import (
	"net/url"
	"strconv"
)

// Param is an optional query parameter or setting for one call. Each method
// documents the params it honours and ignores the others.
type Param func(*params)

type params struct {
	normalize       bool
	deleted         bool
	deletedOnly     bool
	format          string
	subject         string
	subjectPrefix   string
	verbose         bool
	force           bool
	defaultToGlobal bool
	context         string
	hasContext      bool
	offset, limit   int
}

func collect(ps []Param) params {
	var p params
	for _, f := range ps {
		if f != nil {
			f(&p)
		}
	}
	return p
}

// Normalize asks the registry to normalize the schema (register, lookup,
// compatibility checks).
func Normalize() Param { return func(p *params) { p.normalize = true } }

// Deleted includes soft-deleted subjects, versions or schemas.
func Deleted() Param { return func(p *params) { p.deleted = true } }

// DeletedOnly lists only soft-deleted subjects or versions.
func DeletedOnly() Param { return func(p *params) { p.deletedOnly = true } }

// Format asks the registry for a server-side schema format, such as
// "serialized" (a base64 FileDescriptorProto for Protobuf) or "resolved".
func Format(f string) Param { return func(p *params) { p.format = f } }

// SubjectHint tells a schema-by-ID lookup which subject the ID is expected
// under (query parameter "subject"); the registry uses it to find the ID in
// the right context.
func SubjectHint(subject string) Param { return func(p *params) { p.subject = subject } }

// SubjectPrefix restricts listed subjects to those starting with prefix.
func SubjectPrefix(prefix string) Param { return func(p *params) { p.subjectPrefix = prefix } }

// Verbose asks a compatibility check for messages explaining the result.
func Verbose() Param { return func(p *params) { p.verbose = true } }

// Force sets a mode even when the registry would refuse (e.g. IMPORT on a
// non-empty subject).
func Force() Param { return func(p *params) { p.force = true } }

// DefaultToGlobal makes a subject's config or mode fall back to the global one.
func DefaultToGlobal() Param { return func(p *params) { p.defaultToGlobal = true } }

// Page limits a listing to limit entries starting at offset.
func Page(offset, limit int) Param { return func(p *params) { p.offset, p.limit = offset, limit } }

// InContext runs the call in the schema context name (without the leading
// dot or colons), overriding the client's default context. An empty name
// means the default context.
func InContext(name string) Param {
	return func(p *params) { p.context, p.hasContext = name, true }
}

// query renders the params a request carries in its query string.
func (p *params) query(q url.Values) url.Values {
	add := func(k, v string) {
		if q == nil {
			q = url.Values{}
		}
		q.Set(k, v)
	}
	if p.normalize {
		add("normalize", "true")
	}
	if p.deleted {
		add("deleted", "true")
	}
	if p.deletedOnly {
		add("deletedOnly", "true")
	}
	if p.format != "" {
		add("format", p.format)
	}
	if p.subject != "" {
		add("subject", p.subject)
	}
	if p.subjectPrefix != "" {
		add("subjectPrefix", p.subjectPrefix)
	}
	if p.verbose {
		add("verbose", "true")
	}
	if p.force {
		add("force", "true")
	}
	if p.defaultToGlobal {
		add("defaultToGlobal", "true")
	}
	if p.limit > 0 {
		add("offset", strconv.Itoa(p.offset))
		add("limit", strconv.Itoa(p.limit))
	}
	return q
}
