package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/srkit-go/srkit/internal/hookset"
	"github.com/srkit-go/srkit/registry"
)

// Hook is any value that implements one or more of the Hook* interfaces of
// this package ([HookSerialize], [HookDeserialize], [HookResolve],
// [HookRule]); [WithHooks] installs them. Hooks run synchronously on the
// goroutine that caused the event, must not block, and must not retain
// the event past the call.
type Hook any

// HookSerialize is called once per Serialize (or AppendSerialize) call.
type HookSerialize interface {
	OnSerialize(SerializeEvent)
}

// HookDeserialize is called once per Deserialize (or DeserializeInto)
// call.
type HookDeserialize interface {
	OnDeserialize(DeserializeEvent)
}

// HookResolve is called when a serde resolves a schema it had not cached:
// a serializer building its writer for a topic (register, look up, latest
// version), a deserializer fetching a writer schema it has not met.
type HookResolve interface {
	OnResolve(ResolveEvent)
}

// HookRule is called after each data-contract rule that runs on a message.
type HookRule interface {
	OnRule(RuleEvent)
}

// SerializeEvent describes one serialization. It has no duration: timing
// each message would cost more than many serializations do; the
// producer's events time produce calls end to end.
type SerializeEvent struct {
	Topic string
	Part  Part
	// SchemaID or GUID is the schema reference written (by the placement:
	// the ID with PayloadID, the GUID otherwise); zero for a tombstone and
	// on failure.
	SchemaID int
	GUID     GUID
	// Err is the call's error; nil on success. Kind classifies it.
	Err  error
	Kind ErrorKind
}

// DeserializeEvent describes one deserialization.
type DeserializeEvent struct {
	Topic string
	Part  Part
	// SchemaID and GUID are the schema reference the record carries (0 and
	// the zero GUID when it carries none, for a tombstone or malformed
	// framing).
	SchemaID int
	GUID     GUID
	// Err is the call's error; nil on success. Kind classifies it.
	Err  error
	Kind ErrorKind
}

// ResolveEvent describes one schema resolution on a cache miss of the
// serde (the registry client may still have answered from its own cache).
type ResolveEvent struct {
	// Topic is the serializer's topic; empty on read, where a writer
	// schema is shared by every topic.
	Topic   string
	Part    Part
	Subject string // the serializer's subject; the writer schema's subject on read, when known
	// SchemaID is the resolved schema's ID (0 on failure or for a
	// GUID-only schema).
	SchemaID int
	Duration time.Duration
	Err      error
	Kind     ErrorKind
}

// RuleEvent describes one rule that ran on one message.
type RuleEvent struct {
	Rule  string // the rule's name
	Type  string // its type: "CEL", "ENCRYPT", ...
	Kind  registry.RuleKind
	Mode  registry.RuleMode // the mode it ran in: WRITE, READ, UPGRADE, DOWNGRADE
	Phase RulePhase
	Topic string
	// Subject is the message's subject.
	Subject string
	// Action is the action that ran after the rule: its onSuccess action
	// when the rule held, its onFailure action when it failed; empty when
	// none ran (an outage fails the message at once, an unknown action
	// name fails it).
	Action string
	// Err is the rule's failure (a false condition matches
	// [ErrRuleConditionFailed]; an executor's error; [ErrNoRuleExecutor]);
	// nil when the rule held. A failure whose action is NONE does not fail
	// the message.
	Err error
}

// ErrorKind classifies serde errors for dashboards ([ErrorKindOf]). The
// values are stable metric label values.
type ErrorKind string

// Error kinds, from the most specific.
const (
	// KindNone: no error.
	KindNone ErrorKind = ""
	// KindUnavailable: an outage (registry, KMS, DEK registry) or an ended
	// context ([IsTransient]); the record may be fine and is retried.
	KindUnavailable ErrorKind = "unavailable"
	// KindDeadLetter: a rule's DLQ action failed the message.
	KindDeadLetter ErrorKind = "dead_letter"
	// KindRule: a data-contract rule failed the message ([ErrRuleFailed]).
	KindRule ErrorKind = "rule"
	// KindUnknownSchema: the record names a schema the registry does not
	// know ([ErrUnknownSchema]), or the serializer's schema is not
	// registered and may not be.
	KindUnknownSchema ErrorKind = "unknown_schema"
	// KindWrongSchemaType: a schema of another format ([ErrWrongSchemaType]).
	KindWrongSchemaType ErrorKind = "wrong_schema_type"
	// KindMalformed: the framing is broken (unknown magic byte, truncated
	// reference, bad message indexes, malformed schema-ID header).
	KindMalformed ErrorKind = "malformed"
	// KindInvalid: anything else: the format refused the value or the
	// body (encode or decode error, failed validation), an incompatible
	// schema, a strategy that named no subject, a registry refusal.
	KindInvalid ErrorKind = "invalid"
)

