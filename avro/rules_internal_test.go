package avro

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

const ruleCustomerSchema = `{"type":"record","name":"Customer","namespace":"io.test","fields":[
 {"name":"id","type":"long"},
 {"name":"ssn","type":"string","confluent:tags":["PII"]},
 {"name":"email","type":["null","string"],"default":null},
 {"name":"address","type":{"type":"record","name":"Address","fields":[
   {"name":"street","type":"string","confluent:tags":["PII"]},
   {"name":"city","type":"string"}]}},
 {"name":"previous","type":{"type":"array","items":"Address"}},
 {"name":"notes","type":{"type":"map","values":"string"},"confluent:tags":["PII"]},
 {"name":"phones","type":{"type":"array","items":"string"},"confluent:tags":["PII"]},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["ACTIVE","CLOSED"]}},
 {"name":"quantity","type":"int"},
 {"name":"alt","type":["null","Address"],"default":null},
 {"name":"code","type":{"type":"fixed","name":"Code","size":2},"confluent:tags":["PII"]}
]}`

var ruleCustomerMeta = &registry.Metadata{Tags: map[string][]string{"**.email": {"PII"}}}

type ruleAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
}

type ruleCustomer struct {
	ID       int64             `avro:"id"`
	SSN      string            `avro:"ssn"`
	Email    *string           `avro:"email"`
	Address  ruleAddress       `avro:"address"`
	Previous []ruleAddress     `avro:"previous"`
	Notes    map[string]string `avro:"notes"`
	Phones   []string          `avro:"phones"`
	Status   string            `avro:"status"`
	Quantity int32             `avro:"quantity"`
	Alt      *ruleAddress      `avro:"alt"`
	Code     [2]byte           `avro:"code"`
}

func sampleRuleCustomer() ruleCustomer {
	email := "ada@example.com"
	return ruleCustomer{
		ID: 7, SSN: "123-45-6789", Email: &email,
		Address:  ruleAddress{Street: "1 Main St", City: "Oxford"},
		Previous: []ruleAddress{{Street: "2 Old Rd", City: "Bath"}, {Street: "3 Far Ln", City: "York"}},
		Notes:    map[string]string{"a": "note-a", "b": "note-b"},
		Phones:   []string{"555-1", "555-2"},
		Status:   "ACTIVE", Quantity: 3,
		Alt:  &ruleAddress{Street: "4 Alt Way", City: "Leeds"},
		Code: [2]byte{'x', 'y'},
	}
}

