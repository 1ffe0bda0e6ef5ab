package registry

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func benchClient(b *testing.B, opts ...Option) *Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { versionHandler(w, r, nil) }))
	b.Cleanup(srv.Close)
	c, err := New(append([]Option{URLs(srv.URL)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	for id := 1; id <= 100; id++ {
		if _, err := c.SchemaByID(bg, id); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkSchemaByIDWarm measures a cached schema-by-ID lookup, the call a
// deserializer makes per record.
func BenchmarkSchemaByIDWarm(b *testing.B) {
	c := benchClient(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.SchemaByID(bg, 1+i%100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchemaByIDWarmParallel is the same lookup from all Ps at once.
func BenchmarkSchemaByIDWarmParallel(b *testing.B) {
	c := benchClient(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := c.SchemaByID(bg, 1+i%100); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkLatestSchemaWarm measures a cached latest-version lookup (it
// reads the clock for the TTL).
func BenchmarkLatestSchemaWarm(b *testing.B) {
	c := benchClient(b)
	if _, err := c.LatestSchema(bg, "s"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.LatestSchema(bg, "s"); err != nil {
			b.Fatal(err)
		}
	}
}