// ErrorKindOf classifies err: [KindNone] for nil, else the first kind
// listed with the constants that matches.
func ErrorKindOf(err error) ErrorKind {
	if err == nil {
		return KindNone
	}
	if IsTransient(err) {
		return KindUnavailable
	}
	var re *RuleError
	if errors.As(err, &re) {
		if re.DeadLetter != nil {
			return KindDeadLetter
		}
		return KindRule
	}
	switch {
	case errors.Is(err, ErrUnknownSchema), errors.Is(err, registry.ErrSchemaNotFound), errors.Is(err, registry.ErrSubjectNotFound),
		errors.Is(err, registry.ErrVersionNotFound):
		return KindUnknownSchema
	case errors.Is(err, ErrWrongSchemaType):
		return KindWrongSchemaType
	case errors.Is(err, ErrUnknownMagicByte), errors.Is(err, ErrTruncated), errors.Is(err, ErrInvalidMessageIndexes),
		errors.Is(err, ErrMalformedHeader):
		return KindMalformed
	}
	return KindInvalid
}

// WithHooks installs hooks on a serializer or deserializer; each must
// implement at least one Hook* interface of this package, else the
// constructor fails. Several calls add up. Without hooks nothing is
// reported and the per-message path is unchanged; with hooks an event is a
// struct passed by value (no allocation).
func WithHooks(hooks ...Hook) Option {
	return bothOpt{
		ser:   func(c *SerializerConfig) { c.Hooks = append(c.Hooks, hooks...) },
		deser: func(c *DeserializerConfig) { c.Hooks = append(c.Hooks, hooks...) },
	}
}

// hookSet is the installed hooks, sorted by interface.
type hookSet struct {
	ser     []HookSerialize
	deser   []HookDeserialize
	resolve []HookResolve
	rule    []HookRule
}

// newHookSet sorts hooks; it returns nil when there are none.
func newHookSet(hooks []Hook) (*hookSet, error) {
	if len(hooks) == 0 {
		return nil, nil
	}
	hs := &hookSet{}
	for _, h := range hooks {
		matched := []bool{hookset.Add(&hs.ser, h), hookset.Add(&hs.deser, h), hookset.Add(&hs.resolve, h), hookset.Add(&hs.rule, h)}
		if !slices.Contains(matched, true) {
			return nil, fmt.Errorf("serde: WithHooks: %T implements no serde Hook interface (HookSerialize, HookDeserialize, HookResolve, HookRule)", h)
		}
	}
	return hs, nil
}

// ruleHooks returns the rule hooks (nil without hooks).
func (hs *hookSet) ruleHooks() []HookRule {
	if hs == nil {
		return nil
	}
	return hs.rule
}

// withSerializeHooks returns s, or, when serialize hooks are installed, a
// Serializer that reports on s's work: the per-message path of a
// serializer without them keeps one nil check and no extra call.
func withSerializeHooks[T any](s *Serializer[T]) *Serializer[T] {
	if s.hooks == nil || len(s.hooks.ser) == 0 {
		return s
	}
	return &Serializer[T]{inner: s, part: s.part, hooks: s.hooks}
}

// appendSerializeHooked is AppendSerialize with the serialize hooks told.
func (s *Serializer[T]) appendSerializeHooked(ctx context.Context, dst []byte, topic string, v T) ([]byte, []Header, error) {
	b, h, err := s.inner.AppendSerialize(ctx, dst, topic, v)
	ev := SerializeEvent{Topic: topic, Part: s.part, Err: err}
	if err != nil {
		ev.Kind = ErrorKindOf(err)
	} else if b != nil {
		ref := b[len(dst):]
		if len(h) > 0 {
			ref = h[0].Value
		}
		ev.SchemaID, ev.GUID = refOf(ref)
	}
	for _, hk := range s.hooks.ser {
		hk.OnSerialize(ev)
	}
	return b, h, err
}

