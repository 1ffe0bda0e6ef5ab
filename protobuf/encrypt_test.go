package protobuf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/encryption/localkms"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Field-level encryption (ENCRYPT) of generated messages: Profile
// (srkittest/secrets.proto) tags a string, bytes, a nested message's field
// (also as a map's values), a repeated string, a oneof branch and an
// optional field with PII ((confluent.field_meta).tags). Its map of strings
// is untagged: see rules_map_test.go for a tagged one.

const encSecret = "protobuf-encrypt-test-secret"

// profile is a Profile with every tagged field set but motto (an unset
// optional field) and remote (the unset branch of a oneof whose set branch
// is a message), and untagged fields of the same shapes.
func profile() *srkittestpb.Profile {
	return &srkittestpb.Profile{
		Id:       42,
		Name:     "Grace Hopper",
		Photo:    []byte("\x89PNG-grace-photo"),
		Home:     &srkittestpb.Profile_Address{Street: "1 Secret Street", Country: "US"},
		Aliases:  []string{"amazing-grace", "grandma-cobol"},
		Notes:    map[string]string{"blood": "note-type-o", "shoe": "note-size-7"},
		Contact:  &srkittestpb.Profile_Email{Email: "grace@navy.example"},
		Nick:     proto.String("gracie-nick"),
		Level:    srkittestpb.Profile_PREMIUM,
		City:     "Arlington",
		Labels:   []string{"label-admiral", "label-pioneer"},
		Previous: []*srkittestpb.Profile_Address{{Street: "2 Old Road", Country: "NL"}, {Country: "DE"}},
		ByLabel:  map[string]*srkittestpb.Profile_Address{"work": {Street: "3 Pentagon Way", Country: "US"}},
		Location: &srkittestpb.Profile_Office{Office: &srkittestpb.Profile_Address{Street: "4 Office Plaza", Country: "US"}},
	}
}

// profilePII is every tagged value of profile(): none is on the wire.
var profilePII = []string{"Grace Hopper", "grace-photo", "1 Secret Street", "amazing-grace", "grandma-cobol",
	"grace@navy.example", "gracie-nick", "2 Old Road", "3 Pentagon Way", "4 Office Plaza"}

// encRule is an ENCRYPT (or ENCRYPT_PAYLOAD) rule on PII with a local KMS
// KEK, created by the first writer; onFailure as Confluent's examples have
// it: ERROR on write, NONE on read.
func encRule(typ string, kv ...string) registry.Rule {
	p := map[string]string{encryption.ParamKEKName: "pb-kek", encryption.ParamKMSType: "local-kms", encryption.ParamKMSKeyID: "pb-key"}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	r := registry.Rule{Name: "encrypt", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead, Type: typ, Params: p, OnFailure: "ERROR,NONE"}
	if typ == encryption.TypeEncrypt {
		r.Tags = []string{"PII"}
	}
	return r
}

// encExecutors returns the encryption executors of another client process
// of c's registry (cold caches) with kms, or with no KMS when kms is nil.
func encExecutors(t testing.TB, c *registry.Client, kms encryption.KMS) serde.Option {
	t.Helper()
	opts := []encryption.Option{encryption.WithLogger(slog.New(slog.DiscardHandler))}
	if kms != nil {
		opts = append(opts, encryption.WithKMS(kms))
	}
	x, err := encryption.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return serde.WithRuleExecutors(x.Executors()...)
}

// downKMS is a local KMS that cannot be reached.
type downKMS struct{}

func (downKMS) Type() string { return "local-kms" }

func (downKMS) Wrap(context.Context, string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("test KMS: connection refused: %w", serde.ErrUnavailable)
}

func (downKMS) Unwrap(context.Context, string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("test KMS: connection refused: %w", serde.ErrUnavailable)
}

