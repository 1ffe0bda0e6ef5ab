package encryption

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/srkit-go/srkit/encryption/dekregistry"
)

// kmsKey names a KMS made by a driver: its type and the KEK's kmsProps.
type kmsKey struct {
	typ, props string
}

// kmsFor returns the KMS of kek: the one given with WithKMS, or the one its
// driver makes from the executor's config overlaid with kek's kmsProps
// (made once per distinct kmsProps).
func (e *Executor) kmsFor(ctx context.Context, kek *dekregistry.KEK) (KMS, error) {
	t := normalizeKMSType(kek.KMSType)
	d := e.drivers[t]
	if d == nil {
		return nil, fmt.Errorf("%w %q: give one with encryption.WithKMS or encryption.WithKMSDriver", ErrNoKMS, kek.KMSType)
	}
	if f, ok := d.(fixedDriver); ok {
		return f.kms, nil
	}
	key := kmsKey{typ: t, props: canonicalProps(kek.KMSProps)}
	if k, ok := e.kmses.get(key, 0); ok {
		return k, nil
	}
	return e.kmsCall.Do(ctx, key, func(ctx context.Context) (KMS, error) {
		if k, ok := e.kmses.get(key, 0); ok {
			return k, nil
		}
		cfg := make(map[string]string, len(e.config)+len(kek.KMSProps))
		maps.Copy(cfg, e.config)
		maps.Copy(cfg, kek.KMSProps)
		k, err := d.NewKMS(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("%w: making the %s KMS: %w", ErrKMS, kek.KMSType, err)
		}
		if k == nil {
			return nil, fmt.Errorf("%w: the %s driver made no KMS", ErrKMS, kek.KMSType)
		}
		e.kmses.put(key, k, 0)
		return k, nil
	})
}

// canonicalProps is kmsProps as a cache key.
func canonicalProps(props map[string]string) string {
	if len(props) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(props))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(props[k])
		b.WriteByte(0)
	}
	return b.String()
}

// keyIDs are the KMS key IDs tried in order for kek: its own, then the
// alternates of its kmsProps, of the rule, and of the executor's config.
func (r *rule) keyIDs(kek *dekregistry.KEK) []string {
	ids := []string{kek.KMSKeyID}
	add := func(more []string) {
		for _, id := range more {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	add(splitKeyIDs(kek.KMSProps[ParamAlternateKMSKeyIDs]))
	add(r.p.altKeyIDs)
	add(splitKeyIDs(r.e.config[ParamAlternateKMSKeyIDs]))
	return ids
}

// wrap wraps a new DEK's material with the first key ID that works.
func (r *rule) wrap(ctx context.Context, kek *dekregistry.KEK, material []byte) ([]byte, error) {
	return r.withKeys(ctx, kek, "wrapping", func(k KMS, id string) ([]byte, error) { return k.Wrap(ctx, id, material) })
}

// unwrap unwraps a DEK's material with the first key ID that works.
func (r *rule) unwrap(ctx context.Context, kek *dekregistry.KEK, wrapped []byte) ([]byte, error) {
	return r.withKeys(ctx, kek, "unwrapping", func(k KMS, id string) ([]byte, error) { return k.Unwrap(ctx, id, wrapped) })
}

// withKeys tries op with each key ID in turn. When all fail, the error
// holds every attempt's error, so that it is transient when one of them
// was an outage (the data may be fine: another try may work).
func (r *rule) withKeys(ctx context.Context, kek *dekregistry.KEK, what string, op func(KMS, string) ([]byte, error)) ([]byte, error) {
	k, err := r.e.kmsFor(ctx, kek)
	if err != nil {
		return nil, err
	}
	ids := r.keyIDs(kek)
	var errs []error
	for _, id := range ids {
		out, err := op(k, id)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %s with key %q: %w", ErrKMS, what, id, err)
		}
		errs = append(errs, fmt.Errorf("key %q: %w", id, err))
	}
	return nil, fmt.Errorf("%w: %s with the %s key IDs %q: %w", ErrKMS, what, kek.KMSType, ids, errors.Join(errs...))
}
