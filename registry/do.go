package registry

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Do calls an endpoint that Client does not wrap — of the Schema Registry
// or of the DEK Registry it serves (/dek-registry/v1/...) — through the
// client's transport: its URLs and failover, authentication, TLS, retries
// and backoff, typed errors ([*Error], [ErrUnavailable]) and the redaction
// of secrets. path is the absolute path with its segments already escaped
// (url.PathEscape); query holds the parameters; in, when not nil, is sent
// as the JSON body; the answer is decoded into out when out is not nil. Do
// caches nothing and invalidates nothing.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return fmt.Errorf("registry: Do: path %q must be absolute and carry no query (pass it in query)", path)
	}
	return c.do(ctx, method, path, query, in, out)
}
