package registry

import (
	"net/url"
	"strconv"
)

// Param is an optional query parameter or setting for one call. Each method
// documents the params it honours and ignores the others.
//
// Params are plain values: build the ones a hot path needs once (for
// example `hint := registry.SubjectHint("orders-value")`) and pass them on
// every call; a warm cached lookup with prebuilt params allocates nothing.
type Param func(params) params

type params struct {
	normalize       bool
	deleted         bool
	deletedOnly     bool
	latestOnly      bool
	verbose         bool
	force           bool
	defaultToGlobal bool
	hasContext      bool
	format          string
	subject         string
	subjectPrefix   string
	contextPrefix   string
	context         string // normalized: "" (default context) or ".name"
	offset, limit   int
	explicitID      int
	explicitVersion int
}

// collect applies ps in order. Params are passed by value so that the
// result stays on the caller's stack.
func collect(ps []Param) params {
	var p params
	for _, f := range ps {
		if f != nil {
			p = f(p)
		}
	}
	return p
}

// Normalize asks the registry to normalize the schema (register, lookup,
// compatibility checks).
func Normalize() Param { return func(p params) params { p.normalize = true; return p } }

// Deleted includes soft-deleted subjects, versions or schemas.
func Deleted() Param { return func(p params) params { p.deleted = true; return p } }

// DeletedOnly lists only soft-deleted subjects or versions.
func DeletedOnly() Param { return func(p params) params { p.deletedOnly = true; return p } }

// LatestOnly makes [Client.Schemas] list only the latest version of each
// subject.
func LatestOnly() Param { return func(p params) params { p.latestOnly = true; return p } }

// OutputFormat asks the registry to answer schemas in a server-side output
// format (query parameter "format"), such as "serialized" (a base64
// FileDescriptorProto for Protobuf) or "resolved". Results fetched with
// different formats are cached apart.
func OutputFormat(name string) Param { return func(p params) params { p.format = name; return p } }

// SubjectHint tells a schema-by-ID lookup which subject the ID is expected
// under (query parameter "subject"); the registry uses it to find the ID in
// the right context, so a qualified hint (":.ctx:subject") selects that
// context.
func SubjectHint(subject string) Param {
	return func(p params) params { p.subject = subject; return p }
}

// SubjectPrefix restricts listed subjects or schemas to those whose subject
// starts with prefix.
func SubjectPrefix(prefix string) Param {
	return func(p params) params { p.subjectPrefix = prefix; return p }
}

// ContextPrefix restricts [Client.Contexts] to contexts whose name starts
// with prefix (such as ".team-").
func ContextPrefix(prefix string) Param {
	return func(p params) params { p.contextPrefix = prefix; return p }
}

// ExplicitID makes [Client.Register] ask for the given schema ID and
// version (0 lets the registry choose the version), as schema migration
// tools do with a subject or registry in IMPORT mode. Such registrations
// are not cached.
func ExplicitID(id, version int) Param {
	return func(p params) params { p.explicitID, p.explicitVersion = id, version; return p }
}

// Verbose asks a compatibility check for messages explaining the result.
func Verbose() Param { return func(p params) params { p.verbose = true; return p } }

// Force sets a mode even when the registry would refuse (e.g. IMPORT on a
// non-empty subject).
func Force() Param { return func(p params) params { p.force = true; return p } }

// DefaultToGlobal makes a subject's config or mode fall back to the global one.
func DefaultToGlobal() Param { return func(p params) params { p.defaultToGlobal = true; return p } }

// Page limits a listing to limit entries starting at offset.
func Page(offset, limit int) Param {
	return func(p params) params { p.offset, p.limit = offset, limit; return p }
}

// InContext runs the call in the schema context name, overriding the
// client's default context (see [DefaultContext]). The name may be given
// as "staging", ".staging" or ":.staging:"; "" and "." mean the default
// context. The call's paths get the prefix "/contexts/.staging", so
// unqualified subjects are taken to live in that context; subjects that
// are already qualified (":.other:subject") keep their own context.
func InContext(name string) Param {
	n := normalizeContext(name)
	return func(p params) params { p.context, p.hasContext = n, true; return p }
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
	if p.latestOnly {
		add("latestOnly", "true")
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
	if p.contextPrefix != "" {
		add("contextPrefix", p.contextPrefix)
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
