package interop

import (
	"encoding/base64"
	"errors"
	"slices"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rest"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/deks"
	"github.com/srkit-go/srkit/mockregistry"
)

const (
	// The test format stores compact JSON with sorted keys; these are in that form.
	v1  = `{"fields":[{"name":"id","type":"int"}],"name":"User","type":"record"}`
	v2  = `{"fields":[{"name":"id","type":"int"},{"default":"","name":"email","type":"string"}],"name":"User","type":"record"}`
	bad = `{"fields":[{"name":"id","type":"int"},{"name":"age","type":"int"}],"name":"User","type":"record"}`
)

// newClient starts the mock on 127.0.0.1 and returns Confluent's client for it.
func newClient(t *testing.T, opts ...mockregistry.Option) (schemaregistry.Client, *mockregistry.Server) {
	t.Helper()
	srv := mockregistry.StartServer(t, append([]mockregistry.Option{mockregistry.WithFormats(recordFormat{})}, opts...)...)
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, srv
}

// restCode returns the error_code of a Confluent client error.
func restCode(err error) int {
	var re *rest.Error
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

func TestRegisterAndLookups(t *testing.T) {
	c, _ := newClient(t)
	id, err := c.Register("users-value", schemaregistry.SchemaInfo{Schema: v1}, false)
	if err != nil || id != 1 {
		t.Fatalf("Register = %d, %v", id, err)
	}
	full, err := c.RegisterFullResponse("users-value", schemaregistry.SchemaInfo{Schema: v2}, false)
	if err != nil || full.ID != 2 || full.Version != 2 || full.GUID == "" {
		t.Fatalf("RegisterFullResponse = %+v, %v", full, err)
	}
	// The same schema under another subject shares the ID.
	if id, err := c.Register("other-value", schemaregistry.SchemaInfo{Schema: v1}, false); err != nil || id != 1 {
		t.Fatalf("Register other = %d, %v", id, err)
	}
	info, err := c.GetBySubjectAndID("users-value", 2)
	if err != nil || info.Schema != v2 {
		t.Fatalf("GetBySubjectAndID = %+v, %v", info, err)
	}
	if _, err := c.GetBySubjectAndID("", 77); restCode(err) != 40403 {
		t.Fatalf("GetBySubjectAndID(77): %v", err)
	}
	byGUID, err := c.GetByGUID(full.GUID)
	if err != nil || byGUID.Schema != v2 {
		t.Fatalf("GetByGUID = %+v, %v", byGUID, err)
	}
	if got, err := c.GetID("users-value", schemaregistry.SchemaInfo{Schema: v1}, false); err != nil || got != 1 {
		t.Fatalf("GetID = %d, %v", got, err)
	}
	if got, err := c.GetVersion("users-value", schemaregistry.SchemaInfo{Schema: v2}, false); err != nil || got != 2 {
		t.Fatalf("GetVersion = %d, %v", got, err)
	}
	latest, err := c.GetLatestSchemaMetadata("users-value")
	if err != nil || latest.Version != 2 || latest.ID != 2 || latest.Subject != "users-value" {
		t.Fatalf("GetLatestSchemaMetadata = %+v, %v", latest, err)
	}
	md, err := c.GetSchemaMetadata("users-value", 1)
	if err != nil || md.ID != 1 || md.Schema != v1 {
		t.Fatalf("GetSchemaMetadata = %+v, %v", md, err)
	}
	if _, err := c.GetSchemaMetadata("users-value", 9); restCode(err) != 40402 {
		t.Fatalf("GetSchemaMetadata(9): %v", err)
	}
	if _, err := c.GetLatestSchemaMetadata("nope"); restCode(err) != 40401 {
		t.Fatalf("GetLatestSchemaMetadata(nope): %v", err)
	}
	if vs, err := c.GetAllVersions("users-value"); err != nil || !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("GetAllVersions = %v, %v", vs, err)
	}
	if subs, err := c.GetAllSubjects(); err != nil || !slices.Equal(subs, []string{"other-value", "users-value"}) {
		t.Fatalf("GetAllSubjects = %v, %v", subs, err)
	}
	svs, err := c.GetSubjectsAndVersionsByID(1)
	if err != nil || len(svs) != 2 || svs[0].Subject != "other-value" || svs[1].Version != 1 {
		t.Fatalf("GetSubjectsAndVersionsByID = %+v, %v", svs, err)
	}
	if ctxs, err := c.GetAllContexts(); err != nil || !slices.Equal(ctxs, []string{"."}) {
		t.Fatalf("GetAllContexts = %v, %v", ctxs, err)
	}
}

