package protobuf

import (
	"fmt"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/serde"
)

// Default limits on the schemas this package compiles (see [Limits]). No
// honest schema comes near them; the error for a schema above them names
// the option that raises them.
const (
	// DefaultMaxSchemaBytes bounds the length of a schema's text together
	// with the texts of every schema it references: 1 MiB. (Confluent's
	// registry keeps each schema in one record of a Kafka topic, at most
	// 1 MB by default.)
	DefaultMaxSchemaBytes = 1 << 20
	// DefaultMaxSchemaTokens bounds the tokens (identifiers, numbers,
	// strings, punctuation) of the .proto texts of a schema and its
	// references together: 256 Ki, 1 MiB of .proto text at 4 bytes a token
	// (ordinary .proto text, as registries print it, has 4 to 8).
	DefaultMaxSchemaTokens = 256 << 10
	// DefaultMaxSchemaDepth bounds how deeply brackets nest in .proto text,
	// and messages in a serialized descriptor (see [Limits.MaxDepth]): 64.
	// Protobuf compilers refuse messages nested 32 deep anyway.
	DefaultMaxSchemaDepth = 64
)

// Limits bound what compiling a schema may cost, so that a hostile or
// corrupt schema (from a registry, or POSTed to the mock registry) is
// refused by a linear scan before it is compiled: compiling .proto text
// allocates about 100 to 1000 times its size, and far more when it nests
// deeply.
// A zero or negative field means its default. A schema over a limit is an
// error matching [ErrInvalidSchema] and [*LimitError].
//
// Set them with [WithLimits] (serializers and deserializers),
// [ParseWithLimits] or [FormatWithLimits] (the mock registry).
type Limits struct {
	// MaxBytes bounds the length of the schema text (.proto text or a
	// base64 serialized descriptor) plus the texts of every schema it
	// references. Default [DefaultMaxSchemaBytes].
	MaxBytes int
	// MaxTokens bounds the tokens of the .proto texts of the schema and its
	// references together. Default [DefaultMaxSchemaTokens].
	MaxTokens int
	// MaxDepth bounds, in each file, how deeply brackets nest in .proto
	// text (messages, enums, oneofs, option values, lists, parentheses and
	// map<...> each count one level), and how deeply a serialized
	// descriptor nests as protobuf counts it when decoding (each nested
	// message and each level of options count one). Default
	// [DefaultMaxSchemaDepth].
	MaxDepth int
}

// withDefaults returns l with every unset field at its default.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxSchemaBytes
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxSchemaTokens
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxSchemaDepth
	}
	return l
}

// LimitError reports a schema over one of its [Limits]. It matches
// [ErrInvalidSchema].
type LimitError struct {
	// Limit names the field of [Limits] that was exceeded: "MaxBytes",
	// "MaxTokens" or "MaxDepth".
	Limit string
	// Max is the limit's value.
	Max int
	// File names the reference over MaxDepth; it is empty for the schema
	// itself, and for MaxBytes and MaxTokens, which count the schema and its
	// references together.
	File string
}

// Error names the limit and the options that raise it.
func (e *LimitError) Error() string {
	var what string
	switch e.Limit {
	case "MaxBytes":
		what = fmt.Sprintf("the schema and its references are longer than %d bytes", e.Max)
	case "MaxTokens":
		what = fmt.Sprintf("the schema and its references have more than %d tokens", e.Max)
	default:
		what = fmt.Sprintf("%s nests deeper than %d levels", e.file(), e.Max)
	}
	return fmt.Sprintf("%v: %s (Limits.%s; raise it with protobuf.WithLimits, ParseWithLimits or FormatWithLimits)", ErrInvalidSchema, what, e.Limit)
}

func (e *LimitError) file() string {
	if e.File == "" {
		return "the schema"
	}
	return fmt.Sprintf("reference %q", e.File)
}

// Unwrap makes a LimitError match [ErrInvalidSchema].
func (e *LimitError) Unwrap() error { return ErrInvalidSchema }

// budget is what the files of one compilation may still spend.
type budget struct {
	limits Limits
	bytes  int
	tokens int
}

func newBudget(l Limits) *budget {
	l = l.withDefaults()
	return &budget{limits: l, bytes: l.MaxBytes, tokens: l.MaxTokens}
}

// spendBytes charges a file's text length.
func (b *budget) spendBytes(n int) error {
	b.bytes -= n
	if b.bytes < 0 {
		return &LimitError{Limit: "MaxBytes", Max: b.limits.MaxBytes}
	}
	return nil
}

// scanText checks .proto text before it is compiled, in one pass that
// allocates nothing: it charges its tokens and refuses brackets nested
// deeper than MaxDepth. Comments and string literals are skipped as the
// lexer skips them; malformed text is left for the compiler to report.
func (b *budget) scanText(file, text string) error {
	depth := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			i += 2
			for i < len(text) && !(text[i] == '*' && i+1 < len(text) && text[i+1] == '/') {
				i++
			}
			i += 2
			continue
		case c == '"' || c == '\'':
			i++
			for i < len(text) && text[i] != c && text[i] != '\n' {
				if text[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case isWordByte(c):
			for i < len(text) && isWordByte(text[i]) {
				i++
			}
		default:
			switch c {
			case '{', '[', '(', '<':
				depth++
				if depth > b.limits.MaxDepth {
					return &LimitError{Limit: "MaxDepth", Max: b.limits.MaxDepth, File: file}
				}
			case '}', ']', ')', '>':
				if depth > 0 {
					depth--
				}
			}
			i++
		}
		b.tokens--
		if b.tokens < 0 {
			return &LimitError{Limit: "MaxTokens", Max: b.limits.MaxTokens}
		}
	}
	return nil
}

// isWordByte reports whether c continues an identifier or a number (a
// number's sign, exponent and dot count as separate tokens: the count only
// needs to be close).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// WithLimits sets the [Limits] a serializer or deserializer applies to
// the schemas it compiles (writer schemas fetched from the registry,
// latest versions, schemas given with [WithSchema]). Zero fields keep
// their defaults.
func WithLimits(l Limits) serde.Option {
	return formatOption(func(s *settings) { s.limits = l })
}

// ParseWithLimits is [Parse] with other [Limits] than the defaults.
func ParseWithLimits(l Limits, schema string, deps ...compat.Dependency) (*Schema, error) {
	return parse(l, schema, deps)
}

// FormatWithLimits is [Format] with other [Limits] than the defaults: give
// it to the mock registry (mockregistry.WithFormats) to accept larger
// schemas, or to refuse smaller ones.
func FormatWithLimits(l Limits) compat.Format { return protobufFormat{limits: l} }
