package serde

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/flight"
	"github.com/srkit-go/srkit/registry"
)

// Header is a Kafka record header. It has the same shape as franz-go's
// kgo.RecordHeader, so one converts to the other: kgo.RecordHeader(h).
type Header struct {
	Key   string
	Value []byte
}

// Serializer turns values of T into Confluent-framed bytes: the schema
// reference (in the payload or a header), then the format body. It resolves
// the schema for a topic once — registering it, looking it up, or taking the
// registered latest — and from then on serializing a message makes no
// registry call and takes no lock. It is safe for concurrent use.
//
// Format packages build Serializers (avro.NewSerializer, ...); see
// [NewSerializer] to plug in a format of your own.
type Serializer[T any] struct {
	client *registry.Client
	part   Part
	codec  WriterCodec[T]
	cfg    SerializerConfig
	isNil  func(T) bool
	rules  *ruleSettings
	hooks  *hookSet       // nil: none (see hooks.go)
	inner  *Serializer[T] // set when serialize hooks report on inner's work

	last    atomic.Pointer[writerEntry[T]]
	entries boundedMap[writerKey, *writerEntry[T]]
	builds  flight.Group[writerKey, *writerEntry[T]]
}

type writerKey struct {
	topic string
	key   any
}

// writerEntry is everything serializing one topic's values with one schema
// needs, computed once.
type writerEntry[T any] struct {
	key     writerKey
	subject string
	schema  *ResolvedSchema // the writer schema; its RuleSet is for the rule engine
	enc     Encoder[T]
	prefix  []byte   // written before the body (payload placements)
	headers []Header // returned with every message (header placement); read-only
	latest  bool     // follow the subject's latest version
	// nextCheck is when (Unix nanoseconds by the client's clock) the latest
	// version is looked at again; 0: at the next message.
	nextCheck atomic.Int64
	rules     *writeRules[T] // nil when the schema has no rule that runs on write
	// sizeHint is the largest message seen so far (up to maxSizeHint), the
	// capacity Serialize allocates so that the body does not regrow it.
	sizeHint atomic.Int32
}

// maxSizeHint caps the buffer Serialize preallocates from past messages.
const maxSizeHint = 64 << 10

