package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client talks to a Confluent-compatible Schema Registry over its REST API.
// It is safe for concurrent use. Create one with [New] and share it.
type Client struct {
	urls       []string
	httpClient *http.Client
	userAgent  string
	basicUser  string
	basicPass  string
	hasBasic   bool
	context    string
}

// Option configures a [Client].
type Option func(*Client) error

// URLs sets the registry base URLs (e.g. "https://psrc-xxxx.europe-west3.gcp.confluent.cloud").
// Requests go to the first and fail over to the next on connection errors.
func URLs(urls ...string) Option {
	return func(c *Client) error {
		c.urls = c.urls[:0]
		for _, u := range urls {
			for _, part := range strings.Split(u, ",") {
				part = strings.TrimRight(strings.TrimSpace(part), "/")
				if part != "" {
					c.urls = append(c.urls, part)
				}
			}
		}
		return nil
	}
}

// BasicAuth sends HTTP basic credentials with every request (a Confluent
// Cloud Schema Registry API key and secret).
func BasicAuth(user, password string) Option {
	return func(c *Client) error {
		c.basicUser, c.basicPass, c.hasBasic = user, password, true
		return nil
	}
}

// HTTPClient makes the client send its requests with hc.
func HTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("registry: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// DefaultContext makes every call run in the schema context name (for
// example ".staging") unless the call names another with [InContext].
func DefaultContext(name string) Option {
	return func(c *Client) error {
		c.context = name
		return nil
	}
}

// New returns a client for the registry at the given URLs.
func New(opts ...Option) (*Client, error) {
	c := &Client{httpClient: &http.Client{}, userAgent: "srkit"}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if len(c.urls) == 0 {
		return nil, errors.New("registry: no URL configured")
	}
	for _, u := range c.urls {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return nil, fmt.Errorf("registry: invalid URL %q: want http(s)://host[:port]", redactURL(u))
		}
	}
	return c, nil
}

// Close releases the client's resources. The client must not be used after.
func (c *Client) Close() error { return nil }

// redactURL removes user info from a URL so that it can go into an error.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}

// contextPrefix returns the "/contexts/{ctx}" path prefix for the call.
func (c *Client) contextPrefix(p *params) string {
	name := c.context
	if p.hasContext {
		name = p.context
	}
	if name == "" || name == "." {
		return ""
	}
	if !strings.HasPrefix(name, ".") {
		name = "." + name
	}
	return "/contexts/" + url.PathEscape(name)
}

// do sends one request and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("registry: encoding request: %w", err)
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var lastErr error
	for _, base := range c.urls {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
		if err != nil {
			return fmt.Errorf("registry: %s %s: %w", method, path, err)
		}
		req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5")
		if body != nil {
			req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		}
		req.Header.Set("User-Agent", c.userAgent)
		if c.hasBasic {
			req.SetBasicAuth(c.basicUser, c.basicPass)
		}
		resp, err := c.httpClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("registry: %s %s: %w", method, path, ctx.Err())
			}
			lastErr = fmt.Errorf("registry: %s %s: %w", method, path, err)
			continue
		}
		return decodeResponse(resp, out)
	}
	return lastErr
}

// decodeResponse turns resp into out or into an *Error.
func decodeResponse(resp *http.Response, out any) error {
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("registry: reading response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromBody(resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("registry: decoding response: %w", err)
	}
	return nil
}

// errorFromBody builds the *Error for a non-2xx answer.
func errorFromBody(status int, raw []byte) *Error {
	e := &Error{StatusCode: status}
	if json.Unmarshal(raw, e) == nil && (e.Code != 0 || e.Message != "") {
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
		return e
	}
	e.Code = 0
	msg := strings.TrimSpace(string(raw))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg == "" || strings.HasPrefix(msg, "<") {
		msg = http.StatusText(status)
	}
	e.Message = msg
	return e
}
