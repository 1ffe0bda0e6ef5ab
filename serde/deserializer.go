package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/srkit-go/srkit/internal/flight"
	"github.com/srkit-go/srkit/registry"
)

// ErrUnknownSchema: the registry does not know the schema a message names
// (it was deleted, or the message comes from another registry). The error
// also matches the registry's own error, e.g. [registry.ErrSchemaNotFound].
// Registry outages are not unknown schemas: they give the registry's error
// (a transport error or a [*registry.Error] with a 5xx status).
var ErrUnknownSchema = errors.New("serde: unknown schema")

// ErrWrongSchemaType: the message's schema is of another format than the
// deserializer reads (an Avro deserializer met a Protobuf schema), or the
// registered schema a serializer was told to write with (fixed ID, latest
// version) is of another format than it writes.
var ErrWrongSchemaType = errors.New("serde: wrong schema type")

// UnknownSchemaError is returned when a message's schema reference does not
// resolve. It matches [ErrUnknownSchema] and unwraps to the registry error.
type UnknownSchemaError struct {
	Ref SchemaRef
	Err error
}

// Error implements error.
func (e *UnknownSchemaError) Error() string {
	return fmt.Sprintf("serde: unknown schema %s: %v", e.Ref, e.Err)
}

// Is matches [ErrUnknownSchema].
func (e *UnknownSchemaError) Is(target error) bool { return target == ErrUnknownSchema }

// Unwrap returns the registry's error.
func (e *UnknownSchemaError) Unwrap() error { return e.Err }

// Deserializer turns Confluent-framed bytes back into values of T. It
// accepts every framing a Confluent serializer writes: the GUID in the
// record header, then magic 0 + ID or magic 1 + GUID in the payload. It
// fetches and compiles each writer schema once; from then on a message costs
// one lock-free lookup plus the format's decode. It is safe for concurrent
// use.
type Deserializer[T any] struct {
	client *registry.Client
	part   Part
	codec  ReaderCodec[T]
	cfg    DeserializerConfig
	header string
	// indexEnc is how message indexes follow the schema reference.
	indexEnc IndexEncoding
	rules    *ruleSettings
	hooks    *hookSet         // nil: none (see hooks.go)
	inner    *Deserializer[T] // set when deserialize hooks report on inner's work
	// fastIDs: no reader schema, so a message of the previous message's
	// schema ID (and message indexes) needs no reference parsing.
	fastIDs bool

	// last is the reader of the previous message: consecutive messages
	// usually share their schema, and then the lookup is one comparison.
	last         atomic.Pointer[readerEntry[T]]
	schemas      boundedMap[schemaKey, *schemaEntry[T]]
	schemaFlight flight.Group[schemaKey, *schemaEntry[T]]
	readerFlight flight.Group[readerKey, *readerEntry[T]]
}

// schemaKey names a writer schema as a message names it.
type schemaKey struct {
	id   int
	guid GUID
}

// schemaEntry holds the readers for one writer schema: one per message-index
// path (Protobuf) and reader schema.
type schemaEntry[T any] struct {
	writer  *ResolvedSchema
	readers boundedMap[string, *readerEntry[T]] // by raw message-index bytes
	latest  boundedMap[readerLatestKey, *readerEntry[T]]
	// subjects caches the reader subject per topic and message-index path
	// (use latest only).
	subjects boundedMap[subjectKey, string]
}

type subjectKey struct {
	topic   string
	indexes string
}

type readerLatestKey struct {
	indexes  string
	readerID int
}

type readerKey struct {
	schema   schemaKey
	indexes  string
	readerID int
}

// readerEntry decodes data of one writer schema (and message type) into T.
type readerEntry[T any] struct {
	key     schemaKey
	indexes string
	dec     Decoder[T]
	// decValue is dec when it also returns new values (ValueDecoder).
	decValue ValueDecoder[T]
	writer   *ResolvedSchema
	reader   *ResolvedSchema // nil unless reading into a registered reader schema
	entry    *schemaEntry[T]
	rules    *readRules[T] // nil when no rule runs on read
}

