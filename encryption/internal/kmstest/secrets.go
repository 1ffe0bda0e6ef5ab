package kmstest

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// NoSecrets fails t when the text of err holds one of secrets in any
// encoding an error might carry it in: as it is, quoted, base64 (standard
// and URL, padded or not), hex (either case), or URL-escaped. A nil err
// holds none.
func NoSecrets(t testing.TB, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, found := range leaks(err.Error(), secrets) {
		t.Errorf("the error holds a secret (as %q): %v", found, err)
	}
}

// NoSecretsIn is NoSecrets for any text, such as a log or a dead-letter
// record: it fails t when text holds one of secrets in any of those
// encodings. what names the text in the failure (the text itself is not
// printed: it holds the secret).
func NoSecretsIn(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	for _, found := range leaks(text, secrets) {
		t.Errorf("%s holds a secret (as %q)", what, found)
	}
}

// leaks returns the encodings of secrets that msg holds.
func leaks(msg string, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, enc := range encodings(s) {
			if strings.Contains(msg, enc) {
				found = append(found, enc)
				break
			}
		}
	}
	return found
}

// encodings are the forms of s that NoSecrets looks for.
func encodings(s string) []string {
	b := []byte(s)
	q := strconv.Quote(s)
	return []string{
		s, q[1 : len(q)-1],
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
		url.QueryEscape(s), url.PathEscape(s),
	}
}
