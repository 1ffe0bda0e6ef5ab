package protobuf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// Map fields under field rules, as Confluent's clients treat them.
//
// Java, the reference (schema-registry, ProtobufSchema.toTransformedMessage):
// a map field is entered as a field of type MAP (getType: isMapField) with
// the map field's tags; it arrives as a list of entries, whose keys are
// skipped (isMapKeyField) and whose value is transformed with the map
// field's context when the rule's tags meet the map's (RuleContext.enterField
// pushes no context of its own for the untagged value). So ENCRYPT refuses
// to write a tagged map ("Type 'MAP' not supported for encryption",
// EncryptionExecutor) and leaves its values on read; CEL_FIELD leaves them
// (CelFieldExecutor: "CEL field transforms only apply to primitive types").
// JS (serde/protobuf.ts transform: the whole map, typed MAP) and Python
// (common/protobuf.py transform: each value, typed MAP) give the same
// outcomes. Go (serde/protobuf/protobuf_util.go, the fd.IsMap() branch)
// skips maps: it writes a tagged map's values in the clear. No Confluent
// client writes an encrypted value of a map of scalars or decrypts one.
// The values of a map of messages are walked as messages: their own tagged
// fields are transformed (Java).

// taggedNotes returns sch with Profile.notes, a map of strings, tagged PII
// inline.
func taggedNotes(t *testing.T, sch registry.Schema) registry.Schema {
	t.Helper()
	text := strings.Replace(sch.Schema, "map<string, string> notes = 6;", `map<string, string> notes = 6 [(confluent.field_meta).tags = "PII"];`, 1)
	if text == sch.Schema {
		t.Fatalf("the printed schema changed; fix the test's edit:\n%s", sch.Schema)
	}
	sch.Schema = text
	return sch
}

// TestMapFieldEncrypt: under ENCRYPT, a Profile whose map of strings is
// tagged is not written (ErrFieldType, a permanent failure, nothing
// written), as Confluent's Java, JS and Python clients refuse it; and the
// record Confluent's Go client writes for it — the map's values in the
// clear, the other tagged fields encrypted — reads back, its map as
// written.
func TestMapFieldEncrypt(t *testing.T) {
	c := ruleMock(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{encRule(encryption.TypeEncrypt)}}
	untagged := registerWithRules(t, c, "encmap", profile(), rs, nil)
	// What Confluent's Go client writes: its walk encrypts what srkit's
	// does with the map untagged, and leaves the map.
	b := encWrite(t, encWriter[*srkittestpb.Profile](t, c), "encmap", profile())
	if !bytes.Contains(b, []byte("note-type-o")) || !bytes.Contains(b, []byte("note-size-7")) {
		t.Fatalf("the map's values are not in the clear in %x", b)
	}
	// The record under the tagged schema's ID.
	b = underSchema(t, c, "encmap-value", taggedNotes(t, untagged.Schema), b)
	sameMessage(t, decrypt[*srkittestpb.Profile](t, c, "encmap", b, nil), profile())

	out, _, err := encWriter[*srkittestpb.Profile](t, c).Serialize(ctx, "encmap", profile())
	if !errors.Is(err, encryption.ErrFieldType) || serde.IsTransient(err) || out != nil || !strings.Contains(err.Error(), "srkit.test.secrets.Profile.notes") {
		t.Fatalf("wrote %x, %v; want a permanent ErrFieldType naming the map", out, err)
	}
}

// TestMapFieldCELField: a CEL_FIELD transform on PII leaves the values of
// the tagged map of strings (and their keys), as Confluent's clients do,
// and transforms the tagged field of the messages a map holds.
func TestMapFieldCELField(t *testing.T) {
	c := ruleMock(t)
	// No guard on the type: the map's values would take the suffix if they
	// were handed to the expression as strings.
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		celRule("mark", "CEL_FIELD", registry.RuleKindTransform, registry.RuleModeWrite, `name != 'photo' ; value + '#'`, "PII")}}
	untagged := registerWithRules(t, c, "celmap", profile(), rs, nil)
	if _, err := c.Register(ctx, "celmap-value", taggedNotes(t, untagged.Schema)); err != nil {
		t.Fatal(err)
	}
	s, err := protobuf.NewSerializer[*srkittestpb.Profile](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	in := profile()
	b, _, err := s.Serialize(ctx, "celmap", in)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, profile()) {
		t.Fatalf("the caller's message changed: %v", in)
	}
	got, err := ruleDeserializer[*srkittestpb.Profile](t, c, nil).Deserialize(ctx, "celmap", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, got, profileMarked())
}