// NewDeserializer builds a deserializer for values of T from a format's
// codec. Format packages call it; applications use their constructors.
func NewDeserializer[T any](client *registry.Client, part Part, codec ReaderCodec[T], cfg DeserializerConfig) (*Deserializer[T], error) {
	if client == nil {
		return nil, errors.New("serde: nil registry client")
	}
	if codec == nil {
		return nil, errors.New("serde: nil codec")
	}
	if part != Key && part != Value {
		return nil, fmt.Errorf("serde: invalid part %d", part)
	}
	if cfg.SubjectNameStrategy == nil {
		cfg.SubjectNameStrategy = TopicNameStrategy
	}
	rules, err := newRuleSettings(cfg.RuleExecutors, cfg.RuleActions, cfg.RuleOverrides)
	if err != nil {
		return nil, err
	}
	hooks, err := newHookSet(cfg.Hooks)
	if err != nil {
		return nil, err
	}
	rules.hooks = hooks.ruleHooks()
	d := &Deserializer[T]{client: client, part: part, codec: codec, cfg: cfg, header: part.SchemaIDHeader(),
		indexEnc: indexEncoding(codec.UsesMessageIndexes(), cfg.DeprecatedIndexes), rules: rules, hooks: hooks,
		fastIDs: !cfg.UseLatest && cfg.LatestWithMetadata == nil,
		schemas: newBoundedMap[schemaKey, *schemaEntry[T]](cacheCapacity(cfg.CacheCapacity))}
	return withDeserializeHooks(d), nil
}

