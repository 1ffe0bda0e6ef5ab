package encryption

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The KEK and DEK lifecycle, as Confluent's executors run it.

// kekKey names a cached KEK: on read, soft-deleted KEKs are looked up too.
type kekKey struct {
	name, context string
	deleted       bool
}

// kekEntry is a cached KEK, or the memory that it was not found.
type kekEntry struct {
	kek     *dekregistry.KEK // immutable once cached
	exp     int64            // when the entry expires (0: never)
	missing bool
}

// kekCallKey is one KEK lookup in flight; a writer's lookup may create the
// KEK with the rule's KMS type and key ID.
type kekCallKey struct {
	kekKey
	kmsType, kmsKeyID string
}

// dekKey names a cached DEK. version is firstVersion, registry.Latest or a
// version number.
type dekKey struct {
	kek, subject string
	version      int
	alg          Algorithm
	deleted      bool
}

// dekEntry is a cached DEK with its primitive, or the memory that it was
// not found.
type dekEntry struct {
	c       cipher
	version int
	ts      int64 // the DEK's creation, Unix milliseconds
	retryAt int64 // a failed rotation is retried from then on (Unix nanoseconds)
	exp     int64 // when the entry expires (0: never)
	missing bool
}

// rotationRetry is how long a writer keeps an expired DEK after it failed
// to create the next version, before it tries again.
const rotationRetry = 30 * time.Second

// millisPerDay is a day in milliseconds (DEK expiry counts whole days).
const millisPerDay = 24 * 60 * 60 * 1000

// rule is one compiled ENCRYPT or ENCRYPT_PAYLOAD rule.
type rule struct {
	e    *Executor
	p    *ruleParams
	memo atomic.Pointer[memo]
}

// memo is what a rule remembers of the keys of its last message, so that
// the next message of the subject finds them with one atomic load: its
// KEK, checked against the rule, and the DEK it used.
type memo struct {
	gen     uint64 // the executor's cache generation (ClearCaches)
	subject string
	kek     *dekregistry.KEK
	kekExp  int64
	dek     dekEntry
	dekOK   bool
	dekVer  int // the version the DEK was looked up as
}

// current returns the memo when it is valid for subject.
func (r *rule) current(subject string) *memo {
	if m := r.memo.Load(); m != nil && m.subject == subject && m.gen == r.e.gen.Load() {
		return m
	}
	return nil
}

// withDEK remembers d as the DEK looked up as version.
func (r *rule) withDEK(m *memo, d dekEntry, version int) {
	if m == nil {
		return
	}
	n := *m
	n.dek, n.dekOK, n.dekVer = d, true, version
	r.memo.Store(&n)
}

// errorf wraps err into an *Error about the rule's KEK in rc.
func (r *rule) fail(op string, rc *serde.RuleContext, version int, err error) *Error {
	return &Error{Op: op, KEK: r.p.kekName, Subject: rc.Subject, Algorithm: r.p.alg, Version: version, Err: err}
}

// kek returns the rule's KEK: from the cache, or the DEK Registry (created
// on write when missing), checked against the rule's KMS type and key ID.
func (r *rule) kek(ctx context.Context, rc *serde.RuleContext) (*dekregistry.KEK, error) {
	if m := r.current(rc.Subject); m != nil && (m.kekExp == 0 || r.e.nowNanos() < m.kekExp) {
		return m.kek, nil
	}
	gen := r.e.gen.Load()
	ctxName, _ := registry.SplitSubject(rc.Subject)
	read := rc.Mode == registry.RuleModeRead
	key := kekKey{name: r.p.kekName, context: ctxName, deleted: read}
	ent, ok := r.e.keks.get(key, r.e.nowNanos())
	if !ok {
		var err error
		ck := kekCallKey{kekKey: key}
		if !read {
			ck.kmsType, ck.kmsKeyID = r.p.kmsType, r.p.kmsKeyID
		}
		ent, err = r.e.kekCall.Do(ctx, ck, func(ctx context.Context) (kekEntry, error) { return r.fetchKEK(ctx, rc, key) })
		if err != nil {
			return nil, err
		}
	}
	if ent.missing {
		return nil, r.fail("getting the KEK", rc, 0, fmt.Errorf("%w during consume", ErrKEKNotFound))
	}
	k := ent.kek
	if r.p.kmsType != "" && r.p.kmsType != k.KMSType {
		return nil, r.fail("checking the KEK", rc, 0, fmt.Errorf("%w: the KEK has KMS type %q, the rule %q", ErrKEKMismatch, k.KMSType, r.p.kmsType))
	}
	if r.p.kmsKeyID != "" && r.p.kmsKeyID != k.KMSKeyID {
		return nil, r.fail("checking the KEK", rc, 0, fmt.Errorf("%w: the KEK has KMS key ID %q, the rule %q", ErrKEKMismatch, k.KMSKeyID, r.p.kmsKeyID))
	}
	r.memo.Store(&memo{gen: gen, subject: rc.Subject, kek: k, kekExp: ent.exp})
	return k, nil
}

