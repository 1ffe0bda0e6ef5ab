// Package dekregistry is a client of Confluent's DEK Registry
// (/dek-registry/v1): the key encryption keys (KEKs) and data encryption
// keys (DEKs) that client-side field-level encryption uses. It is built on
// a [registry.Client] and shares everything of it — URLs and failover,
// authentication, TLS, retries, contexts, and typed errors: a DEK Registry
// error is a [*registry.Error] whose code matches the DEK Registry's
// sentinels ([registry.ErrKeyNotFound], [registry.ErrKeyExists],
// [registry.ErrKeySoftDeleted], [registry.ErrKeyNotSoftDeleted],
// [registry.ErrInvalidKey], [registry.ErrKeyReferenceExists],
// [registry.ErrTooManyKeys], [registry.ErrDekGeneration],
// [registry.ErrDekGenerationForbidden]), and an outage matches
// [registry.ErrUnavailable].
//
// The client caches nothing: package encryption keeps the bounded caches
// of KEKs and decrypted DEKs its executors need.
package dekregistry

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/srkit-go/srkit/registry"
)

// Client calls the DEK Registry through a registry client. It is safe for
// concurrent use.
type Client struct {
	rc *registry.Client
}

// New returns a DEK Registry client that calls through rc.
func New(rc *registry.Client) *Client { return &Client{rc: rc} }

// errEmpty reports an empty name before any call.
func errEmpty(what string) error {
	return fmt.Errorf("dekregistry: %w: empty %s", registry.ErrInvalidKey, what)
}

// KEKs lists the names of the KEKs. Params: [Deleted], [SubjectPrefix],
// [Offset], [Limit].
func (c *Client) KEKs(ctx context.Context, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.rc.Do(ctx, http.MethodGet, path(), p.query("deleted", "subjectPrefix", "page"), nil, &out)
	return out, err
}

