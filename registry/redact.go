package registry

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// Redaction
//
// Errors and log lines never show a credential, in any encoding a server
// or proxy may echo it in: as it is, percent-encoded (any subset of its
// bytes, either hex case, "+" for a space, encoded twice), JSON- or
// Go-escaped (\", \/, \uXXXX), percent-encoded inside a JSON string, or
// base64 (of the secret, of "user:password", of the form-encoded
// "id:secret" an OAuth client sends in its Basic header). The redactor does
// not list encodings of a secret; it decodes the text in each of those
// ways, keeping for every decoded byte the span of text it came from, finds
// the secret (and its base64 forms) in the decoded text and cuts the spans
// out. Every error a call returns goes through it along its whole chain:
// the errors reached with errors.Unwrap or errors.As hold no credential
// either.

const redacted = "[redacted]"

// maxErrorText bounds the message of any error the client returns.
const maxErrorText = 4 * MaxErrorMessage

// redactor removes credentials from error messages.
type redactor struct {
	static []string // secrets known at construction (a URL's password)
	auth   authProvider
}

// secretList returns every string that must not show, with its base64
// forms.
func (r *redactor) secretList() []string {
	if r == nil {
		return nil
	}
	var raw []string
	raw = append(raw, r.static...)
	if r.auth != nil {
		raw = append(raw, r.auth.secrets()...)
	}
	out := make([]string, 0, 5*len(raw))
	for _, s := range raw {
		if s == "" || slices.Contains(out, s) {
			continue
		}
		out = append(out, s)
		out = appendBase64(out, s)
	}
	return out
}

// appendBase64 appends the four base64 forms of s.
func appendBase64(dst []string, s string) []string {
	b := []byte(s)
	return append(dst,
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b))
}

// basicSecrets lists what basic credentials user:pass must hide: the
// password and "user:pass" (whose base64 is the Authorization header),
// plain and form-encoded (as OAuth clients send client credentials).
func basicSecrets(user, pass string) []string {
	if pass == "" {
		return nil
	}
	return []string{pass, user + ":" + pass, url.QueryEscape(user) + ":" + url.QueryEscape(pass)}
}

// window is how far past a cut a secret's encoding may reach.
func window(secrets []string) int {
	n := 0
	for _, s := range secrets {
		n = max(n, len(s))
	}
	return 20*n + 16
}

// redactString returns s with every credential replaced by "[redacted]".
func (r *redactor) redactString(s string) string {
	return redactCut(s, r.secretList(), len(s))
}

// cut returns s redacted and cut to at most about n bytes (on a rune
// boundary, marked with "…"). A secret that starts before the cut is
// redacted whole, so no part of it shows.
func (r *redactor) cut(s string, n int) string {
	return redactCut(s, r.secretList(), n)
}

func redactCut(s string, secrets []string, n int) string {
	truncated := len(s) > n
	if truncated {
		if lim := n + window(secrets); len(s) > lim {
			s = s[:lim]
		}
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
	} else {
		n = len(s)
	}
	spans := findSecrets(s, secrets)
	if len(spans) == 0 && !truncated {
		return s
	}
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		if sp.from >= n {
			break
		}
		b.WriteString(s[pos:sp.from])
		b.WriteString(redacted)
		pos = sp.to
	}
	if pos < n {
		b.WriteString(s[pos:n])
	}
	if truncated {
		b.WriteString("…")
	}
	return b.String()
}

// span is a range [from, to) of the original text.
type span struct{ from, to int }

// view is one decoding of a text: dec[k] came from text[from[k]:to[k]].
type view struct {
	dec      []byte
	from, to []int
}

func identity(s string) *view {
	v := &view{dec: []byte(s), from: make([]int, len(s)), to: make([]int, len(s))}
	for i := range s {
		v.from[i], v.to[i] = i, i+1
	}
	return v
}

// emit appends decoded byte c, which came from v's bytes i..j-1.
func (w *view) emit(c byte, v *view, i, j int) {
	w.dec = append(w.dec, c)
	w.from = append(w.from, v.from[i])
	w.to = append(w.to, v.to[j-1])
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode decodes %XX (either case), and "+" as a space when form.
// It returns nil when there is nothing to decode.
func percentDecode(v *view, form bool) *view {
	if !bytes.ContainsAny(v.dec, "%+") {
		return nil
	}
	w := &view{}
	d := v.dec
	for i := 0; i < len(d); i++ {
		if d[i] == '%' && i+2 < len(d) {
			h, ok1 := unhex(d[i+1])
			l, ok2 := unhex(d[i+2])
			if ok1 && ok2 {
				w.emit(h<<4|l, v, i, i+3)
				i += 2
				continue
			}
		}
		if form && d[i] == '+' {
			w.emit(' ', v, i, i+1)
			continue
		}
		w.emit(d[i], v, i, i+1)
	}
	return w
}

// jsonDecode decodes JSON and Go string escapes (\" \\ \/ \b \f \n \r \t
// \uXXXX with surrogate pairs, \xXX). It returns nil when there is nothing
// to decode.
func jsonDecode(v *view) *view {
	if !bytes.ContainsRune(v.dec, '\\') {
		return nil
	}
	w := &view{}
	d := v.dec
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(d); i++ {
		if d[i] == '\\' {
			if out, end := unescape(d, i, buf[:0]); end > i {
				for _, c := range out {
					w.emit(c, v, i, end)
				}
				i = end - 1
				continue
			}
		}
		w.emit(d[i], v, i, i+1)
	}
	return w
}

// unescape decodes the escape at d[i] (a backslash) into buf and returns
// the bytes and the end of the escape, or end == i when it is none.
func unescape(d []byte, i int, buf []byte) ([]byte, int) {
	if i+1 >= len(d) {
		return nil, i
	}
	if c, ok := simpleEscape(d[i+1]); ok {
		return append(buf, c), i + 2
	}
	switch d[i+1] {
	case 'x':
		if r, ok := hexValue(d, i+2, 2); ok {
			return append(buf, byte(r)), i + 4
		}
	case 'u':
		r, ok := hexValue(d, i+2, 4)
		if !ok {
			return nil, i
		}
		end := i + 6
		if utf16.IsSurrogate(r) && end+1 < len(d) && d[end] == '\\' && d[end+1] == 'u' {
			if r2, ok := hexValue(d, end+2, 4); ok {
				if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
					r, end = c, end+6
				}
			}
		}
		return utf8.AppendRune(buf, r), end
	}
	return nil, i
}