// fetchKEK gets the KEK from the DEK Registry and caches it; on write it
// creates a missing KEK (a concurrent creator's 409 is read back).
func (r *rule) fetchKEK(ctx context.Context, rc *serde.RuleContext, key kekKey) (kekEntry, error) {
	now := r.e.nowNanos()
	if ent, ok := r.e.keks.get(key, now); ok { // another call just filled it
		return ent, nil
	}
	var ps []dekregistry.Param
	if key.context != "" {
		ps = append(ps, dekregistry.Context(key.context))
	}
	if key.deleted {
		ps = append(ps, dekregistry.Deleted())
	}
	k, err := r.e.deks.KEK(ctx, key.name, ps...)
	switch {
	case err == nil:
		ent := kekEntry{kek: &k, exp: r.e.expiresAt(now)}
		r.e.keks.put(key, ent, ent.exp)
		return ent, nil
	case !errors.Is(err, registry.ErrKeyNotFound):
		return kekEntry{}, r.fail("getting the KEK", rc, 0, err)
	case key.deleted: // read: a missing KEK is an error
		ent := kekEntry{missing: true}
		if r.e.missingKEK > 0 {
			r.e.keks.put(key, ent, now+int64(r.e.missingKEK))
		}
		return ent, nil
	}
	if r.p.kmsType == "" || r.p.kmsKeyID == "" {
		return kekEntry{}, r.fail("creating the KEK", rc, 0, fmt.Errorf("%w: the KEK does not exist, and the rule has no %s or no %s to create it",
			ErrInvalidRule, ParamKMSType, ParamKMSKeyID))
	}
	var cps []dekregistry.Param
	if key.context != "" {
		cps = append(cps, dekregistry.Context(key.context))
	}
	k, err = r.e.deks.CreateKEK(ctx, dekregistry.KEK{Name: key.name, KMSType: r.p.kmsType, KMSKeyID: r.p.kmsKeyID}, cps...)
	if errors.Is(err, registry.ErrKeyExists) {
		k, err = r.e.deks.KEK(ctx, key.name, ps...)
		if errors.Is(err, registry.ErrKeyNotFound) {
			err = fmt.Errorf("%w: a KEK of that name conflicts with the rule's but cannot be read (soft-deleted?)", ErrKEKNotFound)
		}
	} else if err == nil {
		r.e.log.InfoContext(ctx, "encryption: created KEK", "kek", key.name, "kmsType", r.p.kmsType, "kmsKeyId", r.p.kmsKeyID)
	}
	if err != nil {
		return kekEntry{}, r.fail("creating the KEK", rc, 0, err)
	}
	ent := kekEntry{kek: &k, exp: r.e.expiresAt(now)}
	r.e.keks.put(key, ent, ent.exp)
	return ent, nil
}

// expired reports whether a DEK created at ts (Unix ms) is to be rotated
// at now (Unix ns).
func (r *rule) expired(ts, now int64) bool {
	return r.p.expiryDays > 0 && (now/int64(time.Millisecond)-ts)/millisPerDay >= int64(r.p.expiryDays)
}