// kekRequest is the body of a KEK creation.
type kekRequest struct {
	Name     string            `json:"name"`
	KMSType  string            `json:"kmsType"`
	KMSKeyID string            `json:"kmsKeyId"`
	KMSProps map[string]string `json:"kmsProps,omitempty"`
	Doc      string            `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	Deleted  bool              `json:"deleted,omitempty"`
}

// CreateKEK registers k (its Name, KMSType, KMSKeyID, KMSProps, Doc, Shared
// and Deleted) and returns the KEK the registry keeps. A KEK of that name
// that differs gives [registry.ErrKeyExists]. Params: [Context],
// [TestSharing].
func (c *Client) CreateKEK(ctx context.Context, k KEK, ps ...Param) (KEK, error) {
	if k.Name == "" {
		return KEK{}, errEmpty("KEK name")
	}
	p := collect(ps)
	in := kekRequest{Name: k.Name, KMSType: k.KMSType, KMSKeyID: k.KMSKeyID, KMSProps: k.KMSProps, Doc: k.Doc, Shared: k.Shared, Deleted: k.Deleted}
	var out KEK
	if err := c.rc.Do(ctx, http.MethodPost, path(), p.query("context", "testSharing"), in, &out); err != nil {
		return KEK{}, err
	}
	return out, checkKEK(&out, http.MethodPost, path())
}

// KEK returns the KEK called name; [registry.ErrKeyNotFound] when there is
// none (or it is soft-deleted, without [Deleted]). Params: [Deleted],
// [Context].
func (c *Client) KEK(ctx context.Context, name string, ps ...Param) (KEK, error) {
	if name == "" {
		return KEK{}, errEmpty("KEK name")
	}
	p := collect(ps)
	var out KEK
	if err := c.rc.Do(ctx, http.MethodGet, path(name), p.query("deleted", "context"), nil, &out); err != nil {
		return KEK{}, err
	}
	return out, checkKEK(&out, http.MethodGet, path(name))
}

// UpdateKEK changes the KMSProps, Doc or Shared of the KEK called name and
// returns it. Params: [Context], [TestSharing].
func (c *Client) UpdateKEK(ctx context.Context, name string, u KEKUpdate, ps ...Param) (KEK, error) {
	if name == "" {
		return KEK{}, errEmpty("KEK name")
	}
	p := collect(ps)
	var out KEK
	if err := c.rc.Do(ctx, http.MethodPut, path(name), p.query("context", "testSharing"), u, &out); err != nil {
		return KEK{}, err
	}
	return out, checkKEK(&out, http.MethodPut, path(name))
}

// DeleteKEK soft-deletes the KEK called name, or removes it for good when
// permanent is set (it must be soft-deleted first:
// [registry.ErrKeyNotSoftDeleted]). A KEK that still has DEKs gives
// [registry.ErrKeyReferenceExists]. Params: [Context].
func (c *Client) DeleteKEK(ctx context.Context, name string, permanent bool, ps ...Param) error {
	if name == "" {
		return errEmpty("KEK name")
	}
	p := collect(ps)
	q := p.query("context")
	if permanent {
		q.Set("permanent", "true")
	}
	return c.rc.Do(ctx, http.MethodDelete, path(name), q, nil, nil)
}

// UndeleteKEK restores the soft-deleted KEK called name. Params: [Context].
func (c *Client) UndeleteKEK(ctx context.Context, name string, ps ...Param) error {
	if name == "" {
		return errEmpty("KEK name")
	}
	p := collect(ps)
	return c.rc.Do(ctx, http.MethodPost, path(name, "undelete"), p.query("context"), nil, nil)
}

// TestKEK asks the registry to check that it can use the KMS key of the
// shared KEK called name and returns the KEK; a KEK that is not shared gives
// [registry.ErrInvalidKey], as the server answers.
func (c *Client) TestKEK(ctx context.Context, name string) (KEK, error) {
	if name == "" {
		return KEK{}, errEmpty("KEK name")
	}
	var out KEK
	if err := c.rc.Do(ctx, http.MethodPost, path(name, "test"), nil, nil, &out); err != nil {
		return KEK{}, err
	}
	return out, nil
}

// DEKSubjects lists the subjects that have DEKs under the KEK called kek.
// Params: [Deleted], [Offset], [Limit].
func (c *Client) DEKSubjects(ctx context.Context, kek string, ps ...Param) ([]string, error) {
	if kek == "" {
		return nil, errEmpty("KEK name")
	}
	p := collect(ps)
	var out []string
	err := c.rc.Do(ctx, http.MethodGet, path(kek, "deks"), p.query("deleted", "page"), nil, &out)
	return out, err
}

// dekRequest is the body of a DEK creation.
type dekRequest struct {
	Subject              string `json:"subject"`
	Version              int    `json:"version,omitempty"`
	Algorithm            string `json:"algorithm,omitempty"`
	EncryptedKeyMaterial string `json:"encryptedKeyMaterial,omitempty"`
	Deleted              bool   `json:"deleted,omitempty"`
}

// CreateDEK registers d (its Subject, Version — 0 for the first —,
// Algorithm — empty for AES256_GCM —, EncryptedKeyMaterial and Deleted)
// under the KEK called kek, and returns the DEK the registry keeps. Under a
// shared KEK, d may carry no key material: the registry generates it. A
// DEK that exists with other material gives [registry.ErrKeyExists].
// Params: [Rewrap].
func (c *Client) CreateDEK(ctx context.Context, kek string, d DEK, ps ...Param) (DEK, error) {
	if kek == "" {
		return DEK{}, errEmpty("KEK name")
	}
	if d.Subject == "" {
		return DEK{}, errEmpty("DEK subject")
	}
	p := collect(ps)
	in := dekRequest{Subject: d.Subject, Version: d.Version, Algorithm: d.Algorithm, EncryptedKeyMaterial: d.EncryptedKeyMaterial, Deleted: d.Deleted}
	var out DEK
	err := c.rc.Do(ctx, http.MethodPost, path(kek, "deks", d.Subject), p.query("rewrap"), in, &out)
	var re *registry.Error
	if errors.As(err, &re) && re.StatusCode == http.StatusMethodNotAllowed {
		// A registry older than the subject-in-path endpoint, as Java's
		// client falls back.
		out = DEK{}
		err = c.rc.Do(ctx, http.MethodPost, path(kek, "deks"), nil, in, &out)
	}
	if err != nil {
		return DEK{}, err
	}
	return out, checkDEK(&out, http.MethodPost, path(kek, "deks", d.Subject))
}

// DEK returns the first version of the DEK of subject under the KEK called
// kek. Params: [Algorithm], [Deleted].
func (c *Client) DEK(ctx context.Context, kek, subject string, ps ...Param) (DEK, error) {
	return c.getDEK(ctx, path(kek, "deks", subject), kek, subject, ps)
}

// DEKVersion returns version of the DEK of subject under the KEK called
// kek ([Latest] for the latest). Params: [Algorithm], [Deleted].
func (c *Client) DEKVersion(ctx context.Context, kek, subject string, version int, ps ...Param) (DEK, error) {
	if version < 1 && version != Latest {
		return DEK{}, fmt.Errorf("dekregistry: %w: DEK version %d", registry.ErrInvalidVersion, version)
	}
	return c.getDEK(ctx, path(kek, "deks", subject, "versions", versionSegment(version)), kek, subject, ps)
}

// LatestDEK returns the latest version of the DEK of subject under the KEK
// called kek. Params: [Algorithm], [Deleted].
func (c *Client) LatestDEK(ctx context.Context, kek, subject string, ps ...Param) (DEK, error) {
	return c.DEKVersion(ctx, kek, subject, Latest, ps...)
}

func (c *Client) getDEK(ctx context.Context, p, kek, subject string, ps []Param) (DEK, error) {
	if kek == "" {
		return DEK{}, errEmpty("KEK name")
	}
	if subject == "" {
		return DEK{}, errEmpty("DEK subject")
	}
	pp := collect(ps)
	var out DEK
	if err := c.rc.Do(ctx, http.MethodGet, p, pp.query("algorithm", "deleted"), nil, &out); err != nil {
		return DEK{}, err
	}
	return out, checkDEK(&out, http.MethodGet, p)
}

// DEKVersions lists the versions of the DEK of subject under the KEK called
// kek. Params: [Algorithm], [Deleted], [Offset], [Limit].
func (c *Client) DEKVersions(ctx context.Context, kek, subject string, ps ...Param) ([]int, error) {
	if kek == "" {
		return nil, errEmpty("KEK name")
	}
	if subject == "" {
		return nil, errEmpty("DEK subject")
	}
	p := collect(ps)
	var out []int
	err := c.rc.Do(ctx, http.MethodGet, path(kek, "deks", subject, "versions"), p.query("algorithm", "deleted", "page"), nil, &out)
	return out, err
}

// DeleteDEK soft-deletes every version of the DEK of subject under the KEK
// called kek, or removes them for good when permanent is set (they must be
// soft-deleted first). Params: [Algorithm].
func (c *Client) DeleteDEK(ctx context.Context, kek, subject string, permanent bool, ps ...Param) error {
	return c.changeDEK(ctx, http.MethodDelete, path(kek, "deks", subject), kek, subject, permanent, ps)
}

// DeleteDEKVersion soft-deletes one version of the DEK of subject ([Latest]
// for the latest), or removes it for good when permanent is set. Params:
// [Algorithm].
func (c *Client) DeleteDEKVersion(ctx context.Context, kek, subject string, version int, permanent bool, ps ...Param) error {
	return c.changeDEK(ctx, http.MethodDelete, path(kek, "deks", subject, "versions", versionSegment(version)), kek, subject, permanent, ps)
}

// UndeleteDEK restores every soft-deleted version of the DEK of subject;
// the KEK must not be soft-deleted ([registry.ErrKeySoftDeleted]). Params:
// [Algorithm].
func (c *Client) UndeleteDEK(ctx context.Context, kek, subject string, ps ...Param) error {
	return c.changeDEK(ctx, http.MethodPost, path(kek, "deks", subject, "undelete"), kek, subject, false, ps)
}

// UndeleteDEKVersion restores one soft-deleted version of the DEK of
// subject. Params: [Algorithm].
func (c *Client) UndeleteDEKVersion(ctx context.Context, kek, subject string, version int, ps ...Param) error {
	return c.changeDEK(ctx, http.MethodPost, path(kek, "deks", subject, "versions", versionSegment(version), "undelete"), kek, subject, false, ps)
}

func (c *Client) changeDEK(ctx context.Context, method, p, kek, subject string, permanent bool, ps []Param) error {
	if kek == "" {
		return errEmpty("KEK name")
	}
	if subject == "" {
		return errEmpty("DEK subject")
	}
	pp := collect(ps)
	q := pp.query("algorithm")
	if permanent {
		q.Set("permanent", "true")
	}
	return c.rc.Do(ctx, method, p, q, nil, nil)
}

// checkKEK refuses a 2xx answer that is no KEK: like any undecodable answer
// of the registry, it is an outage, never a KEK with empty fields.
func checkKEK(k *KEK, method, p string) error {
	if k.Name == "" || k.KMSType == "" || k.KMSKeyID == "" {
		return incomplete("KEK", method, p)
	}
	return nil
}

// checkDEK refuses a 2xx answer that is no DEK.
func checkDEK(d *DEK, method, p string) error {
	if d.KEKName == "" || d.Subject == "" || d.Version < 1 {
		return incomplete("DEK", method, p)
	}
	return nil
}

func incomplete(what, method, p string) error {
	return fmt.Errorf("dekregistry: %s %s answered no %s: %w", method, p, what, registry.ErrUnavailable)
}