// buildReported is build with the resolve hooks told.
func (s *Serializer[T]) buildReported(ctx context.Context, k writerKey, v T) (*writerEntry[T], error) {
	if s.hooks == nil || len(s.hooks.resolve) == 0 {
		return s.build(ctx, k, v)
	}
	start := time.Now()
	w, err := s.build(ctx, k, v)
	ev := ResolveEvent{Topic: k.topic, Part: s.part, Duration: time.Since(start), Err: err, Kind: ErrorKindOf(err)}
	if w != nil {
		ev.Subject, ev.SchemaID = w.subject, w.schema.ID
	}
	for _, h := range s.hooks.resolve {
		h.OnResolve(ev)
	}
	return w, err
}

// withDeserializeHooks is withSerializeHooks for deserializers.
func withDeserializeHooks[T any](d *Deserializer[T]) *Deserializer[T] {
	if d.hooks == nil || len(d.hooks.deser) == 0 {
		return d
	}
	return &Deserializer[T]{inner: d, part: d.part, header: d.header, cfg: d.cfg, hooks: d.hooks}
}

// deserializeHooked is DeserializeInto with the deserialize hooks told.
func (d *Deserializer[T]) deserializeHooked(ctx context.Context, topic string, payload []byte, headers []Header, v *T) error {
	err := d.inner.DeserializeInto(ctx, topic, payload, headers, v)
	d.reportDeserialize(topic, payload, headers, err)
	return err
}

// deserializeValueHooked is Deserialize with the deserialize hooks told.
func (d *Deserializer[T]) deserializeValueHooked(ctx context.Context, topic string, payload []byte, headers []Header) (T, error) {
	v, err := d.inner.Deserialize(ctx, topic, payload, headers)
	d.reportDeserialize(topic, payload, headers, err)
	return v, err
}

// reportDeserialize tells the deserialize hooks about one call.
func (d *Deserializer[T]) reportDeserialize(topic string, payload []byte, headers []Header, err error) {
	ev := DeserializeEvent{Topic: topic, Part: d.part, Err: err}
	if err != nil {
		ev.Kind = ErrorKindOf(err)
	}
	ev.SchemaID, ev.GUID = refOf(d.refBytes(payload, headers))
	for _, h := range d.hooks.deser {
		h.OnDeserialize(ev)
	}
}

// refBytes returns the bytes that start with the record's schema
// reference: the part's header when it has one, else the payload.
func (d *Deserializer[T]) refBytes(payload []byte, headers []Header) []byte {
	if !d.cfg.IgnoreIDHeaders {
		for i := len(headers) - 1; i >= 0; i-- {
			if headers[i].Key == d.header {
				return headers[i].Value
			}
		}
	}
	return payload
}

// refOf reads the schema ID or GUID at the start of b without parsing
// message indexes or allocating.
func refOf(b []byte) (int, GUID) {
	switch {
	case len(b) >= 5 && b[0] == MagicID:
		return int(binary.BigEndian.Uint32(b[1:5])), GUID{}
	case len(b) >= 17 && b[0] == MagicGUID:
		var g GUID
		copy(g[:], b[1:17])
		return 0, g
	}
	return 0, GUID{}
}

// fetchSchemaReported is fetchSchema with the resolve hooks told.
func (d *Deserializer[T]) fetchSchemaReported(ctx context.Context, ref SchemaRef, sk schemaKey) (*schemaEntry[T], error) {
	if d.hooks == nil || len(d.hooks.resolve) == 0 {
		return d.fetchSchema(ctx, ref, sk)
	}
	start := time.Now()
	e, err := d.fetchSchema(ctx, ref, sk)
	ev := ResolveEvent{Part: d.part, SchemaID: ref.ID, Duration: time.Since(start), Err: err, Kind: ErrorKindOf(err)}
	if e != nil {
		ev.Subject, ev.SchemaID = e.writer.Subject, e.writer.ID
	}
	for _, h := range d.hooks.resolve {
		h.OnResolve(ev)
	}
	return e, err
}

// reportRule tells the rule hooks about the rule st ran in rc: action is
// the action that ran after it (nil: none), err the rule's failure.
func (p *rulePlan) reportRule(rc *RuleContext, st *ruleStep, action RuleAction, err error) {
	ev := RuleEvent{Rule: st.rule.Name, Type: st.rule.Type, Kind: st.rule.Kind, Mode: p.mode, Phase: p.phase,
		Topic: rc.Topic, Subject: rc.Subject, Err: err}
	if action != nil {
		ev.Action = action.Type()
	}
	for _, h := range p.hooks {
		h.OnRule(ev)
	}
}
