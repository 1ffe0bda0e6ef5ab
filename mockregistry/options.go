package mockregistry

import (
	"errors"
	"log/slog"
	"time"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/registry"
)

// Option configures a [Registry] made by [New] or [NewServer].
type Option func(*config) error

type config struct {
	basicUser, basicPass string
	hasBasic             bool
	bearer               string
	compatibility        registry.CompatibilityLevel
	formats              []compat.Format
	noDefaultFormats     bool
	seeds                []Seed
	faults               []Fault
	now                  func() time.Time
	limits               Limits
	addr                 string
	logger               *slog.Logger
}

// WithBasicAuth makes every request carry HTTP basic credentials user and
// password; requests without them, or with others, get 401. Combined with
// [WithBearerToken], either credential is accepted.
func WithBasicAuth(user, password string) Option {
	return func(c *config) error {
		c.basicUser, c.basicPass, c.hasBasic = user, password, true
		return nil
	}
}

// WithBearerToken makes every request carry "Authorization: Bearer token";
// requests without it, or with another token, get 401.
func WithBearerToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return errors.New("mockregistry: empty bearer token")
		}
		c.bearer = token
		return nil
	}
}

// WithCompatibility sets the initial global compatibility level (BACKWARD
// when not set, as in the real server).
func WithCompatibility(level registry.CompatibilityLevel) Option {
	return func(c *config) error {
		if !level.Valid() {
			return errors.New("mockregistry: invalid compatibility level " + string(level))
		}
		c.compatibility = level
		return nil
	}
}

// WithFormats sets the schema formats the registry parses and checks
// schemas with, replacing the default format of each given type. Schema
// types without a format are rejected on register and on compatibility
// checks with error 42201.
func WithFormats(formats ...compat.Format) Option {
	return func(c *config) error {
		for _, f := range formats {
			if f == nil {
				return errors.New("mockregistry: nil format")
			}
		}
		c.formats = append(c.formats, formats...)
		return nil
	}
}

// WithoutDefaultFormats leaves out the default formats (srkit's Avro,
// Protobuf and JSON Schema): only the formats given with [WithFormats] are
// used, and schemas of other types are rejected with 42201.
func WithoutDefaultFormats() Option {
	return func(c *config) error {
		c.noDefaultFormats = true
		return nil
	}
}

// Seed is a schema registered when the registry is created.
type Seed struct {
	// Subject is the subject to register under; ":.ctx:subject" names a
	// subject in the schema context ".ctx".
	Subject string
	Schema  registry.Schema
	// Normalize registers the schema as with normalize=true.
	Normalize bool
}

// WithSchemas registers seeds, in order, when the registry is created,
// exactly as POST /subjects/{subject}/versions would (compatibility
// included). New fails if one of them is rejected.
func WithSchemas(seeds ...Seed) Option {
	return func(c *config) error {
		c.seeds = append(c.seeds, seeds...)
		return nil
	}
}

// Fault makes matching requests fail or slow down, so that tests can
// exercise a client's outage handling.
type Fault struct {
	// Method matches the request method; empty matches every method.
	Method string
	// Path matches requests whose URL path starts with Path; empty matches
	// every path.
	Path string
	// Status is the HTTP status to answer with. Zero adds only Latency and
	// then serves the request normally.
	Status int
	// ErrorCode is the "error_code" of the answer; zero means Status.
	ErrorCode int
	// Message is the "message" of the answer; empty means the status text.
	Message string
	// Latency delays matching requests (or until the request is cancelled).
	Latency time.Duration
	// Times is how many requests the fault applies to; zero means every
	// matching request until the fault is cleared.
	Times int
}

// WithFault installs f when the registry is created. Faults can also be
// added and cleared later with [Registry.InjectFault] and
// [Registry.ClearFaults].
func WithFault(f Fault) Option {
	return func(c *config) error {
		c.faults = append(c.faults, f)
		return nil
	}
}

// WithClock makes the registry read the time from now (for "ts" fields).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("mockregistry: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger makes the registry log one line per request (method, URI,
// status, duration) at debug level to l; the default is [slog.Default],
// whose default handler drops debug lines. Request bodies and credentials
// are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("mockregistry: nil logger")
		}
		c.logger = l
		return nil
	}
}
