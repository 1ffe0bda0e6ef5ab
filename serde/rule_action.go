package serde

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// Errors of data-contract rules. A failed rule that fails the message is a
// [*RuleError]; these sentinels tell its causes apart with errors.Is.
var (
	// ErrRuleFailed matches every [*RuleError].
	ErrRuleFailed = errors.New("serde: rule failed")
	// ErrRuleConditionFailed: a CONDITION rule's condition was false (as
	// opposed to an executor that failed).
	ErrRuleConditionFailed = errors.New("serde: rule condition failed")
	// ErrNoRuleExecutor: the schema has a rule of a type no executor was
	// given for (see [WithRuleExecutors]).
	ErrNoRuleExecutor = errors.New("serde: no rule executor for the rule's type")
	// ErrNoRuleAction: a rule's onSuccess or onFailure names an action that
	// is neither built in (ERROR, NONE, DLQ) nor given with
	// [WithRuleActions].
	ErrNoRuleAction = errors.New("serde: no rule action of that type")
)

// Built-in rule action types.
const (
	ActionError = "ERROR"
	ActionNone  = "NONE"
	ActionDLQ   = "DLQ"
)

// RuleError is a rule's failure: the rule, where it ran, and why. It is
// what a rule action receives as the cause, and what fails the message
// when the action is ERROR (or DLQ, or a custom action that returns it).
// errors.Is matches [ErrRuleFailed], and the cause: [ErrRuleConditionFailed]
// for a false condition, [ErrNoRuleExecutor], or the executor's own error.
type RuleError struct {
	// Rule is the rule that failed.
	Rule registry.Rule
	// Mode and Phase are where it ran.
	Mode  registry.RuleMode
	Phase RulePhase
	// Subject and Topic are the message's.
	Subject string
	Topic   string
	// Action is the action that failed the message ("ERROR", "DLQ", a custom
	// action's type); empty while no action has run.
	Action string
	// DeadLetter is set when the DLQ action failed the message: the
	// producer or consumer writes the record to a dead-letter topic.
	DeadLetter *DeadLetter
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *RuleError) Error() string {
	s := fmt.Sprintf("serde: rule %q (%s %s %s) on subject %q", e.Rule.Name, e.Rule.Kind, e.Mode, e.Rule.Type, e.Subject)
	if e.Topic != "" {
		s += fmt.Sprintf(", topic %q", e.Topic)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *RuleError) Unwrap() error { return e.Err }

// Is matches [ErrRuleFailed].
func (e *RuleError) Is(target error) bool { return target == ErrRuleFailed }

// errorAction is ERROR: it fails the message with the rule's error.
type errorAction struct{}

func (errorAction) Type() string { return ActionError }

func (errorAction) Run(_ context.Context, rc *RuleContext, _ *Message, cause *RuleError) error {
	if cause == nil {
		// ERROR as an onSuccess action: fail although the rule held.
		return &RuleError{Rule: *rc.Rule, Mode: rc.Mode, Phase: rc.Phase, Subject: rc.Subject, Topic: rc.Topic, Action: ActionError,
			Err: errors.New("the rule's onSuccess action is ERROR")}
	}
	cause.Action = ActionError
	return cause
}

// noneAction is NONE: it does nothing.
type noneAction struct{}

func (noneAction) Type() string { return ActionNone }

func (noneAction) Run(context.Context, *RuleContext, *Message, *RuleError) error { return nil }

// Headers the DLQ action puts on a dead-lettered record (Confluent's
// DlqAction), besides the record's own.
const (
	HeaderRuleName      = "__rule.name"
	HeaderRuleMode      = "__rule.mode"
	HeaderRuleSubject   = "__rule.subject"
	HeaderRuleTopic     = "__rule.topic"
	HeaderRuleException = "__rule.exception"
)

// DLQ rule parameters.
const (
	// ParamDLQTopic names the dead-letter topic (rule param, then schema
	// metadata property).
	ParamDLQTopic = "dlq.topic"
	// ParamDLQRedactRuleTypes lists the rule types (comma-separated) whose
	// tagged fields are redacted in a dead-lettered value written as JSON;
	// default "ENCRYPT,ENCRYPT_PAYLOAD".
	ParamDLQRedactRuleTypes = "dlq.redact.rule.types"
)

// DeadLetter is the DLQ action's request to write the failed record to a
// dead-letter topic; serde knows no Kafka, so the producer or consumer
// writes it.
type DeadLetter struct {
	// Topic is the dead-letter topic from the rule's dlq.topic parameter;
	// empty means the producer's or consumer's own dead-letter topic.
	Topic string
	// Headers are the __rule.* headers; the writer adds the record's own
	// headers after them.
	Headers []Header
	// Value is, on write, the message as JSON with the fields of redacted
	// rule types replaced by "<REDACTED>"; nil on read, where the record's
	// original key and value bytes are written.
	Value []byte
}

// dlqAction is DLQ: it fails the message with a RuleError carrying a
// DeadLetter, which producers and consumers act on.
type dlqAction struct{}

func (dlqAction) Type() string { return ActionDLQ }

func (dlqAction) Run(_ context.Context, rc *RuleContext, m *Message, cause *RuleError) error {
	if cause == nil {
		cause = &RuleError{Rule: *rc.Rule, Mode: rc.Mode, Phase: rc.Phase, Subject: rc.Subject, Topic: rc.Topic,
			Err: errors.New("the rule's onSuccess action is DLQ")}
	}
	topic, _ := rc.Param(ParamDLQTopic)
	dl := &DeadLetter{Topic: topic, Headers: []Header{
		{Key: HeaderRuleName, Value: []byte(rc.Rule.Name)},
		{Key: HeaderRuleMode, Value: []byte(rc.Mode)},
		{Key: HeaderRuleSubject, Value: []byte(rc.Subject)},
		{Key: HeaderRuleTopic, Value: []byte(rc.Topic)},
	}}
	if cause.Err != nil {
		dl.Headers = append(dl.Headers, Header{Key: HeaderRuleException, Value: []byte(cause.Error())})
	}
	if rc.Mode == registry.RuleModeWrite && m != nil {
		tags, redact := redactTags(rc)
		v, err := m.impl.deadLetterValue(tags, redact)
		if err != nil {
			return fmt.Errorf("serde: rule %q: preparing the dead-letter value: %w (rule failure: %w)", rc.Rule.Name, err, cause)
		}
		dl.Value = v
	}
	cause.Action, cause.DeadLetter = ActionDLQ, dl
	return cause
}

// redactTags returns the tags of the rules whose types are redacted in a
// dead-lettered value, and whether there are such rules (with no tags, they
// redact every string and bytes field).
func redactTags(rc *RuleContext) ([]string, bool) {
	types := "ENCRYPT,ENCRYPT_PAYLOAD"
	if v, ok := rc.Param(ParamDLQRedactRuleTypes); ok {
		types = v
	}
	var tags []string
	found := false
	for _, t := range strings.Split(types, ",") {
		t = strings.TrimSpace(t)
		for _, r := range rc.Rules {
			if r.Type == t {
				tags, found = append(tags, r.Tags...), true
			}
		}
	}
	return tags, found
}

// redactedString is what redaction puts in a string or bytes field.
const redactedString = "<REDACTED>"

// redactField replaces string and bytes values by "<REDACTED>".
func redactField(f *Field, value any) (any, error) {
	if value == nil {
		return nil, nil
	}
	switch f.Type {
	case TypeString:
		return redactedString, nil
	case TypeBytes:
		return []byte(redactedString), nil
	}
	return value, nil
}
