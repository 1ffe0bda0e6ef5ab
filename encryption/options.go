package encryption

import (
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"time"
)

// Executor configuration keys, as Confluent's Java executor reads them from
// its config (rule.executors.<name>.param.<key>); [WithConfig] takes them.
const (
	// ConfigCacheSize bounds each of the executor's caches (KEKs, DEKs,
	// KMSes); default 10000.
	ConfigCacheSize = "cache.size"
	// ConfigCacheExpirySecs makes cached KEKs and DEKs expire that many
	// seconds after they were fetched; default -1, never (a negative value).
	ConfigCacheExpirySecs = "cache.expiry.secs"
	// ConfigMissingKEKTTLSecs and ConfigMissingDEKTTLSecs make the executor
	// remember for that many seconds that a KEK or DEK was not found on
	// read; default 0, not at all.
	ConfigMissingKEKTTLSecs = "missing.kek.cache.ttl.sec"
	ConfigMissingDEKTTLSecs = "missing.dek.cache.ttl.sec"
)

// DefaultCacheSize is the default of [ConfigCacheSize].
const DefaultCacheSize = 10000

// Option configures [New].
type Option func(*settings) error

type settings struct {
	drivers     []Driver
	config      map[string]string
	cacheSize   int
	cacheExpiry time.Duration // < 0: never
	missingKEK  time.Duration
	missingDEK  time.Duration
	now         func() time.Time
	logger      *slog.Logger
	sizeSet     bool
	expirySet   bool
}

// WithKMS gives a ready KMS: it wraps and unwraps the DEKs of every KEK of
// its type, whatever the KEK's kmsProps. Give one KMS per type.
func WithKMS(k KMS) Option {
	return func(s *settings) error {
		if k == nil {
			return fmt.Errorf("encryption: WithKMS(nil)")
		}
		s.drivers = append(s.drivers, fixedDriver{k})
		return nil
	}
}

// WithKMSDriver gives a driver that makes the KMS of each KEK of its type
// from the executor's config ([WithConfig]) overlaid with the KEK's
// kmsProps, as Confluent's clients configure KMS clients.
func WithKMSDriver(d Driver) Option {
	return func(s *settings) error {
		if d == nil {
			return fmt.Errorf("encryption: WithKMSDriver(nil)")
		}
		s.drivers = append(s.drivers, d)
		return nil
	}
}

// WithConfig gives the executor's config with Confluent's keys: the KMS
// drivers' settings and credentials (see [Driver]),
// encrypt.alternate.kms.key.ids, and the executor's own cache.size,
// cache.expiry.secs, missing.kek.cache.ttl.sec and
// missing.dek.cache.ttl.sec. From a Confluent properties file, pass the
// rule.executors.<name>.param.* settings serde.ParseProperties collects
// (Properties.RuleExecutorConfig["_default_"], or the executor's own name).
// Values are secrets for all the executor knows: they never appear in its
// errors or logs. Several calls add up; a later value of a key wins.
func WithConfig(config map[string]string) Option {
	return func(s *settings) error {
		if s.config == nil {
			s.config = map[string]string{}
		}
		maps.Copy(s.config, config)
		return nil
	}
}

// WithCacheSize bounds each of the executor's caches (KEKs, decrypted DEKs,
// KMSes) to n entries; it overrides cache.size.
func WithCacheSize(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("encryption: WithCacheSize(%d): the size must be at least 1", n)
		}
		s.cacheSize, s.sizeSet = n, true
		return nil
	}
}

// WithCacheExpiry makes cached KEKs and DEKs expire d after they were
// fetched, so that changes made in the DEK Registry by others (a new DEK
// version, a deletion, a KEK's shared flag) are seen; d < 0 never expires
// them (the default). It overrides cache.expiry.secs.
func WithCacheExpiry(d time.Duration) Option {
	return func(s *settings) error {
		s.cacheExpiry, s.expirySet = d, true
		return nil
	}
}

// WithClock makes the executor read the time from now: DEK expiry
// (encrypt.dek.expiry.days) and cache expiry. For tests of DEK rotation.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return fmt.Errorf("encryption: WithClock(nil)")
		}
		s.now = now
		return nil
	}
}

// WithLogger sets the logger (default slog.Default()): one line when a KEK
// or DEK is created, and when a rotated DEK cannot be created and the
// previous one is used. Lines name keys, never key material.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return fmt.Errorf("encryption: WithLogger(nil)")
		}
		s.logger = l
		return nil
	}
}

// applyConfig reads the executor's own keys from the config; explicit
// options win.
func (s *settings) applyConfig() error {
	secs := func(key string) (int, bool, error) {
		v, ok := s.config[key]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, false, fmt.Errorf("encryption: config %s: not an integer", key)
		}
		return n, true, nil
	}
	if n, ok, err := secs(ConfigCacheSize); err != nil {
		return err
	} else if ok && !s.sizeSet {
		if n < 1 {
			return fmt.Errorf("encryption: config %s: %d, must be at least 1", ConfigCacheSize, n)
		}
		s.cacheSize = n
	}
	if n, ok, err := secs(ConfigCacheExpirySecs); err != nil {
		return err
	} else if ok && !s.expirySet {
		s.cacheExpiry = time.Duration(n) * time.Second
		if n < 0 {
			s.cacheExpiry = -1
		}
	}
	if n, ok, err := secs(ConfigMissingKEKTTLSecs); err != nil {
		return err
	} else if ok {
		s.missingKEK = time.Duration(max(n, 0)) * time.Second
	}
	if n, ok, err := secs(ConfigMissingDEKTTLSecs); err != nil {
		return err
	} else if ok {
		s.missingDEK = time.Duration(max(n, 0)) * time.Second
	}
	return nil
}
