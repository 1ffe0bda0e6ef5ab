package encryption

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/internal/flight"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Rule types the executors run.
const (
	// TypeEncrypt is field-level encryption: the fields whose tags match
	// the rule's tags (a domain rule).
	TypeEncrypt = "ENCRYPT"
	// TypeEncryptPayload is payload encryption: the whole encoded body (an
	// encoding rule).
	TypeEncryptPayload = "ENCRYPT_PAYLOAD"
)

// Executor holds what the ENCRYPT and ENCRYPT_PAYLOAD executors share: the
// DEK Registry client, the KMSes, and the bounded caches of KEKs, decrypted
// DEKs and KMS clients. Make one per registry client and give its
// [Executor.Executors] to every serializer and deserializer; it is safe for
// concurrent use.
type Executor struct {
	deks       *dekregistry.Client
	drivers    map[string]Driver
	config     map[string]string
	now        func() time.Time
	log        *slog.Logger
	expiry     time.Duration // < 0: never
	missingKEK time.Duration
	missingDEK time.Duration

	gen     atomic.Uint64 // bumped by ClearCaches: rules' memos are stale
	keks    *cache[kekKey, kekEntry]
	dekc    *cache[dekKey, dekEntry]
	kmses   *cache[kmsKey, KMS]
	kekCall flight.Group[kekCallKey, kekEntry]
	dekCall flight.Group[dekKey, dekEntry]
	kmsCall flight.Group[kmsKey, KMS]
}

// New returns the encryption executors of the DEK Registry that client
// reaches (the Schema Registry serves it), with the KMSes opts give. A KEK
// whose KMS type has no KMS fails with [ErrNoKMS] when it is needed.
func New(client *registry.Client, opts ...Option) (*Executor, error) {
	if client == nil {
		return nil, fmt.Errorf("encryption: New: nil registry client")
	}
	s := settings{cacheSize: DefaultCacheSize, cacheExpiry: -1, now: time.Now, logger: slog.Default()}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if err := s.applyConfig(); err != nil {
		return nil, err
	}
	e := &Executor{
		deks: dekregistry.New(client), drivers: map[string]Driver{}, config: s.config,
		now: s.now, log: s.logger, expiry: s.cacheExpiry, missingKEK: s.missingKEK, missingDEK: s.missingDEK,
		keks:  newCache[kekKey, kekEntry](s.cacheSize),
		dekc:  newCache[dekKey, dekEntry](s.cacheSize),
		kmses: newCache[kmsKey, KMS](s.cacheSize),
	}
	for _, d := range s.drivers {
		t := normalizeKMSType(d.Type())
		if t == "" {
			return nil, fmt.Errorf("encryption: a KMS or driver of an empty type")
		}
		if _, dup := e.drivers[t]; dup {
			return nil, fmt.Errorf("encryption: two KMSes or drivers for KMS type %q", d.Type())
		}
		e.drivers[t] = d
	}
	return e, nil
}

// Executors returns the ENCRYPT and ENCRYPT_PAYLOAD executors, for
// serde.WithRuleExecutors.
func (e *Executor) Executors() []serde.RuleExecutor {
	return []serde.RuleExecutor{e.Field(), e.Payload()}
}

// Field returns the ENCRYPT executor alone.
func (e *Executor) Field() serde.RuleExecutor { return fieldExecutor{e} }

// Payload returns the ENCRYPT_PAYLOAD executor alone.
func (e *Executor) Payload() serde.RuleExecutor { return payloadExecutor{e} }

// ClearCaches forgets every cached KEK, DEK and KMS client: the next
// message fetches its keys again.
func (e *Executor) ClearCaches() {
	e.gen.Add(1)
	e.keks.clear()
	e.dekc.clear()
	e.kmses.clear()
}

type fieldExecutor struct{ e *Executor }

func (fieldExecutor) Type() string { return TypeEncrypt }

func (x fieldExecutor) Compile(_ context.Context, r *registry.Rule, schema *serde.ResolvedSchema) (serde.CompiledRule, error) {
	p, err := compileParams(r, schema)
	if err != nil {
		return nil, err
	}
	return &fieldRule{rule: rule{e: x.e, p: p}}, nil
}

type payloadExecutor struct{ e *Executor }

func (payloadExecutor) Type() string { return TypeEncryptPayload }

func (x payloadExecutor) Compile(_ context.Context, r *registry.Rule, schema *serde.ResolvedSchema) (serde.CompiledRule, error) {
	p, err := compileParams(r, schema)
	if err != nil {
		return nil, err
	}
	return &payloadRule{rule: rule{e: x.e, p: p}}, nil
}

// nowNanos is the executor's clock in Unix nanoseconds.
func (e *Executor) nowNanos() int64 { return e.now().UnixNano() }

// expiresAt is when an entry fetched now expires (0: never).
func (e *Executor) expiresAt(now int64) int64 {
	if e.expiry < 0 {
		return 0
	}
	return now + int64(e.expiry)
}
