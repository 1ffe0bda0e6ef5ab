package mockregistry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/srkit-go/srkit/registry"
)

// exerciseClient drives the registry client through the main calls and
// checks the typed results and errors.
func exerciseClient(t *testing.T, c *registry.Client) {
	t.Helper()
	ctx := context.Background()
	s1, err := c.Register(ctx, "orders-value", registry.Schema{Schema: userV1})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if s1.ID != 1 || s1.Version != 1 || s1.GUID == "" {
		t.Fatalf("Register = %+v", s1)
	}
	s2, err := c.Register(ctx, "orders-value", registry.Schema{Schema: userV2})
	if err != nil || s2.ID != 2 || s2.Version != 2 {
		t.Fatalf("Register v2 = %+v, %v", s2, err)
	}
	_, err = c.Register(ctx, "orders-value", registry.Schema{Schema: userBad})
	if !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Fatalf("incompatible Register: %v", err)
	}
	got, err := c.SchemaByID(ctx, 1)
	if err != nil || got.Schema.Schema != userV1 || got.GUID != s1.GUID {
		t.Fatalf("SchemaByID = %+v, %v", got, err)
	}
	if _, err := c.SchemaByID(ctx, 42); !errors.Is(err, registry.ErrSchemaNotFound) {
		t.Fatalf("SchemaByID(42): %v", err)
	}
	byGUID, err := c.SchemaByGUID(ctx, s2.GUID)
	if err != nil || byGUID.Schema.Schema != userV2 {
		t.Fatalf("SchemaByGUID = %+v, %v", byGUID, err)
	}
	latest, err := c.LatestSchema(ctx, "orders-value")
	if err != nil || latest.Version != 2 || latest.ID != 2 {
		t.Fatalf("LatestSchema = %+v, %v", latest, err)
	}
	look, err := c.LookupSchema(ctx, "orders-value", registry.Schema{Schema: userV1b})
	if err != nil || look.Version != 1 || look.ID != 1 {
		t.Fatalf("LookupSchema = %+v, %v", look, err)
	}
	if _, err := c.LookupSchema(ctx, "nope", registry.Schema{Schema: userV1}); !errors.Is(err, registry.ErrSubjectNotFound) {
		t.Fatalf("LookupSchema(nope): %v", err)
	}
	vs, err := c.Versions(ctx, "orders-value")
	if err != nil || fmt.Sprint(vs) != "[1 2]" {
		t.Fatalf("Versions = %v, %v", vs, err)
	}
	res, err := c.CheckCompatibility(ctx, "orders-value", registry.Latest, registry.Schema{Schema: userBad}, registry.Verbose())
	if err != nil || res.IsCompatible || len(res.Messages) == 0 {
		t.Fatalf("CheckCompatibility = %+v, %v", res, err)
	}
	if _, err := c.SetConfig(ctx, "orders-value", registry.Config{CompatibilityLevel: registry.None}); err != nil {
		t.Fatalf("SetConfig: %v", err)
	}
	cfg, err := c.GetConfig(ctx, "orders-value")
	if err != nil || cfg.CompatibilityLevel != registry.None {
		t.Fatalf("GetConfig = %+v, %v", cfg, err)
	}
	if _, err := c.GetConfig(ctx, "other"); !errors.Is(err, registry.ErrSubjectLevelCompatNotConfig) {
		t.Fatalf("GetConfig(other): %v", err)
	}
	if _, err := c.SetMode(ctx, "orders-value", registry.ReadOnly); err != nil {
		t.Fatalf("SetMode: %v", err)
	}
	if _, err := c.Register(ctx, "orders-value", registry.Schema{Schema: `"int"`}); !errors.Is(err, registry.ErrOperationNotPermitted) {
		t.Fatalf("Register in READONLY: %v", err)
	}
	if _, err := c.DeleteMode(ctx, "orders-value"); err != nil {
		t.Fatalf("DeleteMode: %v", err)
	}
	if _, err := c.DeleteVersion(ctx, "orders-value", 1, true); !errors.Is(err, registry.ErrSchemaVersionNotSoftDeleted) {
		t.Fatalf("hard delete before soft: %v", err)
	}
	deleted, err := c.DeleteSubject(ctx, "orders-value", false)
	if err != nil || fmt.Sprint(deleted) != "[1 2]" {
		t.Fatalf("DeleteSubject = %v, %v", deleted, err)
	}
	if _, err := c.DeleteSubject(ctx, "orders-value", false); !errors.Is(err, registry.ErrSubjectSoftDeleted) {
		t.Fatalf("second soft delete: %v", err)
	}
	if _, err := c.DeleteSubject(ctx, "orders-value", true); err != nil {
		t.Fatalf("hard delete: %v", err)
	}
	subjects, err := c.Subjects(ctx, registry.Deleted())
	if err != nil || len(subjects) != 0 {
		t.Fatalf("Subjects = %v, %v", subjects, err)
	}
}

func TestRegistryClientInProcess(t *testing.T) {
	r := newTest(t)
	c, err := r.Client()
	if err != nil {
		t.Fatal(err)
	}
	exerciseClient(t, c)
}

func TestRegistryClientOverHTTP(t *testing.T) {
	s := StartServer(t, WithFormats(fakeFormat{registry.Avro}), WithBasicAuth("u", "p"))
	c, err := s.Client(registry.BasicAuth("u", "p"))
	if err != nil {
		t.Fatal(err)
	}
	exerciseClient(t, c)
	// Without credentials: 401.
	anon, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anon.Subjects(context.Background()); !errors.Is(err, registry.ErrUnauthorized) {
		t.Fatalf("anonymous: %v", err)
	}
	resp, err := http.Get(s.URL() + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("plain GET: %d", resp.StatusCode)
	}
}

// TestConcurrentRegisterAndRead registers and reads from many goroutines;
// run with -race. Every subject ends with all its versions, and schemas
// registered concurrently under many subjects share one ID.
func TestConcurrentRegisterAndRead(t *testing.T) {
	r := newTest(t, WithCompatibility("NONE"))
	c, err := r.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const goroutines, perG = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	ids := make([][]int, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			subject := "s" + strconv.Itoa(g%4)
			for i := 0; i < perG; i++ {
				schema := `{"name":"R","fields":[{"name":"f` + strconv.Itoa(i) + `","type":"int"}]}`
				got, err := c.Register(ctx, subject, registry.Schema{Schema: schema})
				if err != nil {
					errs <- err
					return
				}
				ids[g] = append(ids[g], got.ID)
				if _, err := c.SchemaByID(ctx, got.ID); err != nil {
					errs <- err
					return
				}
				if _, err := c.LatestSchema(ctx, subject); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for g := 1; g < goroutines; g++ {
		if fmt.Sprint(ids[g]) != fmt.Sprint(ids[0]) {
			t.Fatalf("goroutine %d got IDs %v, goroutine 0 %v", g, ids[g], ids[0])
		}
	}
	for i := 0; i < 4; i++ {
		vs, err := c.Versions(ctx, "s"+strconv.Itoa(i))
		if err != nil || len(vs) != perG {
			t.Fatalf("subject s%d versions %v, %v", i, vs, err)
		}
	}
}

// BenchmarkSchemaByIDLoopback measures GET /schemas/ids/{id} over a real
// loopback connection.
func BenchmarkSchemaByIDLoopback(b *testing.B) {
	s := StartServer(b, WithFormats(fakeFormat{registry.Avro}), WithSchemas(Seed{Subject: "s", Schema: registry.Schema{Schema: userV1}}))
	url := s.URL() + "/schemas/ids/1"
	client := &http.Client{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 512)
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