// encWriter returns a serializer of T writing the latest schema of the
// subject with the encryption executors.
func encWriter[T proto.Message](t testing.TB, c *registry.Client, opts ...serde.SerializerOption) *serde.Serializer[T] {
	t.Helper()
	s, err := protobuf.NewSerializer[T](c, serde.Value, append([]serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false), encExecutors(t, c, localkms.New(encSecret))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// encWrite serializes in, checks that in is left as it was and that no PII
// is on the wire, and returns the payload.
func encWrite[T proto.Message](t *testing.T, s *serde.Serializer[T], topic string, in T) []byte {
	t.Helper()
	before := proto.Clone(in)
	b, _, err := s.Serialize(ctx, topic, in)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, before) {
		t.Fatalf("the caller's message changed:\n%v\nwas %v", in, before)
	}
	for _, p := range profilePII {
		if bytes.Contains(b, []byte(p)) {
			t.Errorf("%q is in the clear in %x", p, b)
		}
	}
	return b
}

// decrypt reads b with a reader of another client process that has the
// key, a failed decryption an error.
func decrypt[T proto.Message](t *testing.T, c *registry.Client, topic string, b []byte, hs []serde.Header) T {
	t.Helper()
	m, err := ruleDeserializer[T](t, c, nil, encExecutors(t, c, localkms.New(encSecret)), strictDecrypt).Deserialize(ctx, topic, b, hs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// onTheWire is the Profile a payload of schema ID and message indexes [0]
// holds, read with plain proto.Unmarshal.
func onTheWire(t *testing.T, b []byte) *srkittestpb.Profile {
	t.Helper()
	if len(b) < 6 || b[0] != 0 || b[5] != 0 {
		t.Fatalf("payload %x: want magic 0, a schema ID and message indexes [0]", b)
	}
	m := &srkittestpb.Profile{}
	if err := proto.Unmarshal(b[6:], m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEncryptGenerated: ENCRYPT on a generated message encrypts exactly the
// tagged values — in a nested message (single, repeated and as map values),
// a repeated string, oneof branches, an optional field — and leaves
// everything else (the untagged map of strings too) as written
// (unknown fields too), so a reader without the key still parses the body;
// a reader with the key gets the message back.
func TestEncryptGenerated(t *testing.T) {
	for _, alg := range []encryption.Algorithm{encryption.AES256GCM, encryption.AES256SIV} {
		t.Run(string(alg), func(t *testing.T) {
			c := ruleMock(t)
			registerWithRules(t, c, "enc", profile(), &registry.RuleSet{DomainRules: []registry.Rule{
				encRule(encryption.TypeEncrypt, encryption.ParamDEKAlgorithm, string(alg))}}, nil)
			in := profile()
			// Fields the Go type does not know (a newer writer's) pass through.
			in.ProtoReflect().SetUnknown(protowire.AppendString(protowire.AppendTag(nil, 99, protowire.BytesType), "an unknown field"))
			b := encWrite(t, encWriter[*srkittestpb.Profile](t, c), "enc", in)

			wire := onTheWire(t, b)
			// The untagged fields, map keys and the oneof's branch as written.
			clear := proto.Clone(wire).(*srkittestpb.Profile)
			clear.Name, clear.Photo, clear.Home.Street, clear.Aliases, clear.Nick = in.Name, in.Photo, in.Home.Street, in.Aliases, in.Nick
			clear.Contact = in.Contact
			clear.Previous[0].Street, clear.Previous[1].Street, clear.ByLabel["work"].Street = in.Previous[0].Street, "", in.ByLabel["work"].Street
			clear.GetOffice().Street = in.GetOffice().Street
			if !proto.Equal(clear, in) {
				t.Fatalf("the wire, but for the tagged values, differs from the message written:\n%v\nwant %v", clear, in)
			}
			// The oneof's branch holds ciphertext, the unset optional field
			// stays unset, and an empty string (a field without presence)
			// is encrypted too, as Confluent's clients do.
			if wire.GetEmail() == "" || wire.Motto != nil || wire.Previous[1].Street == "" {
				t.Fatalf("the oneof branch, the unset optional field or the empty string: %v", wire)
			}
			if bytes.Equal(wire.Photo, in.Photo) || len(wire.Photo) <= len(in.Photo) {
				t.Fatalf("photo %x is not the ciphertext of %x", wire.Photo, in.Photo)
			}

			sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "enc", b, nil), in)
			// Into a message of the caller's, holding another record.
			m := &srkittestpb.Profile{Id: 7, City: "elsewhere"}
			d := ruleDeserializer[*srkittestpb.Profile](t, c, nil, encExecutors(t, c, localkms.New(encSecret)), strictDecrypt)
			if err := d.DeserializeInto(ctx, "enc", b, nil, &m); err != nil {
				t.Fatal(err)
			}
			sameMessage(t, m, in)
		})
	}
}

// TestEncryptGeneratedSchemaTags: the tags are the registry schema's, not
// the generated type's: a field the schema tags inline (city) or through
// metadata.tags (a repeated string, and a nested message's field in a
// single, a repeated and a map field, by a wildcard) is encrypted, and one
// only the Go type's descriptor tags (name) is not.
func TestEncryptGeneratedSchemaTags(t *testing.T) {
	c := ruleMock(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}
	md := &registry.Metadata{Tags: map[string][]string{"srkit.test.secrets.Profile.labels": {"PII"}, "**.Address.country": {"PII"}}}
	sch := registerWithRules(t, c, "enc", profile(), rs, md).Schema
	text := strings.Replace(sch.Schema, "string city = 12;", `string city = 12 [(confluent.field_meta).tags = "PII"];`, 1)
	text = strings.Replace(text, `string name = 2 [(confluent.field_meta) = { tags: [ "PII" ] }];`, "string name = 2;", 1)
	if text == sch.Schema {
		t.Fatalf("the printed schema changed; fix the test's edits:\n%s", sch.Schema)
	}
	sch.Schema = text
	if _, err := c.Register(ctx, "enc-value", sch); err != nil {
		t.Fatal(err)
	}
	in := profile()
	b, _, err := encWriter[*srkittestpb.Profile](t, c).Serialize(ctx, "enc", in)
	if err != nil {
		t.Fatal(err)
	}
	wire := onTheWire(t, b)
	if wire.Name != in.Name {
		t.Errorf("name, untagged in the registry's schema, is %q on the wire", wire.Name)
	}
	for _, clear := range []string{"Arlington", "label-admiral", "label-pioneer"} {
		if bytes.Contains(b, []byte(clear)) {
			t.Errorf("%q is in the clear in %x", clear, b)
		}
	}
	if wire.Home.Country == in.Home.Country || wire.GetOffice().Country == in.GetOffice().Country || wire.Previous[0].Country == in.Previous[0].Country ||
		wire.Previous[1].Country == in.Previous[1].Country || wire.ByLabel["work"].Country == in.ByLabel["work"].Country {
		t.Errorf("a nested message's field tagged by the wildcard is in the clear: %v", wire)
	}
	sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "enc", b, nil), in)
}

// TestEncryptGeneratedNoKey: a reader that cannot get the DEK fails with
// the encryption package's error under onFailure ERROR (a permanent
// failure, not an outage), and under the rule's NONE on read gets the
// record as it is on the wire; a KMS outage fails the read as transient
// whatever onFailure says.
func TestEncryptGeneratedNoKey(t *testing.T) {
	c := ruleMock(t)
	registerWithRules(t, c, "enc", profile(), &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}, nil)
	b := encWrite(t, encWriter[*srkittestpb.Profile](t, c), "enc", profile())
	for name, tc := range map[string]struct {
		kms  encryption.KMS
		want error
	}{
		"no KMS":    {nil, encryption.ErrNoKMS},
		"wrong key": {localkms.New("another-secret"), encryption.ErrKMS},
		"KMS down":  {downKMS{}, serde.ErrUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			outage := tc.want == serde.ErrUnavailable
			_, err := ruleDeserializer[*srkittestpb.Profile](t, c, nil, encExecutors(t, c, tc.kms), strictDecrypt).Deserialize(ctx, "enc", b, nil)
			var re *serde.RuleError
			if !errors.Is(err, tc.want) || !errors.As(err, &re) || serde.IsTransient(err) != outage {
				t.Fatalf("ERROR: %v, want a rule error matching %v, transient %v", err, tc.want, outage)
			}
			got, err := ruleDeserializer[*srkittestpb.Profile](t, c, nil, encExecutors(t, c, tc.kms)).Deserialize(ctx, "enc", b, nil)
			if outage {
				if !serde.IsTransient(err) || got != nil {
					t.Fatalf("NONE in an outage: %v, %v; want a transient error and no message", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NONE: %v", err)
			}
			if want := onTheWire(t, b); !proto.Equal(got, want) {
				t.Fatalf("NONE read %v\nthe wire holds %v", got, want)
			}
		})
	}
}

// TestEncryptGeneratedDynamic: generated and dynamic messages of the same
// schema encrypt to interchangeable records: each decrypts through the
// other's reader; with the deterministic AES256_SIV and deterministic
// marshaling the writers' bytes are equal (a serializer of proto.Message
// given the generated message too).
func TestEncryptGeneratedDynamic(t *testing.T) {
	c := ruleMock(t)
	registerWithRules(t, c, "enc", profile(), &registry.RuleSet{DomainRules: []registry.Rule{
		encRule(encryption.TypeEncrypt, encryption.ParamDEKAlgorithm, string(encryption.AES256SIV))}}, nil)
	gen := profile()
	dyn := dynamicOf(t, c, "enc", gen)
	fromGen := encWrite(t, encWriter[*srkittestpb.Profile](t, c, protobuf.Deterministic()), "enc", gen)
	fromDyn := encWrite(t, encWriter[proto.Message](t, c), "enc", proto.Message(dyn))
	if !bytes.Equal(fromGen, fromDyn) {
		t.Errorf("the generated writer wrote %x\nthe dynamic one %x", fromGen, fromDyn)
	}
	// A serializer of proto.Message given the generated message.
	fromAny := encWrite(t, encWriter[proto.Message](t, c, protobuf.Deterministic()), "enc", proto.Message(gen))
	if !bytes.Equal(fromAny, fromGen) {
		t.Errorf("a proto.Message writer of the generated message wrote %x\nthe generated one %x", fromAny, fromGen)
	}

	sameMessage(t, decrypt[*dynamicpb.Message](t, c, "enc", fromGen, nil), gen)
	sameMessage(t, decrypt[proto.Message](t, c, "enc", fromGen, nil), gen)
	sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "enc", fromDyn, nil), gen)
}