// writeDEK returns the DEK a writer encrypts with: the first, or with
// rotation the latest, created when missing or expired.
func (r *rule) writeDEK(ctx context.Context, rc *serde.RuleContext, kek *dekregistry.KEK) (dekEntry, error) {
	m := r.current(rc.Subject)
	if m != nil && m.dekOK && m.kek == kek && (m.dek.exp == 0 && r.p.expiryDays == 0 || r.usable(m.dek, r.e.nowNanos())) {
		return m.dek, nil
	}
	key := dekKey{kek: kek.Name, subject: rc.Subject, version: r.p.writeVersion(), alg: r.p.alg}
	now := r.e.nowNanos()
	d, ok := r.e.dekc.get(key, now)
	if !ok || !r.usable(d, now) {
		var err error
		if d, err = r.e.dekCall.Do(ctx, key, func(ctx context.Context) (dekEntry, error) { return r.getOrCreateDEK(ctx, rc, kek, key) }); err != nil {
			return dekEntry{}, err
		}
	}
	if m != nil && m.kek == kek {
		r.withDEK(m, d, key.version)
	}
	return d, nil
}

// usable reports whether a writer may still encrypt with d at now: its
// cache entry has not expired, and it is not due for rotation.
func (r *rule) usable(d dekEntry, now int64) bool {
	return (d.exp == 0 || now < d.exp) && !(r.expired(d.ts, now) && now >= d.retryAt)
}

// getOrCreateDEK is writeDEK's slow path.
func (r *rule) getOrCreateDEK(ctx context.Context, rc *serde.RuleContext, kek *dekregistry.KEK, key dekKey) (dekEntry, error) {
	now := r.e.nowNanos()
	cached, ok := r.e.dekc.get(key, now)
	if ok && r.usable(cached, now) { // another call just made it
		return cached, nil
	}
	var dek *dekregistry.DEK
	if !ok {
		d, err := r.retrieveDEK(ctx, key)
		if err != nil {
			return dekEntry{}, r.fail("getting the DEK", rc, 0, err)
		}
		dek = d
	}
	expired := (ok && r.expired(cached.ts, now)) || (dek != nil && r.expired(dek.Timestamp, now))
	if !ok && dek != nil && !expired {
		return r.cacheDEK(ctx, rc, kek, key, dek, nil, now)
	}
	// No DEK yet, or the latest expired: create the next one.
	var material []byte
	in := dekregistry.DEK{Subject: rc.Subject, Algorithm: string(r.p.alg)}
	if !kek.Shared {
		var err error
		if material, err = newKeyMaterial(r.p.alg); err != nil {
			return dekEntry{}, r.fail("generating a DEK", rc, 0, err)
		}
		wrapped, err := r.wrap(ctx, kek, material)
		if err != nil {
			return dekEntry{}, r.fail("wrapping a new DEK", rc, 0, err)
		}
		in.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString(wrapped)
	}
	if expired {
		prev := cached.version
		if dek != nil {
			prev = dek.Version
		}
		in.Version = prev + 1
	}
	created, err := r.e.deks.CreateDEK(ctx, kek.Name, in)
	mine := err == nil
	if errors.Is(err, registry.ErrKeyExists) {
		// A concurrent writer made it: read back what it made.
		var d *dekregistry.DEK
		if d, err = r.retrieveDEK(ctx, key); err == nil && d == nil {
			err = fmt.Errorf("%w after a conflicting create", ErrDEKNotFound)
		} else if err == nil {
			created = *d
		}
	}
	if err != nil {
		if !expired {
			return dekEntry{}, r.fail("creating the DEK", rc, in.Version, err)
		}
		r.e.log.WarnContext(ctx, "encryption: cannot create the next DEK version, using the expired one", "kek", kek.Name,
			"subject", rc.Subject, "version", in.Version, "algorithm", string(r.p.alg), "error", err)
		if ok {
			cached.retryAt, cached.exp = now+int64(rotationRetry), r.e.expiresAt(now)
			r.e.dekc.put(key, cached, cached.exp)
			return cached, nil
		}
		ent, cerr := r.cacheDEK(ctx, rc, kek, key, dek, nil, now)
		if cerr == nil {
			ent.retryAt = now + int64(rotationRetry)
			r.e.dekc.put(key, ent, ent.exp)
		}
		return ent, cerr
	}
	if mine {
		r.e.log.InfoContext(ctx, "encryption: created DEK", "kek", kek.Name, "subject", rc.Subject,
			"version", created.Version, "algorithm", string(r.p.alg))
	} else {
		material = nil // the concurrent writer's DEK has its own material
	}
	return r.cacheDEK(ctx, rc, kek, key, &created, material, now)
}

