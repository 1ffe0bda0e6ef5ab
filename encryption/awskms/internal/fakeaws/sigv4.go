package fakeaws

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file verifies AWS Signature Version 4 as AWS does, written from the
// specification (not with the SDK's signer), so that the fake refuses what
// AWS would refuse.

// sigv4 is what a verified signature says about the request.
type sigv4 struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
}

// sigv4Error is an AWS error code and message for a request whose
// signature does not verify.
type sigv4Error struct{ code, msg string }

func (e *sigv4Error) Error() string { return e.code + ": " + e.msg }

// parseAuthorization reads the Authorization header:
// AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/kms/aws4_request, SignedHeaders=a;b, Signature=hex.
func parseAuthorization(h string) (cred []string, signed []string, sig string, err error) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, nil, "", &sigv4Error{"IncompleteSignatureException", "Authorization header requires the AWS4-HMAC-SHA256 algorithm"}
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = strings.Split(v, "/")
		case "SignedHeaders":
			signed = strings.Split(v, ";")
		case "Signature":
			sig = v
		}
	}
	if len(cred) != 5 || cred[4] != "aws4_request" || len(signed) == 0 || sig == "" {
		return nil, nil, "", &sigv4Error{"IncompleteSignatureException", "Authorization header is incomplete"}
	}
	return cred, signed, sig, nil
}

// verifySigV4 checks r's signature with the secret of its access key ID
// (secretOf returns false for an unknown one).
func verifySigV4(r *http.Request, body []byte, now time.Time, secretOf func(akid string) (string, bool)) (*sigv4, error) {
	cred, signed, sig, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	s := &sigv4{accessKeyID: cred[0], date: cred[1], region: cred[2], service: cred[3], signedHeaders: signed}
	secret, ok := secretOf(s.accessKeyID)
	if !ok {
		return nil, &sigv4Error{"UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, s.date) {
		return nil, &sigv4Error{"IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential scope"}
	}
	if d := now.Sub(t); d > 5*time.Minute || d < -5*time.Minute {
		return nil, &sigv4Error{"InvalidSignatureException", "Signature expired"}
	}
	if !slices.Contains(signed, "host") || !slices.Contains(signed, "x-amz-date") || !sort.StringsAreSorted(signed) {
		return nil, &sigv4Error{"IncompleteSignatureException", "SignedHeaders must be sorted and include host and x-amz-date"}
	}
	payloadHash := sha256.Sum256(body)
	hexPayload := hex.EncodeToString(payloadHash[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != hexPayload {
		return nil, &sigv4Error{"InvalidSignatureException", "X-Amz-Content-Sha256 does not match the body"}
	}
	var canon bytes.Buffer
	canon.WriteString(r.Method + "\n")
	canon.WriteString(canonicalURI(r.URL) + "\n")
	canon.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		canon.WriteString(h + ":" + canonicalHeaderValue(r, h) + "\n")
	}
	canon.WriteString("\n" + strings.Join(signed, ";") + "\n" + hexPayload)
	canonHash := sha256.Sum256(canon.Bytes())
	scope := strings.Join(cred[1:], "/")
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(canonHash[:])
	key := hmacSHA256([]byte("AWS4"+secret), s.date)
	key = hmacSHA256(key, s.region)
	key = hmacSHA256(key, s.service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return nil, &sigv4Error{"InvalidSignatureException", "The request signature we calculated does not match the signature you provided."}
	}
	return s, nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(q[k])
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "&"), "+", "%20")
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var vs []string
	switch name {
	case "host":
		vs = []string{r.Host}
	case "content-length":
		vs = r.Header.Values("Content-Length")
		if len(vs) == 0 {
			vs = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		vs = r.Header.Values(name)
	}
	for i, v := range vs {
		vs[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vs, ",")
}
