package registry_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

// TestDo calls DEK Registry endpoints the client does not wrap, through its
// transport and typed errors.
func TestDo(t *testing.T) {
	ctx := context.Background()
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	kek := map[string]any{"name": "k1", "kmsType": "local-kms", "kmsKeyId": "id1"}
	var created map[string]any
	if err := c.Do(ctx, http.MethodPost, "/dek-registry/v1/keks", nil, kek, &created); err != nil {
		t.Fatal(err)
	}
	if created["name"] != "k1" || created["kmsType"] != "local-kms" {
		t.Errorf("created %v", created)
	}
	var got map[string]any
	if err := c.Do(ctx, http.MethodGet, "/dek-registry/v1/keks/"+url.PathEscape("k1"), url.Values{"deleted": {"true"}}, nil, &got); err != nil || got["kmsKeyId"] != "id1" {
		t.Errorf("get: %v %v", got, err)
	}
	err = c.Do(ctx, http.MethodGet, "/dek-registry/v1/keks/missing", nil, nil, &got)
	if !errors.Is(err, registry.ErrKeyNotFound) || errors.Is(err, registry.ErrUnavailable) {
		t.Errorf("missing KEK: err = %v, want ErrKeyNotFound", err)
	}
	var re *registry.Error
	if !errors.As(err, &re) || re.Method != http.MethodGet || re.Path != "/dek-registry/v1/keks/missing" {
		t.Errorf("missing KEK: the error does not name the call: %+v", re)
	}
	if err := c.Do(ctx, http.MethodGet, "dek-registry/v1/keks?x=1", nil, nil, nil); err == nil {
		t.Error("a relative path with a query was accepted")
	}
}
