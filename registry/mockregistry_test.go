package registry_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
)

// These tests run the client's endpoint calls over HTTP against the
// in-memory registry of package mockregistry, which serves Confluent's REST
// API with real Avro compatibility checks.

// The schemas are Protobuf, a format the mock checks for real.
const (
	userV1 = `syntax = "proto3";
package ex;

message User {
  int64 id = 1;
}
`
	userV2 = `syntax = "proto3";
package ex;

message User {
  int64 id = 1;
  string email = 2;
}
`
	// userBad changes the type of field 1: not backward compatible.
	userBad = `syntax = "proto3";
package ex;

message User {
  string id = 1;
}
`
	address = `syntax = "proto3";
package ex;

message Address {
  string city = 1;
}
`
	person = `syntax = "proto3";
package ex;

import "address.proto";

message Person {
  Address home = 1;
}
`
)

func pb(text string, refs ...registry.Reference) registry.Schema {
	return registry.Schema{Schema: text, SchemaType: registry.Protobuf, References: refs}
}

func mockClient(t *testing.T, opts ...registry.Option) (*mockregistry.Server, *registry.Client) {
	t.Helper()
	srv := mockregistry.StartServer(t)
	c, err := registry.New(append([]registry.Option{registry.URLs(srv.URL())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

// result carries a call's answer to ok, which fails the test on error.
type result[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) ok(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func TestMockRegisterAndLookups(t *testing.T) {
	ctx := context.Background()
	_, c := mockClient(t)

	r1 := must(c.Register(ctx, "users-value", pb(userV1))).ok(t)
	if r1.ID == 0 || r1.Version != 1 || r1.Subject != "users-value" {
		t.Fatalf("register v1: %+v", r1)
	}
	again := must(c.Register(ctx, "users-value", pb(userV1))).ok(t)
	if again.ID != r1.ID {
		t.Fatalf("re-register: %+v", again)
	}
	r2 := must(c.Register(ctx, "users-value", registry.Schema{Schema: userV2, SchemaType: registry.Protobuf, Metadata: &registry.Metadata{Properties: map[string]string{"owner": "team a"}}})).ok(t)
	if r2.Version != 2 || r2.ID == r1.ID {
		t.Fatalf("register v2: %+v", r2)
	}

	byID := must(c.SchemaByID(ctx, r1.ID)).ok(t)
	if byID.ID != r1.ID || !strings.Contains(byID.Schema.Schema, "message User") || byID.Type() != registry.Protobuf {
		t.Fatalf("by id: %+v", byID)
	}
	if r1.GUID != "" {
		byGUID := must(c.SchemaByGUID(ctx, r1.GUID)).ok(t)
		if byGUID.Schema.Schema != byID.Schema.Schema {
			t.Fatalf("by guid: %+v", byGUID)
		}
		ids := must(c.IDsByGUID(ctx, r1.GUID)).ok(t)
		if len(ids) != 1 || ids[0].ID != r1.ID {
			t.Fatalf("ids by guid: %+v", ids)
		}
	}
	look := must(c.LookupSchema(ctx, "users-value", pb(userV1))).ok(t)
	if look.ID != r1.ID || look.Version != 1 {
		t.Fatalf("lookup: %+v", look)
	}
	if _, err := c.LookupSchema(ctx, "users-value", pb(address)); !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Fatalf("lookup of an unknown schema: %v", err)
	}
	if _, err := c.LookupSchema(ctx, "nobody", pb(address)); !errors.Is(err, registry.ErrSubjectNotFound) {
		t.Fatalf("lookup under an unknown subject: %v", err)
	}
	if v := must(c.SchemaByVersion(ctx, "users-value", 1)).ok(t); v.ID != r1.ID || v.Version != 1 {
		t.Fatalf("version 1: %+v", v)
	}
	if l := must(c.LatestSchema(ctx, "users-value")).ok(t); l.Version != 2 {
		t.Fatalf("latest: %+v", l)
	}
	if m := must(c.LatestWithMetadata(ctx, "users-value", map[string]string{"owner": "team a"})).ok(t); m.Version != 2 {
		t.Fatalf("latest with metadata: %+v", m)
	}
	if _, err := c.LatestWithMetadata(ctx, "users-value", map[string]string{"owner": "team b"}); err == nil {
		t.Fatal("latest with unmatched metadata found something")
	}
	if _, err := c.SchemaByVersion(ctx, "users-value", 9); !errors.Is(err, registry.ErrVersionNotFound) {
		t.Fatalf("missing version: %v", err)
	}
	if _, err := c.SchemaByID(ctx, 999); !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Fatalf("missing id: %v", err)
	}
	if vs := must(c.Versions(ctx, "users-value")).ok(t); !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("versions: %v", vs)
	}
	if ss := must(c.Subjects(ctx)).ok(t); !slices.Equal(ss, []string{"users-value"}) {
		t.Fatalf("subjects: %v", ss)
	}
	if ss := must(c.SubjectsByID(ctx, r1.ID)).ok(t); !slices.Equal(ss, []string{"users-value"}) {
		t.Fatalf("subjects by id: %v", ss)
	}
	if svs := must(c.SubjectVersionsByID(ctx, r2.ID)).ok(t); len(svs) != 1 || svs[0] != (registry.SubjectVersion{Subject: "users-value", Version: 2}) {
		t.Fatalf("subject versions by id: %v", svs)
	}
	if all := must(c.Schemas(ctx, registry.LatestOnly())).ok(t); len(all) != 1 || all[0].Version != 2 {
		t.Fatalf("schemas latestOnly: %+v", all)
	}
	if raw := must(c.RawSchemaByVersion(ctx, "users-value", 1)).ok(t); !strings.Contains(raw, "message User") {
		t.Fatalf("raw schema: %q", raw)
	}
	if raw := must(c.RawSchemaByID(ctx, r1.ID)).ok(t); !strings.Contains(raw, "message User") {
		t.Fatalf("raw schema by id: %q", raw)
	}
	if types := must(c.SchemaTypes(ctx)).ok(t); !slices.Contains(types, "PROTOBUF") {
		t.Fatalf("schema types: %v", types)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMockReferences(t *testing.T) {
	ctx := context.Background()
	_, c := mockClient(t)
	a := must(c.Register(ctx, "address", pb(address))).ok(t)
	p := must(c.Register(ctx, "person", pb(person, registry.Reference{Name: "address.proto", Subject: "address", Version: a.Version}))).ok(t)
	if ids := must(c.ReferencedBy(ctx, "address", 1)).ok(t); !slices.Equal(ids, []int{p.ID}) {
		t.Fatalf("referencedby: %v", ids)
	}
	if _, err := c.DeleteVersion(ctx, "address", 1, false); !errors.Is(err, registry.ErrReferenceExists) {
		t.Fatalf("deleting a referenced version: %v", err)
	}
}

func TestMockCompatibility(t *testing.T) {
	ctx := context.Background()
	_, c := mockClient(t)
	must(c.Register(ctx, "users-value", pb(userV1))).ok(t)
	ok := must(c.CheckCompatibility(ctx, "users-value", registry.Latest, pb(userV2))).ok(t)
	if !ok.IsCompatible {
		t.Fatalf("v2 should be compatible: %+v", ok)
	}
	bad := must(c.CheckCompatibility(ctx, "users-value", registry.AllVersions, pb(userBad), registry.Verbose())).ok(t)
	if bad.IsCompatible || len(bad.Messages) == 0 {
		t.Fatalf("verbose incompatible result: %+v", bad)
	}
	if _, err := c.Register(ctx, "users-value", pb(userBad)); !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Fatalf("registering an incompatible schema: %v", err)
	}
}

func TestMockDeletes(t *testing.T) {
	ctx := context.Background()
	_, c := mockClient(t)
	must(c.Register(ctx, "s", pb(userV1))).ok(t)
	must(c.Register(ctx, "s", pb(userV2))).ok(t)
	if _, err := c.DeleteVersion(ctx, "s", 1, true); !errors.Is(err, registry.ErrSchemaVersionNotSoftDeleted) {
		t.Fatalf("hard delete before soft delete: %v", err)
	}
	if v := must(c.DeleteVersion(ctx, "s", 2, false)).ok(t); v != 2 {
		t.Fatalf("soft delete version: %d", v)
	}
	// The client dropped its cached latest: version 1 is the latest now.
	if l := must(c.LatestSchema(ctx, "s")).ok(t); l.Version != 1 {
		t.Fatalf("latest after deleting version 2: %+v", l)
	}
	if vs := must(c.Versions(ctx, "s", registry.Deleted())).ok(t); !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("versions with deleted: %v", vs)
	}
	if v := must(c.DeleteVersion(ctx, "s", 2, true)).ok(t); v != 2 {
		t.Fatalf("hard delete version: %d", v)
	}
	if vs := must(c.DeleteSubject(ctx, "s", false)).ok(t); !slices.Equal(vs, []int{1}) {
		t.Fatalf("soft delete subject: %v", vs)
	}
	if _, err := c.LatestSchema(ctx, "s"); !errors.Is(err, registry.ErrSubjectNotFound) {
		t.Fatalf("latest of a deleted subject: %v", err)
	}
	if ss := must(c.Subjects(ctx, registry.DeletedOnly())).ok(t); !slices.Equal(ss, []string{"s"}) {
		t.Fatalf("deleted subjects: %v", ss)
	}
	if vs := must(c.DeleteSubject(ctx, "s", true)).ok(t); !slices.Equal(vs, []int{1}) {
		t.Fatalf("hard delete subject: %v", vs)
	}
	if ss := must(c.Subjects(ctx, registry.Deleted())).ok(t); len(ss) != 0 {
		t.Fatalf("subjects after hard delete: %v", ss)
	}
}

func TestMockConfigAndMode(t *testing.T) {
	ctx := context.Background()
	_, c := mockClient(t)
	if g := must(c.GetConfig(ctx, "")).ok(t); g.CompatibilityLevel != registry.Backward {
		t.Fatalf("global config: %+v", g)
	}
	set := must(c.SetConfig(ctx, "s", registry.Config{CompatibilityLevel: registry.None, Normalize: ptr(true)})).ok(t)
	if set.CompatibilityLevel != registry.None {
		t.Fatalf("PUT answer: %+v", set)
	}
	got := must(c.GetConfig(ctx, "s")).ok(t)
	if got.CompatibilityLevel != registry.None || got.Normalize == nil || !*got.Normalize {
		t.Fatalf("GET after PUT: %+v", got)
	}
	// NONE lets the incompatible schema in.
	must(c.Register(ctx, "s", pb(userV1))).ok(t)
	must(c.Register(ctx, "s", pb(userBad))).ok(t)
	must(c.DeleteConfig(ctx, "s")).ok(t)
	if _, err := c.GetConfig(ctx, "s"); !errors.Is(err, registry.ErrSubjectLevelCompatNotConfig) {
		t.Fatalf("subject config after delete: %v", err)
	}
	if d := must(c.GetConfig(ctx, "s", registry.DefaultToGlobal())).ok(t); d.CompatibilityLevel != registry.Backward {
		t.Fatalf("defaultToGlobal: %+v", d)
	}

	if m := must(c.GetMode(ctx, "")).ok(t); m != registry.ReadWrite {
		t.Fatalf("global mode: %s", m)
	}
	if m := must(c.SetMode(ctx, "s", registry.ReadOnly)).ok(t); m != registry.ReadOnly {
		t.Fatalf("set mode: %s", m)
	}
	if _, err := c.Register(ctx, "s", pb(userV2)); !errors.Is(err, registry.ErrOperationNotPermitted) {
		t.Fatalf("register in READONLY: %v", err)
	}
	if _, err := c.SetMode(ctx, "s", registry.Import); err == nil {
		t.Fatal("IMPORT on a non-empty subject without force")
	}
	if m := must(c.SetMode(ctx, "s", registry.Import, registry.Force())).ok(t); m != registry.Import {
		t.Fatalf("forced IMPORT: %s", m)
	}
	imp := must(c.Register(ctx, "s", pb(userV2), registry.ExplicitID(100, 7))).ok(t)
	if imp.ID != 100 || imp.Version != 7 {
		t.Fatalf("register in IMPORT mode: %+v", imp)
	}
	if v := must(c.SchemaByID(ctx, 100)).ok(t); !strings.Contains(v.Schema.Schema, "email") {
		t.Fatalf("imported schema by id: %+v", v)
	}
	must(c.DeleteMode(ctx, "s")).ok(t)
	if _, err := c.GetMode(ctx, "s"); !errors.Is(err, registry.ErrSubjectLevelModeNotConfig) {
		t.Fatalf("mode after delete: %v", err)
	}
}

func TestMockContexts(t *testing.T) {
	ctx := context.Background()
	srv, c := mockClient(t)
	staging, err := srv.Client(registry.DefaultContext("staging"))
	if err != nil {
		t.Fatal(err)
	}
	defer staging.Close()

	d := must(c.Register(ctx, "users-value", pb(userV1))).ok(t)
	s := must(staging.Register(ctx, "users-value", pb(userV2))).ok(t)
	if s.Version != 1 {
		t.Fatalf("the staging context has its own versions: %+v", s)
	}
	// The default-context client sees the staging subject qualified.
	if ss := must(c.Subjects(ctx, registry.SubjectPrefix(":*:"))).ok(t); !slices.Contains(ss, ":.staging:users-value") || !slices.Contains(ss, "users-value") {
		t.Fatalf("subjects in every context: %v", ss)
	}
	if v := must(c.LatestSchema(ctx, ":.staging:users-value")).ok(t); v.ID != s.ID || !strings.Contains(v.Schema.Schema, "email") {
		t.Fatalf("qualified subject: %+v", v)
	}
	if v := must(c.LatestSchema(ctx, "users-value", registry.InContext(".staging"))).ok(t); v.ID != s.ID {
		t.Fatalf("per-call context: %+v", v)
	}
	if v := must(staging.LatestSchema(ctx, "users-value", registry.InContext(""))).ok(t); v.ID != d.ID {
		t.Fatalf("per-call default context: %+v", v)
	}
	// IDs resolve in the context the client runs in.
	if v := must(staging.SchemaByID(ctx, s.ID)).ok(t); !strings.Contains(v.Schema.Schema, "email") {
		t.Fatalf("id in staging: %+v", v)
	}
	if v := must(c.SchemaByID(ctx, s.ID, registry.SubjectHint(":.staging:users-value"))).ok(t); !strings.Contains(v.Schema.Schema, "email") {
		t.Fatalf("id with a qualified subject hint: %+v", v)
	}
	// Context-level config.
	must(staging.SetConfig(ctx, "", registry.Config{CompatibilityLevel: registry.None})).ok(t)
	must(staging.Register(ctx, "users-value", pb(userBad))).ok(t)
	if _, err := c.Register(ctx, "users-value", pb(userBad)); !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Fatalf("the default context kept BACKWARD: %v", err)
	}
	if cs := must(c.Contexts(ctx)).ok(t); !slices.Contains(cs, ".") || !slices.Contains(cs, ".staging") {
		t.Fatalf("contexts: %v", cs)
	}
	if err := c.DeleteContext(ctx, "staging"); !errors.Is(err, registry.ErrContextNotEmpty) {
		t.Fatalf("deleting a non-empty context: %v", err)
	}
	must(staging.DeleteSubject(ctx, "users-value", false)).ok(t)
	must(staging.DeleteSubject(ctx, "users-value", true)).ok(t)
	must(staging.DeleteConfig(ctx, "")).ok(t)
	if err := c.DeleteContext(ctx, "staging"); err != nil {
		t.Fatalf("deleting an empty context: %v", err)
	}
}

func TestMockRetriesThroughFaults(t *testing.T) {
	ctx := context.Background()
	srv, c := mockClient(t, registry.Retries(3, time.Millisecond, 5*time.Millisecond))
	srv.Registry.InjectFault(mockregistry.Fault{Status: 503, Times: 2})
	if _, err := c.Register(ctx, "s", pb(userV1)); err != nil {
		t.Fatalf("register through two 503s: %v", err)
	}
	srv.Registry.InjectFault(mockregistry.Fault{Status: 500, ErrorCode: 50001, Times: 10})
	if _, err := c.Subjects(ctx); !errors.Is(err, registry.ErrStoreError) {
		t.Fatalf("persistent 50001: %v", err)
	}
}

func TestMockAuth(t *testing.T) {
	srv := mockregistry.StartServer(t, mockregistry.WithBasicAuth("key", "secret"))
	bad, _ := registry.New(registry.URLs(srv.URL()), registry.BasicAuth("key", "wrong"))
	defer bad.Close()
	if _, err := bad.Subjects(context.Background()); !errors.Is(err, registry.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	if strings.Contains(errString(bad.Subjects(context.Background())), "wrong") {
		t.Fatal("secret in error")
	}
	good, _ := registry.NewFromProperties(map[string]string{
		"schema.registry.url":  srv.URL(),
		"basic.auth.user.info": "key:secret",
	})
	defer good.Close()
	if _, err := good.Subjects(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func errString[T any](_ T, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func ptr[T any](v T) *T { return &v }
