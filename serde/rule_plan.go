package serde

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// ruleSettings are the rule executors, actions and overrides a serializer
// or deserializer was given.
type ruleSettings struct {
	executors map[string]RuleExecutor
	actions   map[string]RuleAction
	overrides []RuleOverride
	hooks     []HookRule // told after each rule (see hooks.go)
}

// newRuleSettings indexes what the options gave; two executors or actions
// of one type are an error.
func newRuleSettings(execs []RuleExecutor, actions []RuleAction, overrides []RuleOverride) (*ruleSettings, error) {
	rs := &ruleSettings{executors: map[string]RuleExecutor{}, actions: map[string]RuleAction{
		ActionError: errorAction{}, ActionNone: noneAction{}, ActionDLQ: dlqAction{},
	}, overrides: slices.Clone(overrides)}
	for _, e := range execs {
		if e == nil {
			continue
		}
		if _, dup := rs.executors[e.Type()]; dup {
			return nil, fmt.Errorf("serde: two rule executors for rule type %q", e.Type())
		}
		rs.executors[e.Type()] = e
	}
	for _, a := range actions {
		if a == nil {
			continue
		}
		switch t := a.Type(); {
		case t == ActionError || t == ActionNone:
			return nil, fmt.Errorf("serde: rule action %q is built in and cannot be replaced", t)
		case t == ActionDLQ:
			rs.actions[t] = a // a custom DLQ (e.g. one that writes itself) replaces the built-in one
		default:
			if _, dup := rs.actions[t]; dup {
				return nil, fmt.Errorf("serde: two rule actions of type %q", t)
			}
			rs.actions[t] = a
		}
	}
	return rs, nil
}

// override returns the most specific override value chosen by pick.
func (rs *ruleSettings) override(r *registry.Rule, pick func(*RuleOverride) bool) *RuleOverride {
	for _, level := range []func(*RuleOverride) bool{
		func(o *RuleOverride) bool { return o.Rule != "" && o.Rule == r.Name },
		func(o *RuleOverride) bool { return o.Rule == "" && o.Type != "" && o.Type == r.Type },
		func(o *RuleOverride) bool { return o.Rule == "" && o.Type == "" },
	} {
		for i := range rs.overrides {
			if o := &rs.overrides[i]; level(o) && pick(o) {
				return o
			}
		}
	}
	return nil
}

func (rs *ruleSettings) disabled(r *registry.Rule, enableAt string) bool {
	if o := rs.override(r, func(o *RuleOverride) bool { return o.Disabled != nil }); o != nil {
		return *o.Disabled
	}
	switch enableAt {
	case "", "ALL", "CLIENT":
	default:
		return true
	}
	return r.Disabled
}

func (rs *ruleSettings) onSuccess(r *registry.Rule) string {
	if o := rs.override(r, func(o *RuleOverride) bool { return o.OnSuccess != nil }); o != nil {
		return *o.OnSuccess
	}
	return r.OnSuccess
}

func (rs *ruleSettings) onFailure(r *registry.Rule) string {
	if o := rs.override(r, func(o *RuleOverride) bool { return o.OnFailure != nil }); o != nil {
		return *o.OnFailure
	}
	return r.OnFailure
}

// rulePlan is the rules of one phase of one schema (or migration step) in
// one mode, filtered and compiled, ready to run per message.
type rulePlan struct {
	phase  RulePhase
	mode   registry.RuleMode
	source *ResolvedSchema
	target *ResolvedSchema
	rules  []registry.Rule // the phase's rules in execution order
	steps  []ruleStep
	hooks  []HookRule
}

// ruleStep is one rule that runs.
type ruleStep struct {
	index     int
	rule      *registry.Rule
	compiled  CompiledRule // nil: no executor, or it failed to compile
	err       error        // why compiled is nil
	onSuccess RuleAction
	onFailure RuleAction
	actionErr error // an action name that names no action
}

// modeRuns reports whether a rule of mode ruleMode runs in mode.
func modeRuns(ruleMode, mode registry.RuleMode) bool {
	switch ruleMode {
	case registry.RuleModeWriteRead:
		return mode == registry.RuleModeWrite || mode == registry.RuleModeRead
	case registry.RuleModeUpDown:
		return mode == registry.RuleModeUpgrade || mode == registry.RuleModeDowngrade
	}
	return ruleMode == mode
}