// Deserialize decodes payload (and the schema-ID header among headers, if
// any) from topic. A nil payload is a tombstone and gives the zero T.
// Deserialize allocates the T it returns; [Deserializer.DeserializeInto]
// decodes into a value the caller reuses. On an error it returns the zero
// T.
func (d *Deserializer[T]) Deserialize(ctx context.Context, topic string, payload []byte, headers []Header) (T, error) {
	r, body := d.fast(payload, headers)
	if r != nil && r.decValue != nil {
		v, err := r.decValue.DecodeValue(body)
		if err != nil {
			var zero T
			return zero, d.fastError(topic, r, err)
		}
		return v, nil
	}
	var v T
	var err error
	if r != nil {
		if err = r.dec.Decode(body, &v); err != nil {
			err = d.fastError(topic, r, err)
		}
	} else if d.inner != nil {
		return d.deserializeValueHooked(ctx, topic, payload, headers)
	} else {
		err = d.DeserializeInto(ctx, topic, payload, headers, &v)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// DeserializeInto is [Deserializer.Deserialize] into a value the caller
// provides, which it overwrites (formats reset it before decoding). When a
// data-contract rule fails, *v is left zero: a value whose read rules did
// not all run (still encrypted, not checked) is never handed out. After a
// decode error *v may hold part of the message.
func (d *Deserializer[T]) DeserializeInto(ctx context.Context, topic string, payload []byte, headers []Header, v *T) error {
	if d.inner != nil {
		return d.deserializeHooked(ctx, topic, payload, headers, v)
	}
	if r, body := d.fast(payload, headers); r != nil {
		if err := r.dec.Decode(body, v); err != nil {
			return d.fastError(topic, r, err)
		}
		return nil
	}
	return d.deserializeInto(ctx, topic, payload, headers, v)
}

// fast returns the reader of the previous message and the body when
// payload needs no reference parsing, the common case: magic 0 and the ID
// and message-index bytes of the previous message, no schema-ID header, no
// rules. The index bytes were validated when that message was parsed, and
// the encoding is prefix-free: a payload that starts with them parses to
// the same indexes. Otherwise it returns nil.
func (d *Deserializer[T]) fast(payload []byte, headers []Header) (*readerEntry[T], []byte) {
	if !d.fastIDs || len(payload) < 5 || payload[0] != MagicID || (len(headers) != 0 && d.hasIDHeader(headers)) {
		return nil, nil
	}
	r := d.last.Load()
	if r == nil || r.rules != nil || r.key.guid != (GUID{}) {
		return nil, nil
	}
	if id := int(binary.BigEndian.Uint32(payload[1:5])); id != r.key.id || id == 0 || (r.indexes != "" && !hasPrefix(payload[5:], r.indexes)) {
		return nil, nil
	}
	return r, payload[5+len(r.indexes):]
}

// fastError wraps the error of a decode on the fast path.
func (d *Deserializer[T]) fastError(topic string, r *readerEntry[T], err error) error {
	return fmt.Errorf("serde: decoding %s of topic %q with schema id %d: %w", d.part, topic, r.key.id, err)
}

// deserializeInto is DeserializeInto past the fast path.
func (d *Deserializer[T]) deserializeInto(ctx context.Context, topic string, payload []byte, headers []Header, v *T) error {
	if payload == nil {
		var zero T
		*v = zero
		return nil
	}
	ref, body, err := d.parse(payload, headers)
	if err != nil {
		return err
	}
	r, err := d.reader(ctx, topic, ref)
	if err != nil {
		return err
	}
	if r.rules != nil {
		return d.readWithRules(ctx, topic, ref, body, headers, v, r)
	}
	if err := r.dec.Decode(body, v); err != nil {
		return fmt.Errorf("serde: decoding %s of topic %q with schema %s: %w", d.part, topic, ref, err)
	}
	return nil
}

// hasPrefix reports whether b starts with p. Inlined, unlike a comparison
// through runtime.memequal, whose call costs the fast path more than the
// bytes it compares (message indexes are one to a few bytes).
func hasPrefix(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if b[i] != p[i] {
			return false
		}
	}
	return true
}

// Close releases nothing today; it exists so that callers can treat every
// serde alike. The registry client is the caller's to close.
func (d *Deserializer[T]) Close() error { return nil }

// parse finds the schema reference: in the part's header if present (the
// last one, as Confluent's Java client reads it), else in the payload.
func (d *Deserializer[T]) parse(payload []byte, headers []Header) (SchemaRef, []byte, error) {
	for i := len(headers) - 1; i >= 0 && !d.cfg.IgnoreIDHeaders; i-- {
		if headers[i].Key != d.header {
			continue
		}
		ref, n, err := ParseSchemaRef(headers[i].Value, d.indexEnc)
		if err != nil {
			return ref, nil, fmt.Errorf("serde: header %s: %w", d.header, err)
		}
		if n != len(headers[i].Value) {
			return ref, nil, fmt.Errorf("serde: header %s: %w: %d bytes after the schema reference", d.header, ErrMalformedHeader, len(headers[i].Value)-n)
		}
		return ref, payload, nil
	}
	ref, n, err := ParseSchemaRef(payload, d.indexEnc)
	if err != nil {
		return ref, nil, err
	}
	return ref, payload[n:], nil
}

// reader returns the compiled reader for ref, building it on first use.
func (d *Deserializer[T]) reader(ctx context.Context, topic string, ref SchemaRef) (*readerEntry[T], error) {
	sk := schemaKey{id: ref.ID, guid: ref.GUID}
	if ref.Magic == MagicGUID {
		sk.id = 0
	}
	useLatest := d.cfg.UseLatest || d.cfg.LatestWithMetadata != nil
	if r := d.last.Load(); r != nil && !useLatest && r.key == sk && r.indexes == string(ref.Indexes) {
		return r, nil
	}
	if e, ok := d.schemas.load(sk); ok {
		if useLatest {
			return d.latestReader(ctx, topic, ref, sk, e)
		}
		if r, ok := e.readers.load(string(ref.Indexes)); ok {
			d.last.Store(r)
			return r, nil
		}
	}
	return d.slowReader(ctx, topic, ref, sk)
}

// latestReader picks the reader for the subject's current latest version.
func (d *Deserializer[T]) latestReader(ctx context.Context, topic string, ref SchemaRef, sk schemaKey, e *schemaEntry[T]) (*readerEntry[T], error) {
	reader, err := d.readerSchema(ctx, topic, e, ref)
	if err != nil {
		return nil, err
	}
	if r, ok := e.latest.load(readerLatestKey{indexes: string(ref.Indexes), readerID: reader.ID}); ok {
		return r, nil
	}
	return d.slowReader(ctx, topic, ref, sk)
}

func (d *Deserializer[T]) slowReader(ctx context.Context, topic string, ref SchemaRef, sk schemaKey) (*readerEntry[T], error) {
	e, err := d.schemaEntry(ctx, ref, sk)
	if err != nil {
		return nil, err
	}
	var indexes []int
	if d.codec.UsesMessageIndexes() {
		if indexes, err = ParseMessageIndexes(nil, ref.Indexes, d.indexEnc); err != nil {
			return nil, err
		}
	}
	useLatest := d.cfg.UseLatest || d.cfg.LatestWithMetadata != nil
	var readerSchema *ResolvedSchema
	rk := readerKey{schema: sk, indexes: string(ref.Indexes)}
	if useLatest {
		reg, err := d.readerSchema(ctx, topic, e, ref)
		if err != nil {
			return nil, err
		}
		rk.readerID = reg.ID
		if readerSchema, err = resolve(ctx, d.client, reg); err != nil {
			return nil, err
		}
	}
	return d.readerFlight.Do(ctx, rk, func(ctx context.Context) (*readerEntry[T], error) {
		if useLatest {
			if r, ok := e.latest.load(readerLatestKey{indexes: rk.indexes, readerID: rk.readerID}); ok {
				return r, nil
			}
		} else if r, ok := e.readers.load(rk.indexes); ok {
			return r, nil
		}
		r := &readerEntry[T]{key: sk, indexes: rk.indexes, writer: e.writer, reader: readerSchema, entry: e}
		if err := d.compileReader(ctx, r, ref, indexes); err != nil {
			return nil, err
		}
		if useLatest {
			e.latest.store(readerLatestKey{indexes: rk.indexes, readerID: rk.readerID}, r)
		} else {
			e.readers.store(rk.indexes, r)
		}
		return r, nil
	})
}

// schemaEntry fetches the writer schema for ref once.
func (d *Deserializer[T]) schemaEntry(ctx context.Context, ref SchemaRef, sk schemaKey) (*schemaEntry[T], error) {
	if e, ok := d.schemas.load(sk); ok {
		return e, nil
	}
	return d.schemaFlight.Do(ctx, sk, func(ctx context.Context) (*schemaEntry[T], error) {
		if e, ok := d.schemas.load(sk); ok {
			return e, nil
		}
		return d.fetchSchemaReported(ctx, ref, sk)
	})
}

func (d *Deserializer[T]) fetchSchema(ctx context.Context, ref SchemaRef, sk schemaKey) (*schemaEntry[T], error) {
	var (
		reg registry.SubjectSchema
		err error
	)
	if ref.Magic == MagicGUID {
		reg, err = d.client.SchemaByGUID(ctx, ref.GUID.String())
	} else {
		reg, err = d.client.SchemaByID(ctx, ref.ID)
	}
	if err != nil {
		if errors.Is(err, registry.ErrSchemaNotFound) {
			return nil, &UnknownSchemaError{Ref: ref, Err: err}
		}
		// An outage or a refusal (401, 403, 5xx) says nothing about the
		// message: callers must not treat it as a poison record.
		return nil, fmt.Errorf("serde: fetching schema %s: %w", ref, err)
	}
	if reg.Type() != d.codec.SchemaType() {
		return nil, fmt.Errorf("%w: schema %s is %s, this deserializer reads %s", ErrWrongSchemaType, ref, reg.Type(), d.codec.SchemaType())
	}
	w, err := resolve(ctx, d.client, reg)
	if err != nil {
		return nil, err
	}
	e := &schemaEntry[T]{writer: w,
		readers:  newBoundedMap[string, *readerEntry[T]](readersPerSchema),
		latest:   newBoundedMap[readerLatestKey, *readerEntry[T]](readersPerSchema),
		subjects: newBoundedMap[subjectKey, string](cacheCapacity(d.cfg.CacheCapacity)),
	}
	d.schemas.store(sk, e)
	return e, nil
}

// readerSchema returns the registered schema to read into: the latest (with
// metadata) version of the subject the strategy names. The subject is
// computed once per topic and message type; the latest version comes from
// the registry client's cache.
func (d *Deserializer[T]) readerSchema(ctx context.Context, topic string, e *schemaEntry[T], ref SchemaRef) (registry.SubjectSchema, error) {
	subject, err := d.subjectFor(ctx, topic, e, ref)
	if err != nil {
		return registry.SubjectSchema{}, err
	}
	var reg registry.SubjectSchema
	if d.cfg.LatestWithMetadata != nil {
		reg, err = d.client.LatestWithMetadata(ctx, subject, d.cfg.LatestWithMetadata)
	} else {
		reg, err = d.client.LatestSchema(ctx, subject)
	}
	if err != nil {
		return reg, fmt.Errorf("serde: reader schema of subject %q: %w", subject, err)
	}
	return reg, nil
}

// subjectFor returns the subject the strategy names for messages of e's
// schema (and message type) on topic, computed once per topic.
func (d *Deserializer[T]) subjectFor(ctx context.Context, topic string, e *schemaEntry[T], ref SchemaRef) (string, error) {
	if subject, ok := e.subjects.load(subjectKey{topic: topic, indexes: string(ref.Indexes)}); ok {
		return subject, nil
	}
	var indexes []int
	if d.codec.UsesMessageIndexes() {
		var err error
		if indexes, err = ParseMessageIndexes(nil, ref.Indexes, d.indexEnc); err != nil {
			return "", err
		}
	}
	recordName, err := d.codec.RecordName(e.writer, indexes)
	if err != nil {
		return "", err
	}
	subject, err := d.cfg.SubjectNameStrategy(ctx, topic, d.part, recordName)
	if err != nil {
		return "", err
	}
	e.subjects.store(subjectKey{topic: topic, indexes: string(ref.Indexes)}, subject)
	return subject, nil
}

// hasIDHeader reports whether headers hold the part's schema-ID header
// (which then wins over the payload).
func (d *Deserializer[T]) hasIDHeader(headers []Header) bool {
	if d.cfg.IgnoreIDHeaders {
		return false
	}
	for i := range headers {
		if headers[i].Key == d.header {
			return true
		}
	}
	return false
}
