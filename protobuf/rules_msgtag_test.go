package protobuf_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// Tags on message-typed fields, as Confluent's Java client treats them
// (ProtobufSchema.toTransformedMessage): a message field is entered as a
// RECORD context with its tags; the primitive fields of the message it
// holds whose own tags miss the rule's push no context of their own
// (RuleContext.enterField), so they are transformed with the message
// field's context, typed RECORD. ENCRYPT therefore refuses the write
// ("Type 'RECORD' not supported for encryption"; Go, which hands the
// message itself as RECORD, fails it too) and leaves such values on read;
// CEL_FIELD leaves them. Enum, map and message fields below push their own
// contexts: the tag reaches one level down only.

// tagProfile returns sch with the field declared as decl tagged PII.
func tagProfile(t *testing.T, sch registry.Schema, decl string) registry.Schema {
	t.Helper()
	text := strings.Replace(sch.Schema, decl+";", decl+` [(confluent.field_meta).tags = "PII"];`, 1)
	if text == sch.Schema {
		t.Fatalf("the printed schema changed; fix the test's edit of %q:\n%s", decl, sch.Schema)
	}
	sch.Schema = text
	return sch
}

// underSchema registers sch under subject and returns b, a payload of
// another schema of it, with sch's ID.
func underSchema(t *testing.T, c *registry.Client, subject string, sch registry.Schema, b []byte) []byte {
	t.Helper()
	s, err := c.Register(ctx, subject, sch)
	if err != nil {
		t.Fatal(err)
	}
	if uint32(s.ID) == binary.BigEndian.Uint32(b[1:5]) {
		t.Fatal("the new schema has the payload's ID")
	}
	b = bytes.Clone(b)
	binary.BigEndian.PutUint32(b[1:5], uint32(s.ID))
	return b
}

// profileMarked is profile() with "#" after each PII string but photo:
// what a CEL_FIELD rule `value + '#'` on PII (but photo) writes.
func profileMarked() *srkittestpb.Profile {
	want := profile()
	want.Name += "#"
	want.Home.Street += "#"
	want.Aliases = []string{"amazing-grace#", "grandma-cobol#"}
	want.Contact = &srkittestpb.Profile_Email{Email: "grace@navy.example#"}
	want.Nick = proto.String("gracie-nick#")
	want.Previous[0].Street, want.Previous[1].Street = "2 Old Road#", "#"
	want.ByLabel["work"].Street += "#"
	want.GetOffice().Street += "#"
	return want
}

// TestMessageFieldTagEncrypt: under ENCRYPT, a Profile with a tagged
// message field — singular, repeated, a oneof branch — is not written
// (ErrFieldType naming the field, a permanent failure, nothing written),
// generated or dynamic; and the record Confluent's clients write under the
// untagged schema — the message's untagged strings in the clear — reads
// back under the tagged one as written.
func TestMessageFieldTagEncrypt(t *testing.T) {
	for _, tc := range []struct{ decl, field string }{
		{"Address home = 4", "home"},
		{"repeated Address previous = 14", "previous"},
		{"Address office = 16", "office"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			c := ruleMock(t)
			rs := &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}
			untagged := registerWithRules(t, c, "encmsg", profile(), rs, nil)
			b := encWrite(t, encWriter[*srkittestpb.Profile](t, c), "encmsg", profile())
			for _, clear := range []string{"US", "NL", "DE"} {
				if !bytes.Contains(b, []byte(clear)) {
					t.Fatalf("%q is not in the clear in %x", clear, b)
				}
			}
			// The record under the tagged schema's ID: "US", "NL" and "DE"
			// are not base64, so decrypting them would fail.
			b = underSchema(t, c, "encmsg-value", tagProfile(t, untagged.Schema, tc.decl), b)
			sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "encmsg", b, nil), profile())
			sameMessage(t, decrypt[*dynamicpb.Message](t, c, "encmsg", b, nil), profile())

			refused := func(t *testing.T, out []byte, err error) {
				t.Helper()
				name := "srkit.test.secrets.Profile." + tc.field
				if !errors.Is(err, encryption.ErrFieldType) || serde.IsTransient(err) || out != nil || !strings.Contains(err.Error(), name) {
					t.Fatalf("wrote %x, %v; want a permanent ErrFieldType naming %s", out, err, name)
				}
			}
			t.Run("generated", func(t *testing.T) {
				in := profile()
				out, _, err := encWriter[*srkittestpb.Profile](t, c).Serialize(ctx, "encmsg", in)
				refused(t, out, err)
				sameMessage(t, in, profile())
			})
			t.Run("dynamic", func(t *testing.T) {
				in := dynamicOf(t, c, "encmsg", profile())
				before := proto.Clone(in)
				out, _, err := encWriter[*dynamicpb.Message](t, c).Serialize(ctx, "encmsg", in)
				refused(t, out, err)
				sameMessage(t, in, before)
			})
		})
	}
}