// TestEncryptGeneratedConcurrent: writers sharing one generated message
// (and one serializer) never write to it (the race detector watches).
func TestEncryptGeneratedConcurrent(t *testing.T) {
	c := ruleMock(t)
	registerWithRules(t, c, "enc", profile(), &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}, nil)
	s := encWriter[*srkittestpb.Profile](t, c)
	in := profile()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if _, _, err := s.Serialize(ctx, "enc", in); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if !proto.Equal(in, profile()) {
		t.Fatalf("the shared message changed: %v", in)
	}
}

// TestEncryptGeneratedFieldType: a tag (from metadata.tags) on a field
// that is neither string nor bytes fails the write with ErrFieldType, and
// nothing is written.
func TestEncryptGeneratedFieldType(t *testing.T) {
	c := ruleMock(t)
	registerWithRules(t, c, "enc", profile(), &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}},
		&registry.Metadata{Tags: map[string][]string{"srkit.test.secrets.Profile.level": {"PII"}}})
	b, _, err := encWriter[*srkittestpb.Profile](t, c).Serialize(ctx, "enc", profile())
	if !errors.Is(err, encryption.ErrFieldType) || b != nil {
		t.Fatalf("wrote %x, %v; want ErrFieldType", b, err)
	}
}

// TestEncryptPayloadGeneratedNested: ENCRYPT_PAYLOAD on a nested generated
// type (message indexes [0, 0]) keeps the indexes in the clear, after the
// schema ID in the payload or in the schema-ID header, encrypts the body,
// and reads back into the generated type and a dynamic message.
func TestEncryptPayloadGeneratedNested(t *testing.T) {
	for pname, placement := range map[string]serde.IDPlacement{"payload": serde.PayloadID, "header": serde.HeaderGUID} {
		t.Run(pname, func(t *testing.T) {
			c := ruleMock(t)
			in := &srkittestpb.Profile_Address{Street: "1 Secret Street", Country: "Narnia"}
			registerWithRules(t, c, "encp", in, &registry.RuleSet{EncodingRules: []registry.Rule{encRule(encryption.TypeEncryptPayload)}}, nil)
			before := proto.Clone(in)
			b, hs, err := encWriter[*srkittestpb.Profile_Address](t, c, serde.WithPlacement(placement)).Serialize(ctx, "encp", in)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(in, before) {
				t.Fatalf("the caller's message changed: %v", in)
			}
			// Indexes [0, 0]: count 2, 0, 0 as zigzag varints.
			ref, ct := b[:8], b[8:]
			if placement == serde.HeaderGUID {
				if len(hs) != 1 {
					t.Fatalf("headers %v", hs)
				}
				ref, ct = hs[0].Value, b
			}
			if !bytes.HasSuffix(ref, []byte{4, 0, 0}) {
				t.Fatalf("schema reference %x does not end in the indexes 040000", ref)
			}
			body, _ := proto.Marshal(in)
			if len(ct) <= len(body) || bytes.Contains(b, []byte("Secret")) || bytes.Contains(b, []byte("Narnia")) {
				t.Fatalf("the body %x is not the ciphertext of %x", ct, body)
			}
			sameMessage(t, decrypt[*srkittestpb.Profile_Address](t, c, "encp", b, hs), in)
			dyn := decrypt[*dynamicpb.Message](t, c, "encp", b, hs)
			if name := dyn.Descriptor().FullName(); name != "srkit.test.secrets.Profile.Address" {
				t.Fatalf("a dynamic reader read a %s", name)
			}
			sameMessage(t, dyn, in)
		})
	}
}