// planRules compiles the rules of phase for mode. rules are the phase's
// rules as the owning schema lists them; owner is that schema. It returns
// nil when no rule runs.
func (rs *ruleSettings) planRules(ctx context.Context, phase RulePhase, mode registry.RuleMode, rules []registry.Rule,
	enableAt string, owner, source, target *ResolvedSchema) *rulePlan {
	if len(rules) == 0 {
		return nil
	}
	ordered := rules
	if mode == registry.RuleModeRead || mode == registry.RuleModeDowngrade {
		ordered = slices.Clone(rules)
		slices.Reverse(ordered)
	}
	p := &rulePlan{phase: phase, mode: mode, source: source, target: target, rules: ordered, hooks: rs.hooks}
	for i := range ordered {
		r := &ordered[i]
		if rs.disabled(r, enableAt) || !modeRuns(r.Mode, mode) || shadowedTransform(ordered, i, mode) {
			continue
		}
		st := ruleStep{index: i, rule: r}
		if e := rs.executors[r.Type]; e == nil {
			st.err = fmt.Errorf("%w %q (rule %q): give one with serde.WithRuleExecutors (rules.Standard() runs CEL, CEL_FIELD and JSONATA; the encryption package runs ENCRYPT and ENCRYPT_PAYLOAD)",
				ErrNoRuleExecutor, r.Type, r.Name)
		} else if c, err := e.Compile(ctx, r, owner); err != nil {
			st.err = err
		} else {
			st.compiled = c
		}
		var err1, err2 error
		st.onSuccess, err1 = rs.action(r, rs.onSuccess(r), mode, ActionNone)
		st.onFailure, err2 = rs.action(r, rs.onFailure(r), mode, ActionError)
		if err1 != nil {
			st.actionErr = err1
		} else if err2 != nil {
			st.actionErr = err2
		}
		p.steps = append(p.steps, st)
	}
	if len(p.steps) == 0 {
		return nil
	}
	return p
}

// action resolves an onSuccess or onFailure value for mode: the "A,B" form
// of WRITEREAD and UPDOWN rules is A on write and upgrade, B on read and
// downgrade; empty means def.
func (rs *ruleSettings) action(r *registry.Rule, name string, mode registry.RuleMode, def string) (RuleAction, error) {
	if (r.Mode == registry.RuleModeWriteRead || r.Mode == registry.RuleModeUpDown) && strings.Contains(name, ",") {
		a, b, _ := strings.Cut(name, ",")
		if mode == registry.RuleModeWrite || mode == registry.RuleModeUpgrade {
			name = a
		} else {
			name = b
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = def
	}
	if a := rs.actions[name]; a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("%w %q (rule %q): give it with serde.WithRuleActions", ErrNoRuleAction, name, r.Name)
}

// shadowedTransform reports whether the TRANSFORM rule at i is ignored
// because another rule of the phase transforms the same tags the same way:
// an earlier one on write and upgrade, a later one (in execution order) on
// read and downgrade, as Confluent's field rule executors decide.
func shadowedTransform(rules []registry.Rule, i int, mode registry.RuleMode) bool {
	r := &rules[i]
	if r.Kind != registry.RuleKindTransform || len(r.Tags) == 0 {
		return false
	}
	same := func(o *registry.Rule) bool {
		return o.Kind == r.Kind && o.Mode == r.Mode && o.Type == r.Type && slices.Equal(o.Tags, r.Tags)
	}
	if mode == registry.RuleModeWrite || mode == registry.RuleModeUpgrade {
		for j := 0; j < i; j++ {
			if same(&rules[j]) {
				return true
			}
		}
		return false
	}
	for j := i + 1; j < len(rules); j++ {
		if same(&rules[j]) {
			return true
		}
	}
	return false
}

// run runs the plan on m. rc describes the message (subject, topic, part,
// headers); run fills in the plan's and each rule's fields.
func (p *rulePlan) run(ctx context.Context, rc *RuleContext, m *Message) error {
	rc.Phase, rc.Mode, rc.Source, rc.Target, rc.Rules = p.phase, p.mode, p.source, p.target, p.rules
	for i := range p.steps {
		st := &p.steps[i]
		rc.Rule, rc.Index = st.rule, st.index
		if failedBefore(rc.Headers, st.rule.Name) {
			continue
		}
		if st.actionErr != nil {
			if p.hooks != nil {
				p.reportRule(rc, st, nil, st.actionErr)
			}
			return p.ruleError(rc, st.actionErr)
		}
		ok, err := true, st.err
		if err == nil {
			ok, err = st.compiled.Run(ctx, rc, m)
		}
		if err != nil && IsTransient(err) {
			// An outage says nothing about the message: fail it so that it
			// is retried, whatever the rule's actions say.
			if p.hooks != nil {
				p.reportRule(rc, st, nil, err)
			}
			return p.ruleError(rc, err)
		}
		if err == nil && !ok && st.rule.Kind != registry.RuleKindTransform {
			err = ErrRuleConditionFailed
		}
		if err != nil {
			if p.hooks != nil {
				p.reportRule(rc, st, st.onFailure, err)
			}
			if aerr := st.onFailure.Run(ctx, rc, m, p.ruleError(rc, err)); aerr != nil {
				return aerr
			}
			continue
		}
		if p.hooks != nil {
			p.reportRule(rc, st, st.onSuccess, nil)
		}
		if aerr := st.onSuccess.Run(ctx, rc, m, nil); aerr != nil {
			return aerr
		}
	}
	return nil
}

func (p *rulePlan) ruleError(rc *RuleContext, err error) *RuleError {
	return &RuleError{Rule: *rc.Rule, Mode: rc.Mode, Phase: rc.Phase, Subject: rc.Subject, Topic: rc.Topic, Err: err}
}

// failedBefore reports whether headers say the record was dead-lettered by
// the rule named name (its __rule.name header): reading it back from the
// dead-letter topic skips that rule, so that it does not fail again.
func failedBefore(headers []Header, name string) bool {
	for i := len(headers) - 1; i >= 0; i-- {
		if headers[i].Key == HeaderRuleName {
			return string(headers[i].Value) == name
		}
	}
	return false
}
