package dekregistry

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// KEK is a key encryption key as the DEK Registry keeps it: a key in a KMS,
// named for the DEKs it wraps.
type KEK struct {
	// Name is the KEK's name (a letter or '_', then letters, digits, '_'
	// or '-').
	Name string `json:"name"`
	// KMSType is the KMS that holds the key ("aws-kms", "local-kms", ...).
	KMSType string `json:"kmsType"`
	// KMSKeyID names the key in its KMS (an ARN, a resource name, a URL).
	KMSKeyID string `json:"kmsKeyId"`
	// KMSProps are KMS-specific properties, passed to KMS drivers.
	KMSProps map[string]string `json:"kmsProps,omitempty"`
	// Doc is a free description.
	Doc string `json:"doc,omitempty"`
	// Shared says the registry may use the KMS key itself: it then
	// generates the DEKs of the KEK and hands out their key material.
	Shared bool `json:"shared"`
	// Timestamp is when the KEK last changed, in milliseconds since the
	// Unix epoch (the registry's "ts").
	Timestamp int64 `json:"ts,omitempty"`
	// Deleted says the KEK is soft-deleted.
	Deleted bool `json:"deleted,omitempty"`
}

// KEKUpdate is what [Client.UpdateKEK] may change; nil fields stay as they
// are.
type KEKUpdate struct {
	KMSProps map[string]string `json:"kmsProps,omitempty"`
	Doc      *string           `json:"doc,omitempty"`
	Shared   *bool             `json:"shared,omitempty"`
}

// DEK is a data encryption key as the DEK Registry keeps it: one version of
// the key of (KEK, subject, algorithm).
type DEK struct {
	// KEKName is the KEK that wraps the DEK.
	KEKName string `json:"kekName"`
	// Subject is the subject whose data the DEK encrypts.
	Subject string `json:"subject"`
	// Version is the DEK's version, from 1.
	Version int `json:"version"`
	// Algorithm is "AES128_GCM", "AES256_GCM" or "AES256_SIV".
	Algorithm string `json:"algorithm"`
	// EncryptedKeyMaterial is the DEK's key material wrapped by the KEK
	// (base64).
	EncryptedKeyMaterial string `json:"encryptedKeyMaterial,omitempty"`
	// KeyMaterial is the DEK's key material in the clear (base64 of a
	// serialized Tink key); the registry sends it only for DEKs of shared
	// KEKs. It is a secret: never log it.
	KeyMaterial string `json:"keyMaterial,omitempty"`
	// Timestamp is when the DEK was created, in milliseconds since the Unix
	// epoch (the registry's "ts").
	Timestamp int64 `json:"ts,omitempty"`
	// Deleted says the DEK is soft-deleted.
	Deleted bool `json:"deleted,omitempty"`
}

// Time returns Timestamp as a time.
func (d *DEK) Time() time.Time { return time.UnixMilli(d.Timestamp) }

// EncryptedKeyMaterialBytes decodes EncryptedKeyMaterial (nil when empty).
func (d *DEK) EncryptedKeyMaterialBytes() ([]byte, error) { return decode64(d.EncryptedKeyMaterial) }

// KeyMaterialBytes decodes KeyMaterial (nil when empty).
func (d *DEK) KeyMaterialBytes() ([]byte, error) { return decode64(d.KeyMaterial) }

// String describes the DEK without its key material.
func (d DEK) String() string {
	return "DEK{kek " + strconv.Quote(d.KEKName) + ", subject " + strconv.Quote(d.Subject) +
		", version " + strconv.Itoa(d.Version) + ", " + d.Algorithm + "}"
}

// GoString is String, so that %#v does not print key material either.
func (d DEK) GoString() string { return d.String() }

func decode64(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return base64.StdEncoding.DecodeString(s)
}

// Latest is the version that names a subject's latest DEK.
const Latest = -1

// Param is an optional query parameter of one call; each method says which
// it honours and ignores the others.
type Param func(*params)

type params struct {
	deleted, testSharing, rewrap bool
	algorithm, context           string
	subjectPrefix                []string
	offset, limit                int
	hasOffset, hasLimit          bool
}

func collect(ps []Param) params {
	var p params
	for _, f := range ps {
		if f != nil {
			f(&p)
		}
	}
	return p
}

// Deleted includes soft-deleted KEKs or DEKs.
func Deleted() Param { return func(p *params) { p.deleted = true } }

// Algorithm names the DEK algorithm ("AES128_GCM", "AES256_GCM",
// "AES256_SIV"); without it the registry takes AES256_GCM.
func Algorithm(a string) Param { return func(p *params) { p.algorithm = a } }

// Context names the schema context of the subjects a KEK serves (".ctx"),
// as Confluent's clients send it for subjects of a non-default context.
func Context(name string) Param { return func(p *params) { p.context = name } }

// SubjectPrefix restricts listed KEKs to those used by subjects starting
// with one of the prefixes.
func SubjectPrefix(prefixes ...string) Param {
	return func(p *params) { p.subjectPrefix = append(p.subjectPrefix, prefixes...) }
}

// Offset skips the first n listed names or versions.
func Offset(n int) Param { return func(p *params) { p.offset, p.hasOffset = n, true } }

// Limit returns at most n listed names or versions.
func Limit(n int) Param { return func(p *params) { p.limit, p.hasLimit = n, true } }

// TestSharing makes the registry check, before creating a shared KEK, that
// it can use the KMS key.
func TestSharing() Param { return func(p *params) { p.testSharing = true } }

// Rewrap makes creating a DEK that exists rewrap its key material.
func Rewrap() Param { return func(p *params) { p.rewrap = true } }

// query builds the query string of p with the named parameters only.
func (p *params) query(names ...string) url.Values {
	q := url.Values{}
	for _, n := range names {
		switch n {
		case "deleted":
			if p.deleted {
				q.Set(n, "true")
			}
		case "algorithm":
			if p.algorithm != "" {
				q.Set(n, p.algorithm)
			}
		case "context":
			if p.context != "" {
				q.Set(n, p.context)
			}
		case "subjectPrefix":
			for _, s := range p.subjectPrefix {
				q.Add(n, s)
			}
		case "page":
			if p.hasOffset {
				q.Set("offset", strconv.Itoa(p.offset))
			}
			if p.hasLimit {
				q.Set("limit", strconv.Itoa(p.limit))
			}
		case "testSharing":
			if p.testSharing {
				q.Set(n, "true")
			}
		case "rewrap":
			if p.rewrap {
				q.Set(n, "true")
			}
		}
	}
	return q
}

// path joins escaped path segments under /dek-registry/v1/keks.
func path(segs ...string) string {
	var b strings.Builder
	b.WriteString("/dek-registry/v1/keks")
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// versionSegment is a version as a path segment ("latest" for Latest).
func versionSegment(v int) string {
	if v == Latest {
		return "latest"
	}
	return strconv.Itoa(v)
}