// hexValue reads n hex digits at d[i:].
func hexValue(d []byte, i, n int) (rune, bool) {
	if i+n > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+n] {
		x, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(x)
	}
	return r, true
}

// findSecrets returns the sorted, merged spans of s that encode a secret.
func findSecrets(s string, secrets []string) []span {
	if len(secrets) == 0 || s == "" {
		return nil
	}
	base := identity(s)
	views := []*view{base}
	add := func(v *view) *view {
		if v != nil {
			views = append(views, v)
		}
		return v
	}
	p := add(percentDecode(base, false))
	add(percentDecode(base, true))
	if p != nil {
		add(percentDecode(p, false))
		add(percentDecode(p, true))
	}
	if j := add(jsonDecode(base)); j != nil {
		add(percentDecode(j, false))
		add(percentDecode(j, true))
	}
	var spans []span
	for _, v := range views {
		for _, sec := range secrets {
			needle := []byte(sec)
			for off := 0; ; {
				k := bytes.Index(v.dec[off:], needle)
				if k < 0 {
					break
				}
				k += off
				spans = append(spans, span{v.from[k], v.to[k+len(needle)-1]})
				off = k + 1
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.from <= last.to {
			last.to = max(last.to, sp.to)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// redact returns err with every credential removed from its message and
// from every error in its chain (see sanitize).
func (r *redactor) redact(err error) error {
	if err == nil {
		return nil
	}
	return r.sanitize(err, r.secretList(), 0)
}

// sanitize returns an error that reads like err without secrets, all along
// its chain. The client's own error types, *url.Error and
// *oauth2.RetrieveError are copied with their texts redacted, so that
// errors.As still finds them; an error of another type whose text or chain
// holds a secret becomes an opaque node that keeps errors.Is matches on
// itself (not errors.As) and unwraps to its sanitized chain.
func (r *redactor) sanitize(err error, secrets []string, depth int) error {
	if err == nil {
		return nil
	}
	if depth > 32 {
		return errors.New(redactCut(err.Error(), secrets, maxErrorText))
	}
	red := func(s string) string { return redactCut(s, secrets, maxErrorText) }
	next := func(e error) error { return r.sanitize(e, secrets, depth+1) }
	switch e := err.(type) {
	case ErrorCode, ClientError:
		return err
	case *Error:
		cp := *e
		cp.Message, cp.Path = redactCut(e.Message, secrets, MaxErrorMessage), red(e.Path)
		return &cp
	case *transportError:
		cp := *e
		cp.err, cp.path = next(e.err), red(e.path)
		return &cp
	case *decodeError:
		cp := *e
		cp.err, cp.path = next(e.err), red(e.path)
		return &cp
	case *authError:
		return &authError{err: next(e.err)}
	case *abortedError:
		return &abortedError{ctxErr: e.ctxErr, last: next(e.last), op: red(e.op)}
	case *url.Error:
		return &url.Error{Op: e.Op, URL: red(e.URL), Err: next(e.Err)}
	case *oauth2.RetrieveError:
		cp := &oauth2.RetrieveError{
			Body:             []byte(redactCut(string(e.Body), secrets, MaxErrorMessage)),
			ErrorCode:        red(e.ErrorCode),
			ErrorDescription: red(e.ErrorDescription),
			ErrorURI:         red(e.ErrorURI),
			Response:         &http.Response{},
		}
		if e.Response != nil {
			cp.Response.Status, cp.Response.StatusCode = red(e.Response.Status), e.Response.StatusCode
			cp.Response.Proto, cp.Response.ProtoMajor, cp.Response.ProtoMinor = e.Response.Proto, e.Response.ProtoMajor, e.Response.ProtoMinor
		}
		return cp
	}
	msg := err.Error()
	clean := redactCut(msg, secrets, maxErrorText)
	var kids []error
	same := clean == msg
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if k := u.Unwrap(); k != nil {
			sk := next(k)
			same = same && sk == k
			kids = []error{sk}
		}
	case interface{ Unwrap() []error }:
		for _, k := range u.Unwrap() {
			sk := next(k)
			same = same && sk == k
			kids = append(kids, sk)
		}
	}
	if same {
		return err
	}
	return &opaqueError{msg: clean, orig: err, kids: kids}
}

// opaqueError stands for an error whose text or chain held a credential:
// its message is redacted, it unwraps to its chain's sanitized errors, and
// errors.Is matches what the original matched on its own. errors.As cannot
// reach the original, which would hand out the credential.
type opaqueError struct {
	msg  string
	orig error
	kids []error
}

func (e *opaqueError) Error() string   { return e.msg }
func (e *opaqueError) Unwrap() []error { return e.kids }
func (e *opaqueError) Is(target error) bool {
	if target == nil {
		return false
	}
	if reflect.TypeOf(target).Comparable() && e.orig == target {
		return true
	}
	if x, ok := e.orig.(interface{ Is(error) bool }); ok {
		return x.Is(target)
	}
	return false
}

// simpleEscape decodes the one-letter escape \c.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/', '\'':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}
