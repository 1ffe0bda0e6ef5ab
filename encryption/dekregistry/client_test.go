package dekregistry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

func newMock(t *testing.T, opts ...mockregistry.Option) (*mockregistry.Registry, *dekregistry.Client) {
	t.Helper()
	mock, err := mockregistry.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := mock.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return mock, dekregistry.New(rc)
}

func TestKEKLifecycle(t *testing.T) {
	ctx := context.Background()
	_, c := newMock(t)
	k, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "k1", KMSType: "local-kms", KMSKeyID: "key-1", KMSProps: map[string]string{"a": "b"}, Doc: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "k1" || k.KMSType != "local-kms" || k.KMSKeyID != "key-1" || k.KMSProps["a"] != "b" || k.Doc != "d" || k.Shared || k.Timestamp == 0 {
		t.Fatalf("created %+v", k)
	}
	// The same KEK again is answered as it is; a different one conflicts.
	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "k1", KMSType: "local-kms", KMSKeyID: "other"}); !errors.Is(err, registry.ErrKeyExists) {
		t.Fatalf("conflicting create: %v", err)
	}
	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "k2", KMSType: "aws-kms", KMSKeyID: "arn:aws:kms:eu-west-1:1:key/x", Shared: true}); err != nil {
		t.Fatal(err)
	}
	names, err := c.KEKs(ctx)
	if err != nil || !slices.Equal(names, []string{"k1", "k2"}) {
		t.Fatalf("KEKs = %v, %v", names, err)
	}
	if names, _ := c.KEKs(ctx, dekregistry.Offset(1), dekregistry.Limit(1)); !slices.Equal(names, []string{"k2"}) {
		t.Fatalf("paged KEKs = %v", names)
	}
	got, err := c.KEK(ctx, "k2")
	if err != nil || !got.Shared || got.KMSKeyID != "arn:aws:kms:eu-west-1:1:key/x" {
		t.Fatalf("KEK = %+v, %v", got, err)
	}
	if _, err := c.TestKEK(ctx, "k2"); err != nil {
		t.Fatalf("TestKEK: %v", err)
	}
	doc, shared := "new doc", false
	up, err := c.UpdateKEK(ctx, "k2", dekregistry.KEKUpdate{Doc: &doc, Shared: &shared})
	if err != nil || up.Doc != "new doc" || up.Shared {
		t.Fatalf("UpdateKEK = %+v, %v", up, err)
	}
	// As the real server, only a shared KEK can be tested.
	if _, err := c.TestKEK(ctx, "k2"); !errors.Is(err, registry.ErrInvalidKey) {
		t.Fatalf("TestKEK of a KEK that is not shared: %v", err)
	}

	// Soft delete, then a get without Deleted misses and with Deleted finds.
	if err := c.DeleteKEK(ctx, "k1", true); !errors.Is(err, registry.ErrKeyNotSoftDeleted) {
		t.Fatalf("permanent delete first: %v", err)
	}
	if err := c.DeleteKEK(ctx, "k1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KEK(ctx, "k1"); !errors.Is(err, registry.ErrKeyNotFound) {
		t.Fatalf("soft-deleted KEK: %v", err)
	}
	if errors.Is(err, registry.ErrUnavailable) {
		t.Fatal("not found is an outage")
	}
	if d, err := c.KEK(ctx, "k1", dekregistry.Deleted()); err != nil || !d.Deleted {
		t.Fatalf("KEK(Deleted) = %+v, %v", d, err)
	}
	if names, _ := c.KEKs(ctx); !slices.Equal(names, []string{"k2"}) {
		t.Fatalf("KEKs after delete = %v", names)
	}
	if names, _ := c.KEKs(ctx, dekregistry.Deleted()); !slices.Equal(names, []string{"k1", "k2"}) {
		t.Fatalf("KEKs(Deleted) = %v", names)
	}
	if err := c.UndeleteKEK(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KEK(ctx, "k1"); err != nil {
		t.Fatalf("undeleted KEK: %v", err)
	}
	if err := c.DeleteKEK(ctx, "k1", false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKEK(ctx, "k1", true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KEK(ctx, "k1", dekregistry.Deleted()); !errors.Is(err, registry.ErrKeyNotFound) {
		t.Fatalf("permanently deleted KEK: %v", err)
	}
}

func TestDEKLifecycle(t *testing.T) {
	ctx := context.Background()
	_, c := newMock(t)
	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "kek", KMSType: "local-kms", KMSKeyID: "k"}); err != nil {
		t.Fatal(err)
	}
	// Subjects with characters that need escaping.
	subject := ":.ctx:orders/value"
	d1, err := c.CreateDEK(ctx, "kek", dekregistry.DEK{Subject: subject, Algorithm: "AES256_SIV", EncryptedKeyMaterial: "AAAA"})
	if err != nil {
		t.Fatal(err)
	}
	if d1.Version != 1 || d1.Subject != subject || d1.Algorithm != "AES256_SIV" || d1.KEKName != "kek" {
		t.Fatalf("created %v", d1)
	}
	if _, err := c.CreateDEK(ctx, "kek", dekregistry.DEK{Subject: subject, Algorithm: "AES256_SIV", EncryptedKeyMaterial: "BBBB"}); !errors.Is(err, registry.ErrKeyExists) {
		t.Fatalf("conflicting DEK: %v", err)
	}
	if _, err := c.CreateDEK(ctx, "kek", dekregistry.DEK{Subject: subject, Version: 2, Algorithm: "AES256_SIV", EncryptedKeyMaterial: "CCCC"}); err != nil {
		t.Fatal(err)
	}
	siv := dekregistry.Algorithm("AES256_SIV")
	if d, err := c.DEK(ctx, "kek", subject, siv); err != nil || d.Version != 1 || d.EncryptedKeyMaterial != "AAAA" {
		t.Fatalf("DEK = %v, %v", d, err)
	}
	if d, err := c.LatestDEK(ctx, "kek", subject, siv); err != nil || d.Version != 2 || d.EncryptedKeyMaterial != "CCCC" {
		t.Fatalf("LatestDEK = %v, %v", d, err)
	}
	if d, err := c.DEKVersion(ctx, "kek", subject, 2, siv); err != nil || d.Version != 2 {
		t.Fatalf("DEKVersion(2) = %v, %v", d, err)
	}
	if b, err := func() ([]byte, error) {
		d, _ := c.DEKVersion(ctx, "kek", subject, 1, siv)
		return d.EncryptedKeyMaterialBytes()
	}(); err != nil || len(b) != 3 {
		t.Fatalf("EncryptedKeyMaterialBytes = %x, %v", b, err)
	}
	// Another algorithm is another DEK.
	if _, err := c.DEK(ctx, "kek", subject); !errors.Is(err, registry.ErrKeyNotFound) {
		t.Fatalf("DEK of another algorithm: %v", err)
	}
	if vs, err := c.DEKVersions(ctx, "kek", subject, siv); err != nil || !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("DEKVersions = %v, %v", vs, err)
	}
	if ss, err := c.DEKSubjects(ctx, "kek"); err != nil || !slices.Equal(ss, []string{subject}) {
		t.Fatalf("DEKSubjects = %v, %v", ss, err)
	}
	if _, err := c.DEKVersion(ctx, "kek", subject, 0); !errors.Is(err, registry.ErrInvalidVersion) {
		t.Fatalf("version 0: %v", err)
	}

	// Delete version 2: the latest is 1 again, unless deleted ones count.
	if err := c.DeleteDEKVersion(ctx, "kek", subject, 2, false, siv); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.LatestDEK(ctx, "kek", subject, siv); d.Version != 1 {
		t.Fatalf("latest after delete = %v", d)
	}
	if d, err := c.LatestDEK(ctx, "kek", subject, siv, dekregistry.Deleted()); err != nil || d.Version != 2 || !d.Deleted {
		t.Fatalf("latest with deleted = %v, %v", d, err)
	}
	if err := c.UndeleteDEKVersion(ctx, "kek", subject, 2, siv); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKEK(ctx, "kek", false); !errors.Is(err, registry.ErrKeyReferenceExists) {
		t.Fatalf("deleting a KEK with DEKs: %v", err)
	}
	if err := c.DeleteDEK(ctx, "kek", subject, false, siv); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DEK(ctx, "kek", subject, siv); !errors.Is(err, registry.ErrKeyNotFound) {
		t.Fatalf("deleted DEK: %v", err)
	}
	if err := c.UndeleteDEK(ctx, "kek", subject, siv); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDEK(ctx, "kek", subject, false, siv); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDEK(ctx, "kek", subject, true, siv); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DEK(ctx, "kek", subject, siv, dekregistry.Deleted()); !errors.Is(err, registry.ErrKeyNotFound) {
		t.Fatalf("permanently deleted DEK: %v", err)
	}
}

