package registry

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// notFoundCodes are the codes a caller may take for "this schema, subject or
// version does not exist".
var notFoundCodes = []ErrorCode{ErrSubjectNotFound, ErrVersionNotFound, ErrSchemaNotFound, ErrKeyNotFound}

// answer writes a canned answer.
func answer(status int, ctype, body string) func(w http.ResponseWriter, _ *http.Request, _ []byte) {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// TestOutagesMatchErrUnavailable: every answer that is not the registry's
// own verdict on the request is an outage: it matches ErrUnavailable and
// none of the not-found codes, whatever call made it.
func TestOutagesMatchErrUnavailable(t *testing.T) {
	const html = "text/html"
	const js = "application/json"
	cases := []struct {
		name   string
		handle func(w http.ResponseWriter, r *http.Request, b []byte)
	}{
		{"html 404", answer(404, html, "<html><body><h1>404 Not Found</h1></body></html>")},
		{"plain 404", answer(404, "text/plain", "404 page not found")},
		{"empty 404", answer(404, "", "")},
		{"jersey json 404", answer(404, js, `{"error_code":404,"message":"HTTP 404 Not Found"}`)},
		{"json 404 without code", answer(404, js, `{"message":"no route"}`)},
		{"html 200", answer(200, html, "<html><body>Please log in</body></html>")},
		{"json 200 of another service", answer(200, js, `{"status":"ok"}`)},
		{"empty 200", answer(200, "", "")},
		{"json null 200", answer(200, js, "null")},
		{"401", answer(401, "", "")},
		{"403 json", answer(403, js, `{"error_code":40301,"message":"User is denied operation"}`)},
		{"408", answer(408, "", "")},
		{"429", answer(429, "", "")},
		{"500 with a not-found code", answer(500, js, `{"error_code":40403,"message":"Schema not found"}`)},
		{"502 html", answer(502, html, "<html>Bad Gateway</html>")},
		{"503", answer(503, js, `{"error_code":50003,"message":"forwarding failed"}`)},
		{"html 400", answer(400, html, "<html>Bad Request</html>")},
	}
	calls := map[string]func(c *Client) error{
		"SchemaByID":      func(c *Client) error { _, err := c.SchemaByID(bg, 7); return err },
		"SchemaByGUID":    func(c *Client) error { _, err := c.SchemaByGUID(bg, "g"); return err },
		"LatestSchema":    func(c *Client) error { _, err := c.LatestSchema(bg, "s"); return err },
		"SchemaByVersion": func(c *Client) error { _, err := c.SchemaByVersion(bg, "s", 3); return err },
		"LatestWithMetadata": func(c *Client) error {
			_, err := c.LatestWithMetadata(bg, "s", map[string]string{"a": "b"})
			return err
		},
		"LookupSchema": func(c *Client) error { _, err := c.LookupSchema(bg, "s", Schema{Schema: `"int"`}); return err },
		"Register":     func(c *Client) error { _, err := c.Register(bg, "s", Schema{Schema: `"int"`}); return err },
		"CheckCompatibility": func(c *Client) error {
			_, err := c.CheckCompatibility(bg, "s", Latest, Schema{Schema: `"int"`})
			return err
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, tc.handle)
			c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
			for name, call := range calls {
				if strings.Contains(tc.name, "json 200") && name == "Register" {
					continue // {"status":"ok"} has no ID either: covered below
				}
				err := call(c)
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				if !errors.Is(err, ErrUnavailable) {
					t.Errorf("%s: %v does not match ErrUnavailable", name, err)
				}
				for _, code := range notFoundCodes {
					if errors.Is(err, code) {
						t.Errorf("%s: %v matches %d", name, err, code)
					}
				}
			}
			// Not cached as a negative answer: a second call asks again.
			before := srv.count()
			_, _ = c.SchemaByID(bg, 7)
			if srv.count() != before+1 {
				t.Errorf("outage answer was cached: %d requests, want %d", srv.count(), before+1)
			}
		})
	}
}

func TestRegisterAnswerWithoutIDIsUnavailable(t *testing.T) {
	srv := newFake(t, answer(200, "application/json", `{"status":"ok"}`))
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
	if _, err := c.Register(bg, "s", Schema{Schema: `"int"`}); !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrJSONParse) {
		t.Fatalf("register answer without id: %v", err)
	}
	if _, err := c.Register(bg, "s", Schema{Schema: `"int"`}); err == nil {
		t.Fatal("a bad register answer was cached")
	}
}

func TestTransportErrorsMatchErrUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there any more
	c := mustNew(t, URLs("http://"+addr), Retries(1, time.Millisecond, time.Millisecond))
	fastRetries(c)
	_, err = c.SchemaByID(bg, 1)
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf("connection refused: %v", err)
	}
	if !strings.Contains(err.Error(), "GET /schemas/ids/1") || !strings.Contains(err.Error(), "2 attempts") {
		t.Fatalf("error does not name the call and its attempts: %v", err)
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	c = mustNew(t, URLs(slow.URL), Retries(0, 0, 0), RequestTimeout(20*time.Millisecond))
	if _, err := c.SchemaByID(bg, 1); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("request timeout: %v", err)
	}
}

func TestTokenEndpointDownIsUnavailable(t *testing.T) {
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
	}))
	defer tokens.Close()
	srv := newFake(t, okSubjects)
	c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0), OAuthClientCredentials(tokens.URL, "id", "secret"))
	if _, err := c.SchemaByID(bg, 1); !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf("token endpoint down: %v", err)
	}
}

// TestRegistryVerdictsAreNotOutages: the registry's own JSON answers keep
// their meaning, and only its not-found answers are cached.
func TestRegistryVerdictsAreNotOutages(t *testing.T) {
	cases := []struct {
		code ErrorCode
		call func(c *Client) error
	}{
		{ErrSchemaNotFound, func(c *Client) error { _, err := c.SchemaByID(bg, 7); return err }},
		{ErrSubjectNotFound, func(c *Client) error { _, err := c.LatestSchema(bg, "s"); return err }},
		{ErrVersionNotFound, func(c *Client) error { _, err := c.SchemaByVersion(bg, "s", 9); return err }},
		{ErrInvalidSchema, func(c *Client) error { _, err := c.Register(bg, "s", Schema{Schema: "x"}); return err }},
		{ErrIncompatibleSchema, func(c *Client) error { _, err := c.Register(bg, "s", Schema{Schema: "y"}); return err }},
	}
	for _, tc := range cases {
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { replyErr(w, tc.code, "no") })
		c := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
		err := tc.call(c)
		if !errors.Is(err, tc.code) || errors.Is(err, ErrUnavailable) {
			t.Fatalf("%d: %v (unavailable %v)", tc.code, err, errors.Is(err, ErrUnavailable))
		}
		if tc.code.HTTPStatus() == 404 {
			_ = tc.call(c)
			if srv.count() != 1 {
				t.Fatalf("%d: not-found answer not cached: %d requests", tc.code, srv.count())
			}
		}
	}
}

func TestErrorUnavailableTable(t *testing.T) {
	cases := []struct {
		e    Error
		want bool
	}{
		{Error{StatusCode: 404, Code: 40403}, false},
		{Error{StatusCode: 404, Code: 40470}, false},
		{Error{StatusCode: 404, Code: 404}, true},
		{Error{StatusCode: 404}, true},
		{Error{StatusCode: 404, Code: 42201}, true},
		{Error{StatusCode: 409, Code: 40901}, false},
		{Error{StatusCode: 409, Code: 409}, false},
		{Error{StatusCode: 422, Code: 42201}, false},
		{Error{StatusCode: 422}, true},
		{Error{StatusCode: 401, Code: 40101}, true},
		{Error{StatusCode: 403, Code: 40301}, true},
		{Error{StatusCode: 408, Code: 408}, true},
		{Error{StatusCode: 429, Code: 429}, true},
		{Error{StatusCode: 500, Code: 50001}, true},
		{Error{StatusCode: 504}, true},
	}
	for _, tc := range cases {
		if got := errors.Is(&tc.e, ErrUnavailable); got != tc.want {
			t.Errorf("%+v: unavailable = %v, want %v", tc.e, got, tc.want)
		}
	}
	if errors.Is(&Error{StatusCode: 500, Code: 40403}, ErrSchemaNotFound) {
		t.Error("a 500 carrying 40403 matches ErrSchemaNotFound")
	}
	if !errors.Is(&Error{Code: 40403}, ErrSchemaNotFound) {
		t.Error("an Error built by hand with code 40403 does not match ErrSchemaNotFound")
	}
}
