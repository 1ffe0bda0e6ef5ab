package serde

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/srkit-go/srkit/registry"
)

// readRules are the rules a deserializer runs for one writer (and reader)
// schema.
type readRules[T any] struct {
	encoding   *rulePlan   // the writer's encoding rules, READ
	migrations []*rulePlan // migration steps in order; the decoder is then jsonDec + jsonRead
	jsonDec    JSONDecoder
	jsonRead   JSONReader[T]
	domain     *rulePlan // the target schema's domain rules, READ
	codec      RuleCodec[T]
}

// compileReader compiles how r reads: the format's decoder, or, when the
// data must be migrated between versions of the subject, the JSON decoder,
// the migration rules and the JSON reader; and the rules that run on read.
func (d *Deserializer[T]) compileReader(ctx context.Context, r *readerEntry[T], ref SchemaRef, indexes []int) error {
	var migrations []*rulePlan
	if r.reader != nil && r.reader.ID != r.writer.ID {
		var err error
		if migrations, err = d.planMigrations(ctx, r.writer, r.reader); err != nil {
			return fmt.Errorf("serde: migrating schema %s to schema %d: %w", ref, r.reader.ID, err)
		}
	}
	rr := &readRules[T]{migrations: migrations}
	if len(migrations) > 0 {
		mc, ok := d.codec.(MigrationCodec[T])
		if !ok {
			return fmt.Errorf("%w: schema %s must be migrated to schema %d, and this format has no migration support", ErrRulesUnsupported, ref, r.reader.ID)
		}
		var err error
		if rr.jsonDec, err = mc.JSONDecoder(ctx, r.writer, indexes); err != nil {
			return fmt.Errorf("serde: schema %s: %w", ref, err)
		}
		if rr.jsonRead, err = mc.JSONReader(ctx, r.reader, r.writer, indexes); err != nil {
			return fmt.Errorf("serde: schema %d: %w", r.reader.ID, err)
		}
	} else {
		dec, err := d.codec.Decoder(ctx, r.writer, indexes, r.reader)
		if err != nil {
			return fmt.Errorf("serde: schema %s: %w", ref, err)
		}
		r.dec = dec
		r.decValue, _ = dec.(ValueDecoder[T])
	}
	if set := r.writer.RuleSet; !set.IsEmpty() {
		rr.encoding = d.rules.planRules(ctx, EncodingPhase, registry.RuleModeRead, set.EncodingRules, set.EnableAt, r.writer, nil, r.writer)
	}
	target := r.writer
	if r.reader != nil {
		target = r.reader
	}
	if set := target.RuleSet; !set.IsEmpty() {
		rr.domain = d.rules.planRules(ctx, DomainPhase, registry.RuleModeRead, set.DomainRules, set.EnableAt, target, nil, target)
	}
	if rr.domain != nil {
		if rr.jsonRead != nil {
			rr.codec, _ = rr.jsonRead.(RuleCodec[T])
		} else {
			rr.codec, _ = r.dec.(RuleCodec[T])
		}
	}
	if rr.encoding != nil || rr.domain != nil || len(rr.migrations) > 0 {
		r.rules = rr
	}
	return nil
}

// readWithRules is DeserializeInto for a reader with rules: encoding rules
// on the body, the decoder (or the migration path), domain rules on the
// value.
func (d *Deserializer[T]) readWithRules(ctx context.Context, topic string, ref SchemaRef, body []byte, headers []Header, v *T, r *readerEntry[T]) error {
	if err := d.runReadRules(ctx, topic, ref, body, headers, v, r); err != nil {
		var zero T
		*v = zero // never hand out a value whose rules did not all run (still encrypted, unchecked)
		return err
	}
	return nil
}