func TestSharedKEKGeneratesMaterial(t *testing.T) {
	ctx := context.Background()
	_, c := newMock(t)
	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "shared", KMSType: "local-kms", KMSKeyID: "k", Shared: true}); err != nil {
		t.Fatal(err)
	}
	d, err := c.CreateDEK(ctx, "shared", dekregistry.DEK{Subject: "s", Algorithm: "AES256_SIV"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.KeyMaterialBytes()
	if err != nil || len(m) == 0 {
		t.Fatalf("no key material: %v", err)
	}
	// A DEK never prints its material.
	for _, s := range []string{fmt.Sprint(d), fmt.Sprintf("%+v", d), fmt.Sprintf("%#v", d)} {
		if strings.Contains(s, d.KeyMaterial) {
			t.Fatalf("formatted DEK shows its key material: %s", s)
		}
	}
}

func TestEmptyNamesFailBeforeCalling(t *testing.T) {
	ctx := context.Background()
	mock, c := newMock(t)
	mock.InjectFault(mockregistry.Fault{Status: 500}) // any call would fail as an outage
	for name, err := range map[string]error{
		"KEK":        func() error { _, err := c.KEK(ctx, ""); return err }(),
		"CreateKEK":  func() error { _, err := c.CreateKEK(ctx, dekregistry.KEK{}); return err }(),
		"CreateDEK":  func() error { _, err := c.CreateDEK(ctx, "k", dekregistry.DEK{}); return err }(),
		"DEK":        func() error { _, err := c.DEK(ctx, "k", ""); return err }(),
		"DeleteDEK":  c.DeleteDEK(ctx, "", "s", false),
		"UndeleteKE": c.UndeleteKEK(ctx, ""),
	} {
		if !errors.Is(err, registry.ErrInvalidKey) || errors.Is(err, registry.ErrUnavailable) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOutagesAreUnavailable(t *testing.T) {
	ctx := context.Background()
	mock, c := newMock(t)
	if _, err := c.CreateKEK(ctx, dekregistry.KEK{Name: "k", KMSType: "local-kms", KMSKeyID: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []mockregistry.Fault{
		{Status: 500, ErrorCode: 50070},
		{Status: 503},
		{Status: 401},
		{Status: 404, ErrorCode: 404}, // a path the server does not serve
	} {
		mock.ClearFaults()
		mock.InjectFault(f)
		_, err := c.KEK(ctx, "k")
		if !errors.Is(err, registry.ErrUnavailable) || errors.Is(err, registry.ErrKeyNotFound) {
			t.Errorf("fault %+v: %v", f, err)
		}
	}
}

// A 2xx answer that is no KEK or DEK is an outage, not an empty key.
func TestIncompleteAnswersAreUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	rc, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	c := dekregistry.New(rc)
	if _, err := c.KEK(context.Background(), "k"); !errors.Is(err, registry.ErrUnavailable) {
		t.Errorf("KEK: %v", err)
	}
	if _, err := c.LatestDEK(context.Background(), "k", "s"); !errors.Is(err, registry.ErrUnavailable) {
		t.Errorf("LatestDEK: %v", err)
	}
}

// A registry without the subject-in-path DEK endpoint answers 405; the
// client falls back to POST /keks/{name}/deks, as Java's does.
func TestCreateDEKFallsBackOn405(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/dek-registry/v1/keks/k/deks" {
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = io.WriteString(w, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
			return
		}
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		_ = json.NewEncoder(w).Encode(map[string]any{"kekName": "k", "subject": in["subject"], "version": 1, "algorithm": "AES256_GCM", "encryptedKeyMaterial": in["encryptedKeyMaterial"]})
	}))
	defer srv.Close()
	rc, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	d, err := dekregistry.New(rc).CreateDEK(context.Background(), "k", dekregistry.DEK{Subject: "a/b", EncryptedKeyMaterial: "AAAA"})
	if err != nil || d.Subject != "a/b" || d.EncryptedKeyMaterial != "AAAA" {
		t.Fatalf("CreateDEK = %v, %v", d, err)
	}
	if want := []string{"POST /dek-registry/v1/keks/k/deks/a%2Fb", "POST /dek-registry/v1/keks/k/deks"}; !slices.Equal(seen, want) {
		t.Fatalf("requests %q, want %q", seen, want)
	}
}

// Query parameters reach the registry as Confluent's clients send them.
func TestQueryParameters(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodDelete || strings.HasSuffix(r.URL.Path, "/undelete"):
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/keks") && r.Method == http.MethodGet:
			_, _ = io.WriteString(w, `[]`)
		case strings.Contains(r.URL.Path, "/deks/"):
			_, _ = io.WriteString(w, `{"kekName":"k","subject":"s","version":3,"algorithm":"AES256_SIV"}`)
		default:
			_, _ = io.WriteString(w, `{"name":"k","kmsType":"local-kms","kmsKeyId":"x"}`)
		}
	}))
	defer srv.Close()
	rc, err := registry.New(registry.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := dekregistry.New(rc)
	_, _ = c.KEKs(ctx, dekregistry.Deleted(), dekregistry.SubjectPrefix("a", "b"), dekregistry.Offset(2), dekregistry.Limit(5))
	_, _ = c.KEK(ctx, "k", dekregistry.Context(".ctx"), dekregistry.Deleted())
	_, _ = c.CreateKEK(ctx, dekregistry.KEK{Name: "k", KMSType: "local-kms", KMSKeyID: "x"}, dekregistry.TestSharing(), dekregistry.Context(".ctx"))
	_, _ = c.LatestDEK(ctx, "k", "s", dekregistry.Algorithm("AES256_SIV"), dekregistry.Deleted())
	_ = c.DeleteDEKVersion(ctx, "k", "s", 3, true, dekregistry.Algorithm("AES256_SIV"))
	_ = c.DeleteKEK(ctx, "k", true)
	_, _ = c.CreateDEK(ctx, "k", dekregistry.DEK{Subject: "s"}, dekregistry.Rewrap())
	want := []string{
		"GET /dek-registry/v1/keks?deleted=true&limit=5&offset=2&subjectPrefix=a&subjectPrefix=b",
		"GET /dek-registry/v1/keks/k?context=.ctx&deleted=true",
		"POST /dek-registry/v1/keks?context=.ctx&testSharing=true",
		"GET /dek-registry/v1/keks/k/deks/s/versions/latest?algorithm=AES256_SIV&deleted=true",
		"DELETE /dek-registry/v1/keks/k/deks/s/versions/3?algorithm=AES256_SIV&permanent=true",
		"DELETE /dek-registry/v1/keks/k?permanent=true",
		"POST /dek-registry/v1/keks/k/deks/s?rewrap=true",
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