// ruleCodecFor returns the rule view of T in the test schema.
func ruleCodecFor[T any](t testing.TB) ruleMethods[T] {
	t.Helper()
	ps, err := parseSchema(ruleCustomerSchema, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ruleMethods[T]{newRuleView(newAPI(defaultSettings()), ps, ruleCustomerMeta, reflect.TypeFor[T](), Limits{})}
}

// upper replaces every string by its upper case and prefixes bytes.
func upper(f *serde.Field, v any) (any, error) {
	switch x := v.(type) {
	case string:
		if f.Type == serde.TypeEnum {
			return v, nil
		}
		return strings.ToUpper(x), nil
	case []byte:
		return []byte{'Z', x[1]}, nil
	}
	return v, nil
}

type visit struct {
	full string
	typ  serde.FieldType
	tags string
}

func visits(t *testing.T, walk func(serde.FieldFunc) error) []visit {
	t.Helper()
	var got []visit
	err := walk(func(f *serde.Field, v any) (any, error) {
		got = append(got, visit{f.FullName, f.Type, strings.Join(f.Tags, ",")})
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRuleViewVisitsFields(t *testing.T) {
	want := []visit{
		{"io.test.Customer.id", serde.TypeLong, ""},
		{"io.test.Customer.ssn", serde.TypeString, "PII"},
		{"io.test.Customer.email", serde.TypeString, "PII"},
		{"io.test.Address.street", serde.TypeString, "PII"},
		{"io.test.Address.city", serde.TypeString, ""},
		{"io.test.Address.street", serde.TypeString, "PII"},
		{"io.test.Address.city", serde.TypeString, ""},
		{"io.test.Address.street", serde.TypeString, "PII"},
		{"io.test.Address.city", serde.TypeString, ""},
		{"io.test.Customer.notes", serde.TypeString, "PII"},
		{"io.test.Customer.notes", serde.TypeString, "PII"},
		{"io.test.Customer.phones", serde.TypeString, "PII"},
		{"io.test.Customer.phones", serde.TypeString, "PII"},
		{"io.test.Customer.status", serde.TypeEnum, ""},
		{"io.test.Customer.quantity", serde.TypeInt, ""},
		{"io.test.Address.street", serde.TypeString, "PII"},
		{"io.test.Address.city", serde.TypeString, ""},
		{"io.test.Customer.code", serde.TypeFixed, "PII"},
	}
	typed := ruleCodecFor[ruleCustomer](t)
	v := sampleRuleCustomer()
	got := visits(t, func(fn serde.FieldFunc) error { _, err := typed.TransformFields(v, nil, fn); return err })
	if !slices.Equal(got, want) {
		t.Fatalf("typed visits\n got %v\nwant %v", got, want)
	}
	g, err := typed.Generic(v)
	if err != nil {
		t.Fatal(err)
	}
	generic := ruleCodecFor[any](t)
	got = visits(t, func(fn serde.FieldFunc) error { _, err := generic.TransformFields(g, nil, fn); return err })
	if !slices.Equal(got, want) {
		t.Fatalf("generic visits\n got %v\nwant %v", got, want)
	}

	// A null union is visited as NULL; with tags, only tagged fields.
	v.Email, v.Alt = nil, nil
	got = visits(t, func(fn serde.FieldFunc) error { _, err := typed.TransformFields(v, []string{"PII"}, fn); return err })
	if got[1] != (visit{"io.test.Customer.email", serde.TypeNull, "PII"}) {
		t.Fatalf("null email visited as %v", got[1])
	}
	for _, x := range got {
		if x.tags != "PII" {
			t.Fatalf("untagged field %v visited for PII", x)
		}
	}
	if last := got[len(got)-1]; last.full != "io.test.Customer.code" || len(got) != 10 {
		t.Fatalf("PII visits: %v", got)
	}
}

func TestRuleViewTransformsWithoutTouchingTheCaller(t *testing.T) {
	typed := ruleCodecFor[ruleCustomer](t)
	v := sampleRuleCustomer()
	out, err := typed.TransformFields(v, []string{"PII"}, upper)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, sampleRuleCustomer()) {
		t.Fatalf("the caller's value changed: %+v", v)
	}
	if out.SSN != "123-45-6789" || *out.Email != "ADA@EXAMPLE.COM" || out.Address.Street != "1 MAIN ST" || out.Address.City != "Oxford" ||
		out.Previous[1].Street != "3 FAR LN" || out.Notes["b"] != "NOTE-B" || out.Phones[0] != "555-1" || out.Alt.Street != "4 ALT WAY" ||
		out.Code != [2]byte{'Z', 'y'} || out.Status != "ACTIVE" {
		t.Fatalf("transformed: %+v", out)
	}

	// Pointer T: the pointed-to value stays as it was.
	ptr := ruleCodecFor[*ruleCustomer](t)
	pv := sampleRuleCustomer()
	pout, err := ptr.TransformFields(&pv, []string{"PII"}, upper)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pv, sampleRuleCustomer()) || pout == &pv || pout.Address.Street != "1 MAIN ST" {
		t.Fatalf("pointer: caller %+v, result %+v", pv, pout)
	}

	// Generic values: maps and slices are copied on write.
	generic := ruleCodecFor[map[string]any](t)
	g, err := typed.Generic(sampleRuleCustomer())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(g)
	gout, err := generic.TransformFields(g.(map[string]any), []string{"PII"}, upper)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(g); string(after) != string(before) {
		t.Fatalf("the caller's generic value changed:\n%s\n%s", before, after)
	}
	back, err := typed.FromGeneric(gout)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, out) {
		t.Fatalf("generic transform %+v, typed %+v", back, out)
	}
}

func TestRuleViewContainingAndErrors(t *testing.T) {
	typed := ruleCodecFor[ruleCustomer](t)
	v := sampleRuleCustomer()
	var cities []any
	_, err := typed.TransformFields(v, []string{"PII"}, func(f *serde.Field, x any) (any, error) {
		if f.Name == "street" {
			m, err := f.Containing()
			if err != nil {
				return nil, err
			}
			cities = append(cities, m.(map[string]any)["city"])
		}
		return x, nil
	})
	if err != nil || !slices.Equal(cities, []any{"Oxford", "Bath", "York", "Leeds"}) {
		t.Fatalf("containing cities %v, %v", cities, err)
	}
	for name, fn := range map[string]serde.FieldFunc{
		"int for a string": func(f *serde.Field, x any) (any, error) { return 5, nil },
		"out of range": func(f *serde.Field, x any) (any, error) {
			if f.Type == serde.TypeInt {
				return int64(1) << 40, nil
			}
			return x, nil
		},
		"bad symbol": func(f *serde.Field, x any) (any, error) {
			if f.Type == serde.TypeEnum {
				return "GONE", nil
			}
			return x, nil
		},
		"fixed size": func(f *serde.Field, x any) (any, error) {
			if f.Type == serde.TypeFixed {
				return []byte("abc"), nil
			}
			return x, nil
		},
	} {
		if _, err := typed.TransformFields(v, nil, fn); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A long result fits an int field in range (CEL returns int64).
	out, err := typed.TransformFields(v, nil, func(f *serde.Field, x any) (any, error) {
		if f.Type == serde.TypeInt {
			return int64(9), nil
		}
		return x, nil
	})
	if err != nil || out.Quantity != 9 {
		t.Fatalf("int64 for an int: %v, %v", out.Quantity, err)
	}
}

func TestRuleViewJSONForm(t *testing.T) {
	typed := ruleCodecFor[ruleCustomer](t)
	b, err := typed.JSON(sampleRuleCustomer())
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if j["email"] != "ada@example.com" || j["code"] != "eHk=" || j["status"] != "ACTIVE" ||
		j["alt"].(map[string]any)["io.test.Address"].(map[string]any)["city"] != "Leeds" {
		t.Fatalf("JSON form %s", b)
	}
	back, err := typed.FromGeneric(j)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sampleRuleCustomer()) {
		t.Fatalf("from its JSON form: %+v", back)
	}
}

// FuzzRuleView: arbitrary JSON as a rule's result or a generic value is
// an error or a value, never a panic.
func FuzzRuleView(f *testing.F) {
	typed := ruleCodecFor[ruleCustomer](f)
	generic := ruleCodecFor[any](f)
	b, _ := typed.JSON(sampleRuleCustomer())
	f.Add(b)
	f.Add([]byte(`{"id":1,"alt":{"io.test.Address":{"street":1}},"previous":[{}]}`))
	f.Add([]byte(`{"email":{"string":"x"},"notes":{"a":[1]},"code":"!!"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var j any
		if json.Unmarshal(data, &j) != nil {
			return
		}
		_, _ = typed.FromGeneric(j)
		_, _ = generic.FromGeneric(j)
		_, _ = generic.JSON(j)
		_, _ = generic.TransformFields(j, nil, upper)
		_, _ = generic.TransformFields(j, []string{"PII"}, func(*serde.Field, any) (any, error) { return "s", nil })
	})
}