// readDEK returns version (firstVersion, or a version number) of the DEK
// that encrypted data on read, soft-deleted DEKs included.
func (r *rule) readDEK(ctx context.Context, rc *serde.RuleContext, kek *dekregistry.KEK, version int) (dekEntry, error) {
	m := r.current(rc.Subject)
	if m != nil && m.dekOK && m.dekVer == version && m.kek == kek && (m.dek.exp == 0 || r.e.nowNanos() < m.dek.exp) {
		return m.dek, nil
	}
	key := dekKey{kek: kek.Name, subject: rc.Subject, version: version, alg: r.p.alg, deleted: true}
	d, ok := r.e.dekc.get(key, r.e.nowNanos())
	if !ok {
		var err error
		d, err = r.e.dekCall.Do(ctx, key, func(ctx context.Context) (dekEntry, error) {
			now := r.e.nowNanos()
			if d, ok := r.e.dekc.get(key, now); ok {
				return d, nil
			}
			dek, err := r.retrieveDEK(ctx, key)
			if err != nil {
				return dekEntry{}, r.fail("getting the DEK", rc, version, err)
			}
			if dek == nil {
				ent := dekEntry{missing: true}
				if r.e.missingDEK > 0 {
					r.e.dekc.put(key, ent, now+int64(r.e.missingDEK))
				}
				return ent, nil
			}
			return r.cacheDEK(ctx, rc, kek, key, dek, nil, now)
		})
		if err != nil {
			return dekEntry{}, err
		}
	}
	if d.missing {
		return dekEntry{}, r.fail("getting the DEK", rc, version, fmt.Errorf("%w during consume", ErrDEKNotFound))
	}
	if m != nil && m.kek == kek {
		r.withDEK(m, d, version)
	}
	return d, nil
}

// retrieveDEK gets the DEK key names from the DEK Registry; nil when the
// registry does not have it.
func (r *rule) retrieveDEK(ctx context.Context, key dekKey) (*dekregistry.DEK, error) {
	ps := []dekregistry.Param{dekregistry.Algorithm(string(key.alg))}
	if key.deleted {
		ps = append(ps, dekregistry.Deleted())
	}
	var d dekregistry.DEK
	var err error
	if key.version == firstVersion {
		d, err = r.e.deks.DEK(ctx, key.kek, key.subject, ps...)
	} else {
		d, err = r.e.deks.DEKVersion(ctx, key.kek, key.subject, key.version, ps...)
	}
	if errors.Is(err, registry.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// cacheDEK builds the primitive of dek — from material when the executor
// just made it, else from the registry's key material or by unwrapping —
// and caches it under key.
func (r *rule) cacheDEK(ctx context.Context, rc *serde.RuleContext, kek *dekregistry.KEK, key dekKey, dek *dekregistry.DEK, material []byte, now int64) (dekEntry, error) {
	if material == nil {
		var err error
		switch {
		case dek.KeyMaterial != "":
			if material, err = dek.KeyMaterialBytes(); err != nil {
				return dekEntry{}, r.fail("reading the DEK", rc, dek.Version, fmt.Errorf("%w: keyMaterial is not base64", ErrKeyMaterial))
			}
		case dek.EncryptedKeyMaterial != "":
			wrapped, err := dek.EncryptedKeyMaterialBytes()
			if err != nil {
				return dekEntry{}, r.fail("reading the DEK", rc, dek.Version, fmt.Errorf("%w: encryptedKeyMaterial is not base64", ErrKeyMaterial))
			}
			if material, err = r.unwrap(ctx, kek, wrapped); err != nil {
				return dekEntry{}, r.fail("unwrapping the DEK", rc, dek.Version, err)
			}
		default:
			return dekEntry{}, r.fail("reading the DEK", rc, dek.Version, fmt.Errorf("%w: the DEK Registry sent no key material", ErrKeyMaterial))
		}
	}
	c, err := newCipher(r.p.alg, material)
	clear(material)
	if err != nil {
		return dekEntry{}, r.fail("reading the DEK", rc, dek.Version, err)
	}
	ent := dekEntry{c: c, version: dek.Version, ts: dek.Timestamp, exp: r.e.expiresAt(now)}
	r.e.dekc.put(key, ent, ent.exp)
	return ent, nil
}