// NewSerializer builds a serializer for values of T from a format's codec.
// Format packages call it; applications use their constructors.
func NewSerializer[T any](client *registry.Client, part Part, codec WriterCodec[T], cfg SerializerConfig) (*Serializer[T], error) {
	if client == nil {
		return nil, errors.New("serde: nil registry client")
	}
	if codec == nil {
		return nil, errors.New("serde: nil codec")
	}
	if part != Key && part != Value {
		return nil, fmt.Errorf("serde: invalid part %d", part)
	}
	if cfg.SchemaID < 0 {
		return nil, fmt.Errorf("serde: invalid schema ID %d", cfg.SchemaID)
	}
	if cfg.Placement < PayloadID || cfg.Placement > HeaderGUID {
		return nil, fmt.Errorf("serde: invalid ID placement %d", cfg.Placement)
	}
	if cfg.SubjectNameStrategy == nil {
		cfg.SubjectNameStrategy = TopicNameStrategy
	}
	if cfg.SchemaID != 0 && cfg.SchemaGUID != "" {
		return nil, errors.New("serde: UseSchemaID and UseSchemaGUID both given")
	}
	if _, ok := codec.(formatCodec); cfg.StrictCompatibility && !ok {
		return nil, fmt.Errorf("serde: StrictCompatibility needs a codec that offers compatibility checks (a Format method); %T has none", codec)
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
	ser := &Serializer[T]{client: client, part: part, codec: codec, cfg: cfg, isNil: nilCheck[T](), rules: rules, hooks: hooks,
		entries: newBoundedMap[writerKey, *writerEntry[T]](cacheCapacity(cfg.CacheCapacity))}
	return withSerializeHooks(ser), nil
}

// Serialize returns the framed bytes for v on topic, and the record headers
// to send with them (only with [HeaderGUID] placement; the returned headers
// are shared and must not be modified). A nil v (nil pointer, map, slice or
// interface) is a tombstone and serializes to nil.
func (s *Serializer[T]) Serialize(ctx context.Context, topic string, v T) ([]byte, []Header, error) {
	return s.AppendSerialize(ctx, nil, topic, v)
}

// AppendSerialize is [Serializer.Serialize] that appends to dst, so that a
// producer can reuse buffers. For a tombstone it returns nil. On an error it
// returns dst as given, so that the caller keeps its buffer.
func (s *Serializer[T]) AppendSerialize(ctx context.Context, dst []byte, topic string, v T) ([]byte, []Header, error) {
	if s.inner != nil {
		return s.appendSerializeHooked(ctx, dst, topic, v)
	}
	if s.isNil(v) {
		return nil, nil, nil
	}
	w, err := s.writer(ctx, topic, v)
	if err != nil {
		return dst, nil, err
	}
	if w.rules != nil {
		return s.appendWithRules(ctx, dst, topic, v, w)
	}
	given := dst
	if dst == nil {
		dst = make([]byte, 0, max(int(w.sizeHint.Load()), len(w.prefix)+64))
	}
	dst = append(dst, w.prefix...)
	dst, err = w.enc.AppendEncode(dst, v)
	if err != nil {
		return given, nil, fmt.Errorf("serde: encoding %s for topic %q with schema %d: %w", s.part, topic, w.schema.ID, err)
	}
	if n := len(dst); n > int(w.sizeHint.Load()) && n <= maxSizeHint {
		w.sizeHint.Store(int32(n))
	}
	return dst, w.headers, nil
}

// Close releases nothing today; it exists so that callers can treat every
// serde alike. The registry client is the caller's to close.
func (s *Serializer[T]) Close() error { return nil }

// writer returns the cached entry for topic and v's schema, building it on
// the first call.
func (s *Serializer[T]) writer(ctx context.Context, topic string, v T) (*writerEntry[T], error) {
	k := writerKey{topic: topic, key: s.codec.SchemaKey(v)}
	w := s.last.Load()
	if w == nil || w.key != k {
		var ok bool
		if w, ok = s.entries.load(k); !ok {
			return s.slowWriter(ctx, k, v)
		}
		s.last.Store(w)
	}
	// A use-latest entry looks at the latest version again once its
	// check time has passed; in between a message costs one clock reading
	// and a comparison, here rather than in checkLatest's frame.
	if w.latest {
		if next := w.nextCheck.Load(); next == 0 || s.client.Now().UnixNano() >= next {
			return s.checkLatest(ctx, w, v)
		}
	}
	return w, nil
}

func (s *Serializer[T]) slowWriter(ctx context.Context, k writerKey, v T) (*writerEntry[T], error) {
	w, err := s.builds.Do(ctx, k, func(ctx context.Context) (*writerEntry[T], error) {
		if w, ok := s.entries.load(k); ok {
			return w, nil
		}
		w, err := s.buildReported(ctx, k, v)
		if err != nil {
			return nil, err
		}
		s.entries.store(k, w)
		return w, nil
	})
	if err != nil {
		return nil, err
	}
	s.last.Store(w)
	return w, nil
}

// checkLatest rebuilds w when the subject's latest version moved on. The
// registry client caches latest versions for its latest TTL, so this is a
// cache lookup per message, not a round trip.
//
// The registry client keeps the latest version for its LatestCacheTTL, so
// w looks at it again only once that long has passed (a new version is
// written within twice the TTL of its registration); in between a message
// costs one clock reading.
func (s *Serializer[T]) checkLatest(ctx context.Context, w *writerEntry[T], v T) (*writerEntry[T], error) {
	now := s.client.Now().UnixNano()
	if next := w.nextCheck.Load(); next != 0 && now < next {
		return w, nil
	}
	latest, err := s.latestSchema(ctx, w.subject)
	if err != nil {
		return nil, fmt.Errorf("serde: latest schema of subject %q: %w", w.subject, err)
	}
	if latest.ID == w.schema.ID {
		if ttl := s.client.LatestCacheTTL(); ttl > 0 {
			w.nextCheck.Store(now + int64(ttl))
		} else if ttl < 0 {
			w.nextCheck.Store(1<<63 - 1)
		}
		return w, nil
	}
	return s.builds.Do(ctx, w.key, func(ctx context.Context) (*writerEntry[T], error) {
		if cur, ok := s.entries.load(w.key); ok && cur.schema.ID == latest.ID {
			return cur, nil
		}
		nw, err := s.buildReported(ctx, w.key, v)
		if err != nil {
			return nil, err
		}
		s.entries.store(w.key, nw)
		s.last.Store(nw)
		return nw, nil
	})
}

func (s *Serializer[T]) latestSchema(ctx context.Context, subject string) (registry.SubjectSchema, error) {
	if s.cfg.LatestWithMetadata != nil {
		return s.client.LatestWithMetadata(ctx, subject, s.cfg.LatestWithMetadata)
	}
	return s.client.LatestSchema(ctx, subject)
}

// build resolves the writer schema for k and compiles its encoder.
func (s *Serializer[T]) build(ctx context.Context, k writerKey, v T) (*writerEntry[T], error) {
	own, recordName, err := s.codec.Schema(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("serde: schema for %s of topic %q: %w", s.part, k.topic, err)
	}
	subject, err := s.cfg.SubjectNameStrategy(ctx, k.topic, s.part, recordName)
	if err != nil {
		return nil, err
	}
	var ps []registry.Param
	if s.cfg.Normalize {
		ps = append(ps, registry.Normalize())
	}
	w := &writerEntry[T]{key: k, subject: subject}
	var reg registry.SubjectSchema
	switch {
	case s.cfg.SchemaID != 0:
		reg, err = s.client.SchemaByID(ctx, s.cfg.SchemaID)
	case s.cfg.SchemaGUID != "":
		reg, err = s.client.SchemaByGUID(ctx, s.cfg.SchemaGUID)
	case s.cfg.LatestWithMetadata != nil || s.cfg.UseLatest:
		reg, err = s.latestSchema(ctx, subject)
		w.latest = true
	case s.cfg.AutoRegister:
		reg, err = s.client.Register(ctx, subject, own.Schema, ps...)
	default:
		reg, err = s.client.LookupSchema(ctx, subject, own.Schema, ps...)
	}
	if err != nil {
		return nil, fmt.Errorf("serde: schema for subject %q: %w", subject, err)
	}
	if s.cfg.SchemaID != 0 || s.cfg.SchemaGUID != "" || w.latest {
		// A registered schema of another format would reach the codec as
		// text it cannot parse; say what is wrong instead.
		if reg.Type() != s.codec.SchemaType() {
			return nil, fmt.Errorf("%w: schema %d of subject %q is %s, this serializer writes %s", ErrWrongSchemaType, reg.ID, subject, reg.Type(), s.codec.SchemaType())
		}
		if w.schema, err = resolve(ctx, s.client, reg); err != nil {
			return nil, err
		}
		if s.cfg.StrictCompatibility && own != nil {
			if err := s.checkStrict(own, w.schema); err != nil {
				return nil, err
			}
		}
	} else {
		ws := *own
		ws.ID, ws.GUID, ws.Subject, ws.Version = reg.ID, reg.GUID, subject, reg.Version
		w.schema = &ws
	}
	if w.schema.Subject == "" {
		w.schema.Subject = subject
	}
	enc, indexes, err := s.codec.Encoder(ctx, w.schema, v)
	if err != nil {
		return nil, fmt.Errorf("serde: schema %d of subject %q: %w", w.schema.ID, subject, err)
	}
	w.enc = enc
	w.rules = planWrite(ctx, s.rules, w.schema, enc)
	if err := s.frame(w, indexes); err != nil {
		return nil, err
	}
	return w, nil
}

// frame precomputes the schema reference for w.
func (s *Serializer[T]) frame(w *writerEntry[T], indexes []int) error {
	ref := SchemaRef{Magic: MagicID, ID: w.schema.ID}
	if s.codec.UsesMessageIndexes() {
		ref.Indexes = AppendMessageIndexes(nil, indexes, indexEncoding(true, s.cfg.DeprecatedIndexes))
	}
	if s.cfg.Placement == PayloadID {
		if w.schema.ID <= 0 {
			return fmt.Errorf("serde: the registry sent no ID for schema %s of subject %q; write its GUID instead (serde.WithPlacement)", w.schema.GUID, w.subject)
		}
		w.prefix = AppendSchemaRef(nil, ref)
		return nil
	}
	if w.schema.GUID == "" {
		return fmt.Errorf("serde: the registry sent no GUID for schema %d; GUID placement needs a registry that assigns GUIDs (Confluent Schema Registry 8.0+)", w.schema.ID)
	}
	g, err := ParseGUID(w.schema.GUID)
	if err != nil {
		return err
	}
	ref.Magic, ref.GUID = MagicGUID, g
	if s.cfg.Placement == PayloadGUID {
		w.prefix = AppendSchemaRef(nil, ref)
		return nil
	}
	w.headers = []Header{{Key: s.part.SchemaIDHeader(), Value: AppendSchemaRef(nil, ref)}}
	return nil
}

// formatCodec is implemented by codecs whose format can check compatibility
// (compat.Format), for [SerializerConfig.StrictCompatibility].
type formatCodec interface{ Format() compat.Format }

// ErrIncompatibleWriterSchema: the registered schema a serializer was told to
// write with cannot read data written in the serializer's own schema
// (StrictCompatibility).
var ErrIncompatibleWriterSchema = errors.New("serde: the registered schema cannot read the serializer's own schema")

// checkStrict refuses registered unless it can read data written in own.
func (s *Serializer[T]) checkStrict(own, registered *ResolvedSchema) error {
	f := s.codec.(formatCodec).Format()
	writer, err := f.Parse(own.Schema.Schema, own.Deps)
	if err != nil {
		return fmt.Errorf("serde: the serializer's own schema: %w", err)
	}
	reader, err := f.Parse(registered.Schema.Schema, registered.Deps)
	if err != nil {
		return fmt.Errorf("serde: schema %d: %w", registered.ID, err)
	}
	if msgs := reader.CheckRead(writer, "registered", "own"); len(msgs) > 0 {
		return fmt.Errorf("%w: schema %d of subject %q: %s (serde.StrictCompatibility(false), or latest.compatibility.strict=false, turns the check off)",
			ErrIncompatibleWriterSchema, registered.ID, registered.Subject, strings.Join(msgs, "; "))
	}
	return nil
}
