package kafkatest

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/registry"
)

// TaggedOrderSchema is [OrderSchema] with the item field tagged PII (Avro
// confluent:tags), for rules that act on tagged fields.
const TaggedOrderSchema = `{"type":"record","name":"Order","namespace":"srkit.test","fields":[
	{"name":"id","type":"long"},
	{"name":"item","type":"string","confluent:tags":["PII"]},
	{"name":"amount","type":"double"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]},"default":"NEW"}]}`

// RedactPII is a disabled ENCRYPT rule on the fields tagged PII: it
// encrypts nothing, but the DLQ action redacts the fields of ENCRYPT rules
// in the dead-letter values it writes.
var RedactPII = registry.Rule{Name: "pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWriteRead,
	Type: "ENCRYPT", Tags: []string{"PII"}, Disabled: true}

// AmountBelow1000 is a CEL CONDITION rule in mode: orders of 1000 or more
// fail it, and its DLQ action dead-letters them to dlqTopic (the
// producer's or consumer's own dead-letter topic when empty).
func AmountBelow1000(mode registry.RuleMode, dlqTopic string) registry.Rule {
	r := registry.Rule{Name: "amount-below-1000", Kind: registry.RuleKindCondition, Mode: mode, Type: "CEL",
		Expr: "message.amount < 1000.0", OnFailure: "DLQ"}
	if dlqTopic != "" {
		r.Params = map[string]string{"dlq.topic": dlqTopic}
	}
	return r
}

// RegisterOrderRules registers [TaggedOrderSchema] with rules under
// subject and returns its schema ID.
func (e *Env) RegisterOrderRules(t testing.TB, subject string, rules ...registry.Rule) int {
	t.Helper()
	s, err := e.Registry.Register(context.Background(), subject, registry.Schema{Schema: TaggedOrderSchema,
		SchemaType: registry.Avro, RuleSet: &registry.RuleSet{DomainRules: rules}})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}
