package azurekms

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/srkit-go/srkit/encryption/internal/keyurl"
)

// keyRef is a Key Vault key named by a key ID.
type keyRef struct {
	vault   string // https://<vault>.vault.azure.net (scheme and host)
	name    string
	version string // "" for the key's current version
}

// parseKeyID splits a key ID, https://<vault>.vault.azure.net/keys/<name>
// or …/keys/<name>/<version>, as Confluent's clients do (the vault URL is
// the scheme and host; empty path segments are skipped, as Java skips
// them). Names are Key Vault's (1 to 127 letters, digits and dashes) and
// versions letters and digits, so that a key ID cannot reach another
// Key Vault endpoint.
func parseKeyID(keyID string) (keyRef, error) {
	u, err := url.Parse(keyurl.TrimScheme(keyID, Type)) // Confluent's azure-kms://https://… key URL
	if err != nil {
		return keyRef{}, fmt.Errorf("%w: not a URL", ErrKeyID)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return keyRef{}, fmt.Errorf("%w: want https://<vault>.vault.azure.net/keys/<name>[/<version>]", ErrKeyID)
	}
	var segs []string
	for _, p := range strings.Split(u.Path, "/") {
		if p != "" {
			segs = append(segs, p)
		}
	}
	if len(segs) < 2 || len(segs) > 3 || segs[0] != "keys" {
		return keyRef{}, fmt.Errorf("%w: the path is not /keys/<name>[/<version>]", ErrKeyID)
	}
	k := keyRef{vault: "https://" + u.Host, name: segs[1]}
	if !validName(k.name) {
		return keyRef{}, fmt.Errorf("%w: %q is not a Key Vault key name", ErrKeyID, k.name)
	}
	if len(segs) == 3 {
		k.version = segs[2]
		if !validVersionSegment(k.version) {
			return keyRef{}, fmt.Errorf("%w: %q is not a Key Vault key version", ErrKeyID, k.version)
		}
	}
	return k, nil
}

// validName: Key Vault's object names, 1 to 127 letters, digits and dashes.
func validName(s string) bool {
	if s == "" || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// validVersionSegment: a key version in a key ID, letters and digits (Key
// Vault's are 32 hex digits).
func validVersionSegment(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Confluent's self-describing wrapped bytes (encrypt.azure.key.version.save):
// "azure:v1:" + the 32-hex-digit key version + ":" + Key Vault's result.
const (
	versionPrefix = "azure:v1:"
	versionLen    = 32
	headerLen     = len(versionPrefix) + versionLen + 1
)

// splitVersion returns the key version and Key Vault's bytes of wrapped
// bytes with Confluent's azure:v1: header, ok false for bytes without one
// (DEKs wrapped without encrypt.azure.key.version.save), as Confluent's
// clients detect it.
func splitVersion(wrapped []byte) (version string, rest []byte, ok bool) {
	if len(wrapped) < headerLen || string(wrapped[:len(versionPrefix)]) != versionPrefix || wrapped[headerLen-1] != ':' {
		return "", nil, false
	}
	return string(wrapped[len(versionPrefix) : headerLen-1]), wrapped[headerLen:], true
}

// isHexVersion: 32 hex digits, the only version Confluent's header holds.
func isHexVersion(v string) bool {
	if len(v) != versionLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// withVersion prefixes Key Vault's bytes with Confluent's azure:v1: header.
func withVersion(version string, result []byte) []byte {
	out := make([]byte, 0, headerLen+len(result))
	out = append(out, versionPrefix...)
	out = append(out, version...)
	out = append(out, ':')
	return append(out, result...)
}