func TestLatestWithMetadata(t *testing.T) {
	c, _ := newClient(t)
	for _, s := range []schemaregistry.SchemaInfo{
		{Schema: v1, Metadata: &schemaregistry.Metadata{Properties: map[string]string{"app": "a"}}},
		{Schema: v2, Metadata: &schemaregistry.Metadata{Properties: map[string]string{"app": "b"}}},
	} {
		if _, err := c.Register("m-value", s, false); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.GetLatestWithMetadata("m-value", map[string]string{"app": "a"}, false)
	if err != nil || got.Version != 1 || got.Metadata == nil || got.Metadata.Properties["app"] != "a" {
		t.Fatalf("GetLatestWithMetadata = %+v, %v", got, err)
	}
	if _, err := c.GetLatestWithMetadata("m-value", map[string]string{"app": "z"}, false); restCode(err) != 40403 {
		t.Fatalf("no match: %v", err)
	}
}

func TestReferences(t *testing.T) {
	c, _ := newClient(t)
	addr := `{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}`
	if _, err := c.Register("address", schemaregistry.SchemaInfo{Schema: addr}, false); err != nil {
		t.Fatal(err)
	}
	cust := `{"type":"record","name":"Customer","fields":[{"name":"home","type":"Address"}]}`
	refs := []schemaregistry.Reference{{Name: "Address", Subject: "address", Version: 1}}
	if _, err := c.Register("customer", schemaregistry.SchemaInfo{Schema: cust}, false); restCode(err) != 42201 {
		t.Fatalf("missing reference: %v", err)
	}
	id, err := c.Register("customer", schemaregistry.SchemaInfo{Schema: cust, References: refs}, false)
	if err != nil || id != 2 {
		t.Fatalf("Register with references = %d, %v", id, err)
	}
	got, err := c.GetSchemaMetadata("customer", 1)
	if err != nil || len(got.References) != 1 || got.References[0] != refs[0] {
		t.Fatalf("GetSchemaMetadata = %+v, %v", got, err)
	}
	if _, err := c.DeleteSubjectVersion("address", 1, false); restCode(err) != 42206 {
		t.Fatalf("delete referenced: %v", err)
	}
}

func TestCompatibility(t *testing.T) {
	c, _ := newClient(t)
	if _, err := c.Register("c-value", schemaregistry.SchemaInfo{Schema: v1}, false); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.TestCompatibility("c-value", 1, schemaregistry.SchemaInfo{Schema: v2}); err != nil || !ok {
		t.Fatalf("TestCompatibility(v2) = %v, %v", ok, err)
	}
	if ok, err := c.TestSubjectCompatibility("c-value", schemaregistry.SchemaInfo{Schema: bad}); err != nil || ok {
		t.Fatalf("TestSubjectCompatibility(bad) = %v, %v", ok, err)
	}
	_, err := c.Register("c-value", schemaregistry.SchemaInfo{Schema: bad}, false)
	var re *rest.Error
	if !errors.As(err, &re) || re.Code != 40901 || re.Status != 409 {
		t.Fatalf("incompatible Register: %#v", err)
	}
	if got, err := c.GetDefaultCompatibility(); err != nil || got != schemaregistry.Backward {
		t.Fatalf("GetDefaultCompatibility = %v, %v", got, err)
	}
	if got, err := c.UpdateCompatibility("c-value", schemaregistry.None); err != nil || got != schemaregistry.None {
		t.Fatalf("UpdateCompatibility = %v, %v", got, err)
	}
	if got, err := c.GetCompatibility("c-value"); err != nil || got != schemaregistry.None {
		t.Fatalf("GetCompatibility = %v, %v", got, err)
	}
	if _, err := c.Register("c-value", schemaregistry.SchemaInfo{Schema: bad}, false); err != nil {
		t.Fatalf("Register at NONE: %v", err)
	}
	if _, err := c.GetCompatibility("unset"); restCode(err) != 40408 {
		t.Fatalf("GetCompatibility(unset): %v", err)
	}
	if got, err := c.UpdateDefaultCompatibility(schemaregistry.FullTransitive); err != nil || got != schemaregistry.FullTransitive {
		t.Fatalf("UpdateDefaultCompatibility = %v, %v", got, err)
	}
}

func TestConfig(t *testing.T) {
	c, _ := newClient(t)
	upd := schemaregistry.ServerConfig{CompatibilityUpdate: schemaregistry.Forward, CompatibilityGroup: "major", Normalize: true}
	if _, err := c.UpdateConfig("cfg-value", upd); err != nil {
		t.Fatalf("UpdateConfig: %v", err)
	}
	got, err := c.GetConfig("cfg-value", false)
	if err != nil || got.CompatibilityLevel != schemaregistry.Forward || got.CompatibilityGroup != "major" || !got.Normalize {
		t.Fatalf("GetConfig = %+v, %v", got, err)
	}
	if _, err := c.GetConfig("other", false); restCode(err) != 40408 {
		t.Fatalf("GetConfig(other): %v", err)
	}
	global, err := c.GetConfig("other", true)
	if err != nil || global.CompatibilityLevel != schemaregistry.Backward {
		t.Fatalf("GetConfig(other, defaultToGlobal) = %+v, %v", global, err)
	}
	def, err := c.GetDefaultConfig()
	if err != nil || def.CompatibilityLevel != schemaregistry.Backward {
		t.Fatalf("GetDefaultConfig = %+v, %v", def, err)
	}
}

func TestDeletes(t *testing.T) {
	c, _ := newClient(t)
	for _, s := range []string{v1, v2} {
		if _, err := c.Register("d-value", schemaregistry.SchemaInfo{Schema: s}, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteSubjectVersion("d-value", 1, true); restCode(err) != 40407 {
		t.Fatalf("hard delete first: %v", err)
	}
	if n, err := c.DeleteSubjectVersion("d-value", 1, false); err != nil || n != 1 {
		t.Fatalf("DeleteSubjectVersion = %d, %v", n, err)
	}
	if _, err := c.DeleteSubjectVersion("d-value", 1, false); restCode(err) != 40406 {
		t.Fatalf("second soft delete: %v", err)
	}
	if _, err := c.GetSchemaMetadata("d-value", 1); restCode(err) != 40402 {
		t.Fatalf("read soft-deleted: %v", err)
	}
	if md, err := c.GetSchemaMetadataIncludeDeleted("d-value", 1, true); err != nil || md.Version != 1 {
		t.Fatalf("GetSchemaMetadataIncludeDeleted = %+v, %v", md, err)
	}
	if vs, err := c.DeleteSubject("d-value", false); err != nil || !slices.Equal(vs, []int{2}) {
		t.Fatalf("DeleteSubject = %v, %v", vs, err)
	}
	if _, err := c.DeleteSubject("d-value", false); restCode(err) != 40404 {
		t.Fatalf("second soft subject delete: %v", err)
	}
	if vs, err := c.DeleteSubject("d-value", true); err != nil || !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("permanent DeleteSubject = %v, %v", vs, err)
	}
	if _, err := c.DeleteSubject("d-value", true); restCode(err) != 40401 {
		t.Fatalf("delete gone subject: %v", err)
	}
}

func TestAssociationsLookupFallsBack(t *testing.T) {
	c, _ := newClient(t)
	got, err := c.GetAssociationsByResourceName("orders", "lkc-1", "topic", []string{"value"}, "", 0, -1)
	if err != nil || len(got) != 0 {
		t.Fatalf("GetAssociationsByResourceName = %+v, %v", got, err)
	}
}

func TestBasicAuth(t *testing.T) {
	srv := mockregistry.StartServer(t, mockregistry.WithFormats(recordFormat{}), mockregistry.WithBasicAuth("key", "secret"))
	good, err := schemaregistry.NewClient(schemaregistry.NewConfigWithBasicAuthentication(srv.URL(), "key", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := good.GetAllSubjects(); err != nil {
		t.Fatalf("with credentials: %v", err)
	}
	bad, err := schemaregistry.NewClient(schemaregistry.NewConfigWithBasicAuthentication(srv.URL(), "key", "wrong"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.GetAllSubjects(); restCode(err) != 401 {
		t.Fatalf("wrong credentials: %v", err)
	}
}

func TestDekRegistry(t *testing.T) {
	_, srv := newClient(t)
	c, err := deks.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	kek, err := c.RegisterKek("kek1", "local-kms", "key-1", map[string]string{"secret": "s"}, "doc", false)
	if err != nil || kek.Name != "kek1" || kek.KmsKeyID != "key-1" || kek.Shared {
		t.Fatalf("RegisterKek = %+v, %v", kek, err)
	}
	got, err := c.GetKek("kek1", false)
	if err != nil || got.KmsType != "local-kms" || got.KmsProps["secret"] != "s" {
		t.Fatalf("GetKek = %+v, %v", got, err)
	}
	if _, err := c.GetKek("nope", false); restCode(err) != 40470 {
		t.Fatalf("GetKek(nope): %v", err)
	}
	enc := base64.StdEncoding.EncodeToString([]byte("wrapped-key"))
	dek, err := c.RegisterDek("kek1", "users-value", "AES256_GCM", enc)
	if err != nil || dek.Version != 1 || dek.EncryptedKeyMaterial != enc {
		t.Fatalf("RegisterDek = %+v, %v", dek, err)
	}
	if _, err := c.RegisterDekVersion("kek1", "users-value", 2, "AES256_GCM", enc); err != nil {
		t.Fatalf("RegisterDekVersion: %v", err)
	}
	latest, err := c.GetDekVersion("kek1", "users-value", -1, "AES256_GCM", false)
	if err != nil || latest.Version != 2 {
		t.Fatalf("GetDekVersion(latest) = %+v, %v", latest, err)
	}
	first, err := c.GetDek("kek1", "users-value", "AES256_GCM", false)
	if err != nil || first.Subject != "users-value" {
		t.Fatalf("GetDek = %+v, %v", first, err)
	}
	raw, err := c.GetDekEncryptedKeyMaterialBytes(&first)
	if err != nil || string(raw) != "wrapped-key" {
		t.Fatalf("encrypted key material %q, %v", raw, err)
	}
	if _, err := c.GetDek("kek1", "other", "AES256_GCM", false); restCode(err) != 40470 {
		t.Fatalf("GetDek(other): %v", err)
	}
	// A shared KEK: the registry makes the key.
	if _, err := c.RegisterKek("shared", "aws-kms", "arn:aws:kms:x", nil, "", true); err != nil {
		t.Fatal(err)
	}
	sdek, err := c.RegisterDek("shared", "orders-value", "AES256_SIV", "")
	if err != nil || sdek.KeyMaterial == "" {
		t.Fatalf("RegisterDek(shared) = %+v, %v", sdek, err)
	}
	key, err := c.GetDekKeyMaterialBytes(&sdek)
	if err != nil || len(key) != 66 {
		t.Fatalf("key material %d bytes, %v", len(key), err)
	}
}
