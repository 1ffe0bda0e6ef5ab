package protobuf

import (
	"reflect"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
)

func TestMetaGenerated(t *testing.T) {
	md := (&srkittestpb.OrderPlaced{}).ProtoReflect().Descriptor()
	checkEventsMeta(t, md)
}

func TestMetaCompiled(t *testing.T) {
	// The schema as a registry serves it: printed text, references resolved.
	for _, serialized := range []bool{false, true} {
		fd := srkittestpb.File_srkittest_events_proto
		deps := testDeps(t, fd, serialized)
		text := printed(t, fd, serialized)
		s, err := Parse(text, deps...)
		if err != nil {
			t.Fatal(err)
		}
		md, ok := findMessage(s.Descriptor(), "srkit.test.events.OrderPlaced")
		if !ok {
			t.Fatal("no OrderPlaced")
		}
		checkEventsMeta(t, md)
	}
}

func checkEventsMeta(t *testing.T, md protoreflect.MessageDescriptor) {
	t.Helper()
	if got := FileMeta(md.ParentFile()); got.GetDoc() != "order events" || got.GetParams()["owner"] != "checkout" {
		t.Errorf("file meta = %v", got)
	}
	if got := MessageMeta(md).GetTags(); !reflect.DeepEqual(got, []string{"EVENT"}) {
		t.Errorf("message tags = %v", got)
	}
	if got := FieldTags(md.Fields().ByName("card_token")); !reflect.DeepEqual(got, []string{"PII"}) {
		t.Errorf("card_token tags = %v", got)
	}
	if got := FieldTags(md.Fields().ByName("order_id")); got != nil {
		t.Errorf("order_id tags = %v", got)
	}
	cust := md.Fields().ByName("customer").Message()
	email := FieldMeta(cust.Fields().ByName("email"))
	if email.GetDoc() != "contact address" || !reflect.DeepEqual(email.GetTags(), []string{"PII", "CONTACT"}) {
		t.Errorf("email meta = %v", email)
	}
	status := md.Enums().ByName("Status")
	if got := EnumMeta(status).GetDoc(); got != "lifecycle" {
		t.Errorf("enum doc = %q", got)
	}
	if got := EnumValueMeta(status.Values().ByName("PLACED")).GetDoc(); got != "new" {
		t.Errorf("enum value doc = %q", got)
	}
}
