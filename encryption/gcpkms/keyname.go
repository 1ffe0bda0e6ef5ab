package gcpkms

import (
	"strings"
)

// validKeyName reports whether name is a CryptoKey's resource name,
// projects/P/locations/L/keyRings/R/cryptoKeys/K (not a key version's:
// Decrypt takes the key, and the ciphertext names its version). Its
// segments become part of the request's URL path: they are restricted to
// the characters resource IDs use.
func validKeyName(name string) bool {
	parts := strings.Split(name, "/")
	if len(parts) != 8 {
		return false
	}
	for i, want := range []string{"projects", "locations", "keyRings", "cryptoKeys"} {
		if parts[2*i] != want || !validSegment(parts[2*i+1]) {
			return false
		}
	}
	return true
}

// validSegment: letters, digits, '-', '_', and the '.' and ':' of
// domain-scoped project IDs (example.com:project); never "." or "..".
func validSegment(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}
