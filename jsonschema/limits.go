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
// deserializers check each message against them in one pass that allocates
// nothing, before validating it, and refuse a message over a limit with an
// error matching [ErrInvalid] and [*LimitError]. A zero or negative field
// means its default. Set them with [WithLimits]; [Schema.Validate] applies
// the defaults.
type Limits struct {
	// MaxDepth bounds how deeply arrays and objects nest in a message.
	// Default [DefaultMaxDepth].
	MaxDepth int
	// MaxBytes bounds the length of a message's JSON text (for a generic
	// value validated as it is, the length of its strings plus one per
	// value). Default [DefaultMaxBytes].
	MaxBytes int
}

// DefaultLimits returns the limits in effect without [WithLimits].
func DefaultLimits() Limits {
	return Limits{MaxDepth: DefaultMaxDepth, MaxBytes: DefaultMaxBytes}
}

// withDefaults returns l with every unset field at its default.
func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
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

// checkText checks JSON text against l without parsing it: its length, and
// how deeply brackets nest outside strings. Malformed text is left to the
// parser.
func checkText(b []byte, l Limits) error {
	if len(b) > l.MaxBytes {
		return &LimitError{Limit: "MaxBytes", Max: l.MaxBytes}
	}
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > l.MaxDepth {
				return &LimitError{Limit: "MaxDepth", Max: l.MaxDepth}
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

// checkValue checks a decoded value (map[string]any, []any and scalars)
// against l. Values of other Go types are not descended into: they are
// validated in their JSON form, which checkText checks.
func checkValue(v any, l Limits) error {
	budget := l.MaxBytes
	return checkValueRec(v, l, 0, &budget)
}

func checkValueRec(v any, l Limits, depth int, budget *int) error {
	*budget--
	switch t := v.(type) {
	case string:
		*budget -= len(t)
	case map[string]any:
		if depth++; depth > l.MaxDepth {
			return &LimitError{Limit: "MaxDepth", Max: l.MaxDepth}
		}
		for k, e := range t {
			*budget -= len(k)
			if err := checkValueRec(e, l, depth, budget); err != nil {
				return err
			}
		}
	case []any:
		if depth++; depth > l.MaxDepth {
			return &LimitError{Limit: "MaxDepth", Max: l.MaxDepth}
		}
		for _, e := range t {
			if err := checkValueRec(e, l, depth, budget); err != nil {
				return err
			}
		}
	}
	if *budget < 0 {
		return &LimitError{Limit: "MaxBytes", Max: l.MaxBytes}
	}
	return nil
}
