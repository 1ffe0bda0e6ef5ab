package encryption

import (
	"errors"
	"strconv"
	"strings"
)

// Errors of the executors, matched with errors.Is; each comes inside an
// [*Error] that says which key and field it is about. An outage of the KMS
// or of the DEK Registry matches serde.ErrUnavailable or
// registry.ErrUnavailable instead (serde.IsTransient reports it): the
// message is then retried, never failed by onFailure, passed on, or
// dead-lettered.
var (
	// ErrInvalidRule: the rule cannot run — no or an invalid
	// encrypt.kek.name, an unknown encrypt.dek.algorithm, an invalid
	// encrypt.dek.expiry.days, a mode other than WRITE and READ, a new KEK
	// without encrypt.kms.type or encrypt.kms.key.id.
	ErrInvalidRule = errors.New("encryption: invalid encryption rule")
	// ErrKEKNotFound: the rule's KEK is not in the DEK Registry (on read;
	// on write it is created).
	ErrKEKNotFound = errors.New("encryption: KEK not found")
	// ErrKEKMismatch: the KEK in the DEK Registry has another KMS type or
	// key ID than the rule's encrypt.kms.type and encrypt.kms.key.id.
	ErrKEKMismatch = errors.New("encryption: the KEK differs from the rule")
	// ErrDEKNotFound: the DEK that encrypted the data is not in the DEK
	// Registry (permanently deleted).
	ErrDEKNotFound = errors.New("encryption: DEK not found")
	// ErrNoKMS: no KMS was given for the KEK's KMS type (see [WithKMS] and
	// [WithKMSDriver]).
	ErrNoKMS = errors.New("encryption: no KMS for the KEK's KMS type")
	// ErrKMS: the KMS could not wrap or unwrap a DEK with any of the key
	// IDs (when it was unreachable, the error also matches
	// serde.ErrUnavailable).
	ErrKMS = errors.New("encryption: KMS failed")
	// ErrKeyMaterial: a DEK's key material is not a valid Tink key of its
	// algorithm.
	ErrKeyMaterial = errors.New("encryption: invalid DEK key material")
	// ErrCiphertext: encrypted data does not decrypt — truncated, tampered,
	// not base64 (string fields), with a wrong DEK version prefix, or
	// encrypted with another key.
	ErrCiphertext = errors.New("encryption: invalid ciphertext")
	// ErrFieldType: on write, a field the rule's tags select is neither a
	// string nor bytes.
	ErrFieldType = errors.New("encryption: only string and bytes fields can be encrypted")
)

// Error is a failure of an encryption rule about one key or field. It never
// holds key material, credentials or field values.
type Error struct {
	// Op says what failed ("getting the KEK", "decrypting", ...).
	Op string
	// KEK is the KEK's name.
	KEK string
	// Subject is the subject of the DEK.
	Subject string
	// Algorithm is the DEK's algorithm.
	Algorithm Algorithm
	// Version is the DEK's version, 0 when not known.
	Version int
	// Field is the full name of the field (ENCRYPT), empty for a payload.
	Field string
	// Err is the cause: one of this package's sentinels, a registry or KMS
	// error, or a context's error.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("encryption: ")
	b.WriteString(e.Op)
	sep := " ("
	add := func(k, v string) {
		b.WriteString(sep)
		b.WriteString(k)
		b.WriteByte(' ')
		b.WriteString(v)
		sep = ", "
	}
	if e.Field != "" {
		add("field", strconv.Quote(e.Field))
	}
	if e.KEK != "" {
		add("KEK", strconv.Quote(e.KEK))
	}
	if e.Subject != "" {
		add("subject", strconv.Quote(e.Subject))
	}
	if e.Algorithm != "" {
		add("algorithm", string(e.Algorithm))
	}
	if e.Version > 0 {
		add("DEK version", strconv.Itoa(e.Version))
	}
	if sep == ", " {
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
