package codeceval

import (
	"testing"

	tavro "github.com/twmb/avro"

	"github.com/srkit-go/srkit/internal/budget"
	"github.com/srkit-go/srkit/internal/vectortest"
)

// withinBudget is the per-input budget of srkit's avro fuzz targets
// (avro/fuzz_test.go, budget.Default): an input of n bytes may allocate
// 4 MiB + 1 KiB×n and take 2 s + 200 µs×n.
func withinBudget(t *testing.T, what string, n int, f func()) {
	t.Helper()
	budget.Default().Check(t, what, n, f)
}

// FuzzTwmb feeds arbitrary bodies to twmb alone (no srkit check), with the
// budget srkit's fuzzers apply: the complex vector's schema (generic and
// into a struct), the resolution cases and a recursive schema. (Nested
// arrays of null are left out: twmb alone exceeds the budget on them
// within seconds of fuzzing, 1,618 bytes allocating 6.8 MB; TestTwmbHostile
// pins that.) Run it to see what else twmb would need srkit to bound:
//
//	go test -run XXX -fuzz FuzzTwmb -fuzztime 60s
func FuzzTwmb(f *testing.F) {
	type decoder struct {
		name   string
		decode func([]byte)
	}
	var decs []decoder
	for _, v := range vectortest.Load(f, vectorsDir, "AVRO") {
		if v.Name != "avro_record_complex" {
			continue
		}
		s := tavro.MustParse(v.Registry[0].Schema.Schema)
		decs = append(decs,
			decoder{"complex any", func(b []byte) { var x any; _, _ = s.Decode(b, &x) }},
			decoder{"complex struct", func(b []byte) { var x account; _, _ = s.Decode(b, &x) }})
		f.Add(v.Payload(f)[v.WireSchemaID.BodyOffset:])
	}
	for _, r := range resolutions {
		resolved, err := tavro.Resolve(tavro.MustParse(r.writer), tavro.MustParse(r.reader))
		if err != nil {
			f.Fatal(err)
		}
		decs = append(decs, decoder{r.name, func(b []byte) { var x any; _, _ = resolved.Decode(b, &x) }})
	}
	node := tavro.MustParse(`{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}`)
	decs = append(decs, decoder{"recursive", func(b []byte) { var x any; _, _ = node.Decode(b, &x) }})
	f.Add([]byte{2, 2, 2, 2, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, d := range decs {
			withinBudget(t, d.name, len(body), func() { d.decode(body) })
		}
	})
}
