package jsonschema

import (
	"fmt"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Default limits on the messages serializers and deserializers validate.
// No honest message comes near them; change them with [WithLimits].
const (
	// DefaultMaxDepth is how deeply arrays and objects may nest in one
	// message: 128 (a scalar is at depth 0, [1] at depth 1). Validating a
	// recursive schema costs more the deeper its instance nests, so deeper
	// messages are refused before they are validated.
	DefaultMaxDepth = 128
	// DefaultMaxBytes is the longest JSON text of one message: 16 MiB.
	// (Kafka brokers accept 1 MB records unless configured otherwise.)
	DefaultMaxBytes = 16 << 20
)

// Limits bound what validating one message may cost. Serializers and
// deserializers check each message against them while reading it, before
// validating it, and refuse a message over a limit with an error matching
// [ErrInvalid] and [*LimitError]. A zero or negative field means its
// default. Set them with [WithLimits]; [Schema.Validate] and
// [Schema.ValidateJSON] apply the defaults.
type Limits struct {
	// MaxDepth bounds how deeply arrays and objects nest in a message.
	// Default [DefaultMaxDepth]; at most [MaxMaxDepth].
	MaxDepth int
	// MaxBytes bounds the length of a message's JSON text. Default
	// [DefaultMaxBytes].
	MaxBytes int
}

// MaxMaxDepth is the deepest nesting [Limits.MaxDepth] can allow:
// encoding/json refuses to decode deeper values anyway.
const MaxMaxDepth = 10_000

// DefaultLimits returns the limits in effect without [WithLimits].
func DefaultLimits() Limits {
	return Limits{MaxDepth: DefaultMaxDepth, MaxBytes: DefaultMaxBytes}
}

// withDefaults returns l with every unset field at its default.
func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	l.MaxDepth = min(l.MaxDepth, MaxMaxDepth)
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// WithLimits sets the [Limits] a serializer or deserializer holds each
// message to; zero fields keep their defaults.
//
//	jsonschema.NewDeserializer[Tree](client, serde.Value,
//		jsonschema.WithLimits(jsonschema.Limits{MaxDepth: 1000}))
func WithLimits(l Limits) serde.Option {
	return newOption(func(s *settings) { s.limits = l.withDefaults() })
}

// LimitError reports a message over one of its [Limits]. It matches
// [ErrInvalid] with errors.Is.
type LimitError struct {
	// Limit names the field of [Limits] that was exceeded: "MaxDepth" or
	// "MaxBytes".
	Limit string
	// Max is the limit's value.
	Max int
}

// Error names the limit and the option that raises it.
func (e *LimitError) Error() string {
	what := fmt.Sprintf("nests deeper than %d levels", e.Max)
	if e.Limit == "MaxBytes" {
		what = fmt.Sprintf("is longer than %d bytes", e.Max)
	}
	return fmt.Sprintf("%v: the message %s (Limits.%s; raise it with jsonschema.WithLimits)", ErrInvalid, what, e.Limit)
}

// Is makes a LimitError match [ErrInvalid].
func (e *LimitError) Is(target error) bool { return target == ErrInvalid }

// settings holds the options only this package's codecs read.
type settings struct {
	limits Limits
}

// option is a JSON Schema option among serde's options (serde.FormatOption):
// serde ignores it and this package's constructors pick it out by type.
type option struct {
	serde.FormatOption
	apply func(*settings)
}

func newOption(apply func(*settings)) serde.Option {
	return option{FormatOption: serde.NewFormatOption(registry.JSON), apply: apply}
}

func collectSettings[O any](opts []O) settings {
	s := settings{limits: DefaultLimits()}
	for _, o := range opts {
		if jo, ok := any(o).(option); ok {
			jo.apply(&s)
		}
	}
	return s
}
