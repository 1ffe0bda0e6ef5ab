package hcvault

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/srkit-go/srkit/encryption/internal/keyurl"
)

// key is a transit key named by a key ID.
type key struct {
	address     string // scheme://host[:port] of the Vault server
	encryptPath string // <mount>/encrypt/<name>, as api.Logical takes it
	decryptPath string // <mount>/decrypt/<name>
}

// parseKeyID splits a key ID, http(s)://host[:port]/<mount>/keys/<name>,
// as Confluent's Go client and Tink's Vault AEAD read it: the address is
// the URL's scheme and host, the key's transit mount is the path before
// "keys" (it may have several segments), and without a scheme the address
// is https. Segments are letters, digits and "_.-+=@" (Vault's key names
// are letters, digits, '_', '-' and '.'); "." and ".." are refused, so a
// key ID cannot steer the token to another Vault endpoint.
func parseKeyID(keyID string) (key, error) {
	s := keyurl.TrimScheme(keyID, Type) // Confluent's hcvault://host:8200/… key URL
	if !strings.HasPrefix(strings.ToLower(s), "http") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return key{}, fmt.Errorf("%w: not a URL", ErrKeyID)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return key{}, fmt.Errorf("%w: scheme %q is not http or https", ErrKeyID, u.Scheme)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return key{}, fmt.Errorf("%w: want http(s)://host[:port]/<mount>/keys/<name>", ErrKeyID)
	}
	parts := strings.Split(u.Path, "/")
	n := len(parts)
	if n < 4 || parts[0] != "" || parts[n-2] != "keys" {
		return key{}, fmt.Errorf("%w: the path is not /<mount>/keys/<name>", ErrKeyID)
	}
	for _, p := range parts[1:] {
		if !validSegment(p) {
			return key{}, fmt.Errorf("%w: path segment %q is not a mount or key name", ErrKeyID, p)
		}
	}
	mount := strings.Join(parts[1:n-2], "/")
	name := parts[n-1]
	return key{
		address:     u.Scheme + "://" + u.Host,
		encryptPath: mount + "/encrypt/" + name,
		decryptPath: mount + "/decrypt/" + name,
	}, nil
}

// validSegment: a non-empty path segment of safe characters, not "." or "..".
func validSegment(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '+' || c == '=' || c == '@'
		if !ok {
			return false
		}
	}
	return true
}
