package registry

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// A secret with every character encoders treat specially.
const trickySecret = `Pa+ss/w=rd?# &"\é~`

// encodings returns the forms a server may echo secret in.
func encodings(user, secret string) map[string]string {
	q := url.QueryEscape(secret)
	js, _ := json.Marshal(secret)
	jsq, _ := json.Marshal("client_secret=" + q)
	var uesc, half strings.Builder
	for i, r := range secret {
		fmt.Fprintf(&uesc, `\u%04x`, r)
		if i%2 == 0 {
			for _, b := range []byte(string(r)) {
				fmt.Fprintf(&half, "%%%02x", b)
			}
		} else {
			half.WriteRune(r)
		}
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return map[string]string{
		"raw":              secret,
		"query":            q,
		"query lower hex":  lowerHex(q),
		"path":             url.PathEscape(secret),
		"query twice":      url.QueryEscape(q),
		"half escaped":     half.String(),
		"json":             string(js[1 : len(js)-1]),
		"json of query":    string(jsq),
		"json unicode":     uesc.String(),
		"go quoted":        strconv.Quote(secret),
		"go quoted query":  strconv.Quote("client_secret=" + q),
		"base64":           b64(secret),
		"base64 user:pass": b64(user + ":" + secret),
		"base64 form":      b64(url.QueryEscape(user) + ":" + url.QueryEscape(secret)),
		"base64 url":       base64.RawURLEncoding.EncodeToString([]byte(user + ":" + secret)),
		"base64 query":     url.QueryEscape(b64(user + ":" + secret)),
		"base64 json":      strings.ReplaceAll(b64(user+":"+secret), "/", `\/`),
	}
}

// leakIn returns a description of the first form of secret found in s.
func leakIn(s, user, secret string) string {
	for name, enc := range encodings(user, secret) {
		if strings.Contains(s, enc) {
			return name + " form " + strconv.Quote(enc)
		}
	}
	return ""
}

func TestRedactEveryEncoding(t *testing.T) {
	r := &redactor{auth: basicAuthProvider("key", trickySecret)}
	for name, enc := range encodings("key", trickySecret) {
		in := "before " + enc + " after"
		got := r.redactString(in)
		if leak := leakIn(got, "key", trickySecret); leak != "" {
			t.Errorf("%s: %q still holds the %s", name, got, leak)
		}
		if !strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after") || !strings.Contains(got, redacted) {
			t.Errorf("%s: %q: redacted too much or nothing", name, got)
		}
	}
	if got := r.redactString("nothing to hide %41 \\u0041"); got != "nothing to hide %41 \\u0041" {
		t.Errorf("clean text changed: %q", got)
	}
}

// A secret that starts just before a cut is redacted whole: no prefix of it
// shows.
func TestRedactBeforeCut(t *testing.T) {
	const secret = "abcdefghijklmnop"
	r := &redactor{static: []string{secret}}
	for _, enc := range []string{secret, url.QueryEscape(secret), `\u0061\u0062\u0063\u0064\u0065\u0066\u0067\u0068\u0069\u006a\u006b\u006c\u006d\u006e\u006f\u0070`} {
		for pad := 90; pad < 100; pad++ {
			got := r.cut(strings.Repeat("x", pad)+enc+strings.Repeat("y", 500), 100)
			if strings.Contains(got, "abcd") || strings.Contains(got, `\u0061\u0062`) {
				t.Fatalf("pad %d: prefix of the secret shows: %q", pad, got)
			}
			if len(got) > 100+len(redacted)+len("…") {
				t.Fatalf("pad %d: not cut: %d bytes", pad, len(got))
			}
		}
	}
}

// TestOAuthSecretEchoedByTokenEndpoint: a token endpoint that echoes the
// request (the form body with client_secret=…%2B…%2F…, the Basic header, a
// JSON-escaped copy) leaks no form of the secret through any error of the
// chain, and the *oauth2.RetrieveError stays reachable with errors.As.
func TestOAuthSecretEchoedByTokenEndpoint(t *testing.T) {
	const id = "client id+1"
	echoes := map[string]func(w http.ResponseWriter, body, authz string){
		"plain": func(w http.ResponseWriter, body, authz string) {
			w.WriteHeader(400)
			fmt.Fprintf(w, "bad request: %s (authorization %s)", body, authz)
		},
		"oauth json": func(w http.ResponseWriter, body, authz string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			desc, _ := json.Marshal("got " + body + " and " + authz)
			fmt.Fprintf(w, `{"error":"invalid_client","error_description":%s}`, desc)
		},
		"lower hex": func(w http.ResponseWriter, body, authz string) {
			w.WriteHeader(500)
			_, _ = io.WriteString(w, lowerHex(body))
		},
	}
	for name, echo := range echoes {
		t.Run(name, func(t *testing.T) {
			tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				echo(w, string(b), r.Header.Get("Authorization"))
			}))
			defer tokens.Close()
			srv := newFake(t, okSubjects)
			c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), OAuthClientCredentials(tokens.URL, id, trickySecret))
			_, err := c.Subjects(bg)
			if err == nil {
				t.Fatal("no error")
			}
			walkChain(err, func(e error) {
				if leak := leakIn(e.Error(), id, trickySecret); leak != "" {
					t.Errorf("%T in the chain holds the %s: %v", e, leak, e)
				}
			})
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) {
				t.Fatalf("no *oauth2.RetrieveError in %v", err)
			}
			for _, s := range []string{string(re.Body), re.ErrorDescription} {
				if leak := leakIn(s, id, trickySecret); leak != "" {
					t.Errorf("RetrieveError holds the %s", leak)
				}
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("token failure does not match ErrUnavailable: %v", err)
			}
		})
	}
}

