package serde

import (
	"context"
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// writeRules are the rules a serializer runs for one writer schema.
type writeRules[T any] struct {
	domain   *rulePlan // WRITE domain rules; nil if none
	encoding *rulePlan // WRITE encoding rules; nil if none
	codec    RuleCodec[T]
}

// planWrite compiles the rules of writer that run on write; nil when none
// does, so that a schema without rules costs one nil check per message.
func planWrite[T any](ctx context.Context, rs *ruleSettings, writer *ResolvedSchema, enc Encoder[T]) *writeRules[T] {
	set := writer.RuleSet
	if set.IsEmpty() {
		return nil
	}
	w := &writeRules[T]{
		domain:   rs.planRules(ctx, DomainPhase, registry.RuleModeWrite, set.DomainRules, set.EnableAt, writer, nil, writer),
		encoding: rs.planRules(ctx, EncodingPhase, registry.RuleModeWrite, set.EncodingRules, set.EnableAt, writer, nil, writer),
	}
	if w.domain == nil && w.encoding == nil {
		return nil
	}
	w.codec, _ = enc.(RuleCodec[T])
	return w
}

// appendWithRules is AppendSerialize for a schema with write rules: domain
// rules on v, the format's encoding, encoding rules on the body. v itself
// is never modified.
func (s *Serializer[T]) appendWithRules(ctx context.Context, dst []byte, topic string, v T, w *writerEntry[T]) ([]byte, []Header, error) {
	given := dst
	run := &ruleRun[T]{rc: RuleContext{Subject: w.subject, Topic: topic, Part: s.part}}
	if p := w.rules.domain; p != nil {
		if err := p.run(ctx, &run.rc, run.domainMsg(v, w.rules.codec)); err != nil {
			return given, nil, err
		}
		v = run.domain.v
	}
	if dst == nil {
		dst = make([]byte, 0, max(int(w.sizeHint.Load()), len(w.prefix)+64))
	}
	dst = append(dst, w.prefix...)
	start := len(dst)
	dst, err := w.enc.AppendEncode(dst, v)
	if err != nil {
		return given, nil, fmt.Errorf("serde: encoding %s for topic %q with schema %d: %w", s.part, topic, w.schema.ID, err)
	}
	if p := w.rules.encoding; p != nil {
		if err := p.run(ctx, &run.rc, run.bodyMsg(dst[start:len(dst):len(dst)])); err != nil {
			return given, nil, err
		}
		dst = append(dst[:start], run.body.b...)
	}
	if n := len(dst); n > int(w.sizeHint.Load()) && n <= maxSizeHint {
		w.sizeHint.Store(int32(n))
	}
	return dst, w.headers, nil
}