// TestMessageFieldTagEncryptUnset: a tagged message field that is not set
// has no value to refuse: the record is written, its other PII encrypted.
func TestMessageFieldTagEncryptUnset(t *testing.T) {
	c := ruleMock(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}
	untagged := registerWithRules(t, c, "encunset", profile(), rs, nil)
	if _, err := c.Register(ctx, "encunset-value", tagProfile(t, untagged.Schema, "Address home = 4")); err != nil {
		t.Fatal(err)
	}
	in := profile()
	in.Home = nil
	b := encWrite(t, encWriter[*srkittestpb.Profile](t, c), "encunset", in)
	sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "encunset", b, nil), in)
}

// TestMessageFieldTagCELField: a CEL_FIELD transform on PII leaves the
// untagged strings of a tagged message (Java hands them typed RECORD) and
// transforms its tagged ones, generated and dynamic.
func TestMessageFieldTagCELField(t *testing.T) {
	c := ruleMock(t)
	// No guard on the type: country would take the suffix if it were
	// handed to the expression as a string.
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		celRule("mark", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeWrite, `name != 'photo' ; value + '#'`, "PII")}}
	untagged := registerWithRules(t, c, "celmsg", profile(), rs, nil)
	if _, err := c.Register(ctx, "celmsg-value", tagProfile(t, untagged.Schema, "Address home = 4")); err != nil {
		t.Fatal(err)
	}
	want := profileMarked()
	read := func(t *testing.T, b []byte) {
		t.Helper()
		got, err := ruleDeserializer[*srkittestpb.Profile](t, c, nil).Deserialize(ctx, "celmsg", b, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameMessage(t, got, want)
	}
	t.Run("generated", func(t *testing.T) {
		s, err := protobuf.NewSerializer[*srkittestpb.Profile](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
		if err != nil {
			t.Fatal(err)
		}
		in := profile()
		b, _, err := s.Serialize(ctx, "celmsg", in)
		if err != nil {
			t.Fatal(err)
		}
		sameMessage(t, in, profile())
		read(t, b)
	})
	t.Run("dynamic", func(t *testing.T) {
		s, err := protobuf.NewSerializer[*dynamicpb.Message](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
		if err != nil {
			t.Fatal(err)
		}
		in := dynamicOf(t, c, "celmsg", profile())
		b, _, err := s.Serialize(ctx, "celmsg", in)
		if err != nil {
			t.Fatal(err)
		}
		read(t, b)
	})
}

// TestMessageFieldTagVisits: what a rule sees of tagged message fields
// (tagged through metadata.tags): the primitive fields directly in their
// messages, as the message field (its full name, RECORD, its tags, held by
// the outer message), each element of a repeated one; not enums, maps or
// the fields of messages one level further down; a field whose own tags
// meet the rule's keeps its own context.
func TestMessageFieldTagVisits(t *testing.T) {
	c := ruleMock(t)
	e := &ruleExec{}
	rs := &registry.RuleSet{DomainRules: []registry.Rule{testRuleOf("tagged", registry.RuleKindTransform, registry.RuleModeWrite, "same", "TAGGED")}}
	md := &registry.Metadata{Tags: map[string][]string{
		"srkit.test.events.OrderPlaced.customer": {"TAGGED"},
		"srkit.test.events.OrderPlaced.lines":    {"TAGGED"},
		"**.Discount.percent":                    {"TAGGED"},
	}}
	registerWithRules(t, c, "visits", ruleOrder(), rs, md)
	want := []string{
		"srkit.test.events.OrderPlaced.customer RECORD [TAGGED] ada@example.com in OrderPlaced",
		"srkit.test.events.OrderPlaced.lines RECORD [TAGGED] a-1 in OrderPlaced",
		"srkit.test.events.OrderPlaced.lines RECORD [TAGGED] 2 in OrderPlaced",
		"srkit.test.events.OrderPlaced.Line.Discount.percent DOUBLE [TAGGED] 5 in Discount",
		"srkit.test.events.OrderPlaced.lines RECORD [TAGGED] b-2 in OrderPlaced",
		"srkit.test.events.OrderPlaced.lines RECORD [TAGGED] 1 in OrderPlaced",
	}
	t.Run("generated", func(t *testing.T) {
		if _, _, err := ruleSerializer[*srkittestpb.OrderPlaced](t, c, e).Serialize(ctx, "visits", ruleOrder()); err != nil {
			t.Fatal(err)
		}
		if got := e.take(); !slices.Equal(got, want) {
			t.Errorf("visited\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("dynamic", func(t *testing.T) {
		in := dynamicOrder(t, c, "visits")
		e.take()
		if _, _, err := ruleSerializer[*dynamicpb.Message](t, c, e).Serialize(ctx, "visits", in); err != nil {
			t.Fatal(err)
		}
		if got := e.take(); !slices.Equal(got, want) {
			t.Errorf("visited\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