// walkChain calls f on err and every error reachable by unwrapping it.
func walkChain(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkChain(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkChain(e, f)
		}
	}
}

// TestRegistryEchoesSecretInAnyEncoding: the registry (or a proxy) echoing
// the Authorization header or the password, in any encoding, in its error
// answers leaks nothing.
func TestRegistryEchoesSecretInAnyEncoding(t *testing.T) {
	for name, enc := range encodings("key", trickySecret) {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			reply(w, 403, map[string]any{"error_code": 40301, "message": "denied: " + enc + " / " + r.Header.Get("Authorization")})
		})
		c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), BasicAuth("key", trickySecret))
		_, err := c.SchemaByID(bg, 1)
		var re *Error
		if !errors.As(err, &re) {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range []string{err.Error(), re.Message} {
			if leak := leakIn(s, "key", trickySecret); leak != "" {
				t.Errorf("%s: error holds the %s: %s", name, leak, s)
			}
		}
	}
}

// TestURLPasswordWithReservedCharacters: a password holding an unescaped
// "/", "?" or "#" is never printed in the "invalid URL" error.
func TestURLPasswordWithReservedCharacters(t *testing.T) {
	for _, pass := range []string{"hunter/2abc", "hunter?2abc", "hunter#2abc", "12/2abc", "12?2abc", "12#2abc", "hun@ter/2abc"} {
		raw := "https://key:" + pass + "@psrc-1.example.com"
		_, err := New(URLs(raw))
		if err == nil {
			t.Fatalf("%q: accepted", raw)
		}
		if strings.Contains(err.Error(), "hunter") || strings.Contains(err.Error(), "2abc") || strings.Contains(err.Error(), "hun@") {
			t.Fatalf("%q: error prints the password: %v", raw, err)
		}
		if !strings.Contains(err.Error(), "psrc-1.example.com") {
			t.Fatalf("%q: error does not name the host: %v", raw, err)
		}
	}
	// Escaped, the same passwords work.
	for _, pass := range []string{"hunter/2abc", "hunter?2abc", "hunter#2abc", "hun@ter"} {
		if _, err := New(URLs("https://key:" + url.QueryEscape(pass) + "@psrc-1.example.com")); err != nil {
			t.Fatalf("escaped %q: %v", pass, err)
		}
	}
}

// TestJSONErrorMessageIsCut: an 8 MiB "message" gives an error of a few KiB.
func TestJSONErrorMessageIsCut(t *testing.T) {
	huge := strings.Repeat("m", 8<<20)
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		reply(w, 422, map[string]any{"error_code": 42201, "message": huge})
	})
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
	_, err := c.Register(bg, "s", Schema{Schema: `"int"`})
	var re *Error
	if !errors.As(err, &re) || !errors.Is(err, ErrInvalidSchema) {
		t.Fatalf("got %v", err)
	}
	if len(re.Message) > MaxErrorMessage+len("…") || len(err.Error()) > MaxErrorMessage+200 || !strings.HasSuffix(re.Message, "…") {
		t.Fatalf("message not cut: %d bytes (error %d bytes)", len(re.Message), len(err.Error()))
	}
}

// A token endpoint's huge error body is cut too.
func TestTokenEndpointBodyIsCut(t *testing.T) {
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, strings.Repeat("b", 900<<10))
	}))
	defer tokens.Close()
	c := mustNew(t, URLs(deadURL(t)), Retries(0, 0, 0), OAuthClientCredentials(tokens.URL, "id", "secret"))
	_, err := c.Subjects(bg)
	if err == nil || len(err.Error()) > maxErrorText+200 {
		t.Fatalf("error of %d bytes", len(err.Error()))
	}
}

// lowerHex writes the hex digits of s's %XX escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = strings.ToLower(string(b[i+1]))[0], strings.ToLower(string(b[i+2]))[0]
		}
	}
	return string(b)
}
