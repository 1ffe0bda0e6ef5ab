package serde

import (
	"context"

	"github.com/srkit-go/srkit/registry"
)

// RulePhase is one of the three seams where data-contract rules run.
type RulePhase int

// Rule phases.
const (
	// DomainPhase: the schema's domainRules, on the message value — on write
	// before encoding (mode WRITE), on read after decoding (mode READ, in
	// reverse order).
	DomainPhase RulePhase = iota
	// EncodingPhase: the schema's encodingRules, on the encoded body — on
	// write after the format, before framing; on read before decoding
	// (payload encryption).
	EncodingPhase
	// MigrationPhase: migrationRules, on the message's JSON form, when a
	// deserializer reads data of one version of a subject into another
	// (modes UPGRADE and DOWNGRADE).
	MigrationPhase
)

// String names the phase as Confluent's clients do.
func (p RulePhase) String() string {
	switch p {
	case DomainPhase:
		return "DOMAIN"
	case EncodingPhase:
		return "ENCODING"
	case MigrationPhase:
		return "MIGRATION"
	}
	return "UNKNOWN"
}

// A RuleExecutor runs the rules of one rule type (registry.Rule.Type: "CEL",
// "CEL_FIELD", "JSONATA", "ENCRYPT", ...). Users give serializers and
// deserializers the executors they want with [WithRuleExecutors]; a rule
// whose type has no executor fails with [ErrNoRuleExecutor] (then its
// onFailure action runs). An executor is shared by every serializer and
// deserializer it is given to, and must be safe for concurrent use.
type RuleExecutor interface {
	// Type returns the rule type the executor runs.
	Type() string
	// Compile prepares rule, which belongs to schema (the schema whose rule
	// set holds it), for running on messages: it parses and compiles the
	// expression, checks parameters. It runs once per rule and schema, when
	// a serializer or deserializer first meets the schema, never per
	// message. A compile error does not fail the schema: the rule then fails
	// on every message it runs on, and its onFailure action decides, as
	// Confluent's clients do.
	Compile(ctx context.Context, rule *registry.Rule, schema *ResolvedSchema) (CompiledRule, error)
}

// A CompiledRule is one rule ready to run, from [RuleExecutor.Compile].
type CompiledRule interface {
	// Run runs the rule on message m in the situation rc describes. A
	// CONDITION rule reports whether its condition holds; a TRANSFORM rule
	// changes m through its methods and reports true. An error fails the
	// rule (its onFailure action runs) unless it is transient
	// ([IsTransient]: a KMS or registry outage), which fails the message
	// without running any action, so that it is retried, never skipped.
	Run(ctx context.Context, rc *RuleContext, m *Message) (bool, error)
}

// RuleContext is the situation a rule runs in, for one message.
type RuleContext struct {
	// Rule is the rule running.
	Rule *registry.Rule
	// Mode is the direction it runs in: WRITE, READ, UPGRADE or DOWNGRADE.
	Mode registry.RuleMode
	// Phase is the seam it runs at.
	Phase RulePhase
	// Source is the schema the message comes from (the writer schema on
	// read, the older or newer version in a migration); nil on write.
	Source *ResolvedSchema
	// Target is the schema the message goes to: the writer schema on write,
	// the reader (or writer) schema on read, the next version in a
	// migration. Its metadata properties back [RuleContext.Param].
	Target *ResolvedSchema
	// Subject and Topic are the message's subject and topic.
	Subject string
	Topic   string
	// Part says whether the message is a record key or value.
	Part Part
	// Headers are the record's headers on read (nil on write).
	Headers []Header
	// Rules are the rules of the phase in the order they run, and Index is
	// Rule's position among them.
	Rules []registry.Rule
	Index int
}

// Param returns the rule parameter name: the rule's own params first, then
// the target schema's metadata properties, as Confluent's clients look
// parameters up.
func (rc *RuleContext) Param(name string) (string, bool) {
	return RuleParam(rc.Rule, rc.Target, name)
}

// RuleParam returns parameter name of rule: rule.Params first, then the
// metadata properties of schema (the target schema).
func RuleParam(rule *registry.Rule, schema *ResolvedSchema, name string) (string, bool) {
	if rule != nil {
		if v, ok := rule.Params[name]; ok {
			return v, true
		}
	}
	if schema != nil && schema.Metadata != nil {
		if v, ok := schema.Metadata.Properties[name]; ok {
			return v, true
		}
	}
	return "", false
}

// A RuleAction runs after a rule: its onSuccess action when it succeeded,
// its onFailure action when it failed (a false condition, an executor
// error, a missing executor). ERROR, NONE and DLQ are built in; give others
// with [WithRuleActions]. An action that returns an error fails the
// message with it.
type RuleAction interface {
	// Type returns the action's name as rules spell it (onSuccess and
	// onFailure values).
	Type() string
	// Run runs the action for the rule in rc on message m. cause is the
	// rule's failure (nil after a success): a [*RuleError] that matches
	// [ErrRuleConditionFailed] for a false condition.
	Run(ctx context.Context, rc *RuleContext, m *Message, cause *RuleError) error
}

// RuleOverride changes, on this client only, how rules run: for the rule
// named Rule, or else for the rules of type Type, or else (both empty) for
// every rule — the most specific override that sets a field wins, as with
// Confluent's rule.executors.<name>.disabled|onSuccess|onFailure and
// _<TYPE>_ properties. A nil field leaves the rule's own setting.
type RuleOverride struct {
	Rule      string
	Type      string
	Disabled  *bool
	OnSuccess *string
	OnFailure *string
}
