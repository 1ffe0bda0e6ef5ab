package serde

import (
	"encoding/json"
	"fmt"
)

// ruleRun is the state of one message's trip through its rules: the rule
// context and the three phases' views, allocated together once.
type ruleRun[T any] struct {
	rc     RuleContext
	domain domainMessage[T]
	body   bodyMessage
	json   jsonMessage
	msg    Message
}

// domainMsg returns the message viewed in the domain phase, holding v.
func (r *ruleRun[T]) domainMsg(v T, codec RuleCodec[T]) *Message {
	r.domain = domainMessage[T]{v: v, codec: codec, phase: DomainPhase}
	r.msg.impl = &r.domain
	return &r.msg
}

// bodyMsg returns the message viewed in the encoding phase, holding b.
func (r *ruleRun[T]) bodyMsg(b []byte) *Message {
	r.body.b = b
	r.msg.impl = &r.body
	return &r.msg
}

// jsonMsg returns the message viewed in the migration phase, holding j.
func (r *ruleRun[T]) jsonMsg(j any) *Message {
	r.json.j = j
	r.msg.impl = &r.json
	return &r.msg
}

// domainMessage is a value of T in the domain phase.
type domainMessage[T any] struct {
	v       T
	codec   RuleCodec[T] // nil: the format offers no rule view
	phase   RulePhase
	gen     any
	hasGen  bool
	changed bool
}

func (m *domainMessage[T]) needCodec(what string) error {
	if m.codec == nil {
		return fmt.Errorf("%w: %s: the format's codec does not support domain rules", ErrRulesUnsupported, what)
	}
	return nil
}

func (m *domainMessage[T]) generic() (any, error) {
	if err := m.needCodec("the message's generic form"); err != nil {
		return nil, err
	}
	if !m.hasGen {
		g, err := m.codec.Generic(m.v)
		if err != nil {
			return nil, err
		}
		m.gen, m.hasGen = g, true
	}
	return m.gen, nil
}

func (m *domainMessage[T]) replace(g any) error {
	if err := m.needCodec("replacing the message"); err != nil {
		return err
	}
	v, err := m.codec.FromGeneric(g)
	if err != nil {
		return err
	}
	m.v, m.gen, m.hasGen, m.changed = v, nil, false, true
	return nil
}

func (m *domainMessage[T]) transformFields(tags []string, fn FieldFunc) error {
	if err := m.needCodec("field rules"); err != nil {
		return err
	}
	v, err := m.codec.TransformFields(m.v, tags, fn)
	if err != nil {
		return err
	}
	m.v, m.gen, m.hasGen, m.changed = v, nil, false, true
	return nil
}

func (m *domainMessage[T]) body() ([]byte, error) {
	return nil, phaseError("the encoded body", m.phase)
}
func (m *domainMessage[T]) setBody([]byte) error { return phaseError("the encoded body", m.phase) }

func (m *domainMessage[T]) deadLetterValue(redact []string, doRedact bool) ([]byte, error) {
	if err := m.needCodec("the dead-letter value"); err != nil {
		return nil, err
	}
	v := m.v
	if doRedact {
		var err error
		if v, err = m.codec.TransformFields(v, redact, redactField); err != nil {
			return nil, err
		}
	}
	return m.codec.JSON(v)
}

// jsonMessage is a message's JSON form in the migration phase.
type jsonMessage struct{ j any }

func (m *jsonMessage) generic() (any, error) { return m.j, nil }
func (m *jsonMessage) replace(j any) error   { m.j = j; return nil }
func (m *jsonMessage) transformFields([]string, FieldFunc) error {
	return phaseError("field rules", MigrationPhase)
}
func (m *jsonMessage) body() ([]byte, error) {
	return nil, phaseError("the encoded body", MigrationPhase)
}
func (m *jsonMessage) setBody([]byte) error { return phaseError("the encoded body", MigrationPhase) }
func (m *jsonMessage) deadLetterValue([]string, bool) ([]byte, error) {
	return json.Marshal(m.j)
}

// bodyMessage is the encoded body in the encoding phase.
type bodyMessage struct{ b []byte }

func (m *bodyMessage) generic() (any, error) {
	return nil, phaseError("the message's generic form", EncodingPhase)
}
func (m *bodyMessage) replace(any) error { return phaseError("replacing the message", EncodingPhase) }
func (m *bodyMessage) transformFields([]string, FieldFunc) error {
	return phaseError("field rules", EncodingPhase)
}
func (m *bodyMessage) body() ([]byte, error) { return m.b, nil }
func (m *bodyMessage) setBody(b []byte) error {
	m.b = b
	return nil
}
func (m *bodyMessage) deadLetterValue([]string, bool) ([]byte, error) { return m.b, nil }
