package cel

// Limits and defaults of the CEL executors.
const (
	// DefaultCostLimit is the default bound on one evaluation's cost, in
	// cel-go's cost units (about one per operation, more for operations on
	// long strings and lists). An evaluation that exceeds it fails.
	DefaultCostLimit uint64 = 1_000_000
	// DefaultCacheSize is how many compiled programs an executor keeps (by
	// expression text and, for Protobuf, message file).
	DefaultCacheSize = 1000
	// DefaultMaxExpressionSize is the longest expression (in code points)
	// the executors compile.
	DefaultMaxExpressionSize = 64 << 10
)

// Rule parameters the CEL executors read (the rule's params, then the
// schema's metadata properties), as Confluent's executors do.
const (
	// ParamIgnoreGuardSeparator, when "true", makes the whole expression
	// one expression: a ';' does not split it into guard and body.
	ParamIgnoreGuardSeparator = "cel.ignore.guard.separator"
)

// An Option configures a CEL executor.
type Option func(*config)

type config struct {
	costLimit uint64
	cacheSize int
	maxSize   int
}

func newConfig(opts []Option) config {
	c := config{costLimit: DefaultCostLimit, cacheSize: DefaultCacheSize, maxSize: DefaultMaxExpressionSize}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.costLimit == 0 {
		c.costLimit = DefaultCostLimit
	}
	if c.cacheSize <= 0 {
		c.cacheSize = DefaultCacheSize
	}
	if c.maxSize <= 0 {
		c.maxSize = DefaultMaxExpressionSize
	}
	return c
}

// WithCostLimit bounds the cost of one evaluation (default
// [DefaultCostLimit]); an evaluation that exceeds it fails the rule. 0
// means the default.
func WithCostLimit(limit uint64) Option { return func(c *config) { c.costLimit = limit } }

// WithCacheSize sets how many compiled programs the executor keeps
// (default [DefaultCacheSize]).
func WithCacheSize(n int) Option { return func(c *config) { c.cacheSize = n } }

// WithMaxExpressionSize sets the longest expression, in code points, the
// executor compiles (default [DefaultMaxExpressionSize]).
func WithMaxExpressionSize(n int) Option { return func(c *config) { c.maxSize = n } }