func (d *Deserializer[T]) runReadRules(ctx context.Context, topic string, ref SchemaRef, body []byte, headers []Header, v *T, r *readerEntry[T]) error {
	rr := r.rules
	subject, err := d.subjectFor(ctx, topic, r.entry, ref)
	if err != nil {
		return err
	}
	run := &ruleRun[T]{rc: RuleContext{Subject: subject, Topic: topic, Part: d.part, Headers: headers}}
	if p := rr.encoding; p != nil {
		if err := p.run(ctx, &run.rc, run.bodyMsg(body)); err != nil {
			return err
		}
		body = run.body.b
	}
	if len(rr.migrations) > 0 {
		j, err := rr.jsonDec.DecodeJSON(body)
		if err != nil {
			return fmt.Errorf("serde: decoding %s of topic %q with schema %s: %w", d.part, topic, ref, err)
		}
		m := run.jsonMsg(j)
		for _, p := range rr.migrations {
			if err := p.run(ctx, &run.rc, m); err != nil {
				return err
			}
		}
		if err := rr.jsonRead.ReadJSON(run.json.j, v); err != nil {
			return fmt.Errorf("serde: reading the migrated %s of topic %q into schema %d: %w", d.part, topic, r.reader.ID, err)
		}
	} else if err := r.dec.Decode(body, v); err != nil {
		return fmt.Errorf("serde: decoding %s of topic %q with schema %s: %w", d.part, topic, ref, err)
	}
	if p := rr.domain; p != nil {
		if err := p.run(ctx, &run.rc, run.domainMsg(*v, rr.codec)); err != nil {
			return err
		}
		*v = run.domain.v
	}
	return nil
}

// planMigrations returns the migration steps from the writer's version of
// the reader's subject to the reader's, as Confluent's clients plan them:
// UPGRADE through each newer version's migration rules, DOWNGRADE through
// each newer version's rules in reverse, versions in between fetched with
// deleted ones included. It returns none when the writer schema is not a
// version of the reader's subject.
func (d *Deserializer[T]) planMigrations(ctx context.Context, writer, reader *ResolvedSchema) ([]*rulePlan, error) {
	subject := reader.Subject
	if subject == "" || reader.Version <= 0 {
		return nil, nil
	}
	wv := 0
	if writer.Subject == subject && writer.Version > 0 {
		wv = writer.Version
	} else {
		got, err := d.client.LookupSchema(ctx, subject, writer.Schema, registry.Deleted())
		if err != nil {
			if errors.Is(err, registry.ErrSchemaNotFound) || errors.Is(err, registry.ErrSubjectNotFound) || errors.Is(err, registry.ErrVersionNotFound) {
				return nil, nil
			}
			return nil, fmt.Errorf("looking up the writer's version under subject %q: %w", subject, err)
		}
		wv = got.Version
	}
	mode := registry.RuleModeUpgrade
	first, last := wv, reader.Version
	switch {
	case wv == reader.Version:
		return nil, nil
	case wv > reader.Version:
		mode, first, last = registry.RuleModeDowngrade, reader.Version, wv
	}
	versions := make([]*ResolvedSchema, 0, last-first+1)
	for v := first; v <= last; v++ {
		switch {
		case v == wv:
			w := *writer
			w.Subject, w.Version = subject, wv
			versions = append(versions, &w)
		case v == reader.Version:
			versions = append(versions, reader)
		default:
			s, err := d.client.SchemaByVersion(ctx, subject, v, registry.Deleted())
			if err != nil {
				if errors.Is(err, registry.ErrVersionNotFound) {
					continue // a hard-deleted version is gone: nothing to run
				}
				return nil, fmt.Errorf("fetching version %d of subject %q: %w", v, subject, err)
			}
			versions = append(versions, &ResolvedSchema{SubjectSchema: s})
		}
	}
	var steps []*rulePlan
	for i := 1; i < len(versions); i++ {
		prev, cur := versions[i-1], versions[i]
		set := cur.RuleSet
		if set.IsEmpty() {
			continue
		}
		var p *rulePlan
		if mode == registry.RuleModeUpgrade {
			p = d.rules.planRules(ctx, MigrationPhase, mode, set.MigrationRules, set.EnableAt, cur, prev, cur)
		} else {
			p = d.rules.planRules(ctx, MigrationPhase, mode, set.MigrationRules, set.EnableAt, cur, cur, prev)
		}
		if p != nil {
			steps = append(steps, p)
		}
	}
	if mode == registry.RuleModeDowngrade {
		slices.Reverse(steps)
	}
	return steps, nil
}
