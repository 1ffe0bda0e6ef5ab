package producer

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/deadletter"
	"github.com/srkit-go/srkit/serde"
)

// Header names srkit adds to dead-lettered records, the same in the
// producer and in the consumer (package consumer exports the same names).
// Values are UTF-8 text; numbers are decimal.
const (
	// HeaderError holds the error message.
	HeaderError = deadletter.HeaderError
	// HeaderStage says where the record failed: "serialize" (producer),
	// "deserialize" or "handler" (consumer).
	HeaderStage = deadletter.HeaderStage
	// HeaderPart says which part failed to (de)serialize: "key" or "value".
	HeaderPart = deadletter.HeaderPart
	// HeaderTopic holds the topic the record was produced to or consumed
	// from.
	HeaderTopic = deadletter.HeaderTopic
	// HeaderPartition and HeaderOffset locate the consumed record (consumer
	// only).
	HeaderPartition = deadletter.HeaderPartition
	HeaderOffset    = deadletter.HeaderOffset
)

// StageSerialize is the [HeaderStage] value of records the producer
// dead-letters.
const StageSerialize = deadletter.StageSerialize

// EncodeForDeadLetter is the default dead-letter encoding of a key or value
// that could not be serialized. It follows Confluent's DLQ rule action: nil
// stays nil (a null), []byte is written as is, strings (and values with a
// MarshalText method, such as UUIDs) as UTF-8 text, fixed-size integers and
// floats big-endian as Kafka's own serializers write them (int and uint as
// 64 bits), and anything else as JSON.
func EncodeForDeadLetter(v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	case encoding.TextMarshaler:
		return x.MarshalText()
	case int64:
		return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
	case int:
		return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
	case uint64:
		return binary.BigEndian.AppendUint64(nil, x), nil
	case uint:
		return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
	case int32:
		return binary.BigEndian.AppendUint32(nil, uint32(x)), nil
	case uint32:
		return binary.BigEndian.AppendUint32(nil, x), nil
	case int16:
		return binary.BigEndian.AppendUint16(nil, uint16(x)), nil
	case uint16:
		return binary.BigEndian.AppendUint16(nil, x), nil
	case float64:
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), nil
	case float32:
		return binary.BigEndian.AppendUint32(nil, math.Float32bits(x)), nil
	}
	return json.Marshal(v)
}

// deadLetter rewrites pd's record for the dead-letter topic after part failed
// to serialize with cause. It returns the encoder's error when the original
// key or value cannot be encoded either.
func (p *Producer[K, V]) deadLetter(pd *pending[K, V], topic string, part serde.Part, cause error, key K, value V, headers []Header) error {
	var err error
	var kb, vb []byte
	if p.hasKey {
		if kb, err = p.cfg.dlqEncode(key); err != nil {
			return err
		}
	}
	if vb, err = p.cfg.dlqEncode(value); err != nil {
		return err
	}
	x := pd.x
	hs := x.hdrs[:0]
	hs = append(hs, headers...)
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderError, Value: []byte(cause.Error())},
		kgo.RecordHeader{Key: HeaderStage, Value: []byte(StageSerialize)},
		kgo.RecordHeader{Key: HeaderPart, Value: []byte(part.String())},
		kgo.RecordHeader{Key: HeaderTopic, Value: []byte(topic)},
	)
	x.hdrs = hs
	pd.rec.Topic = p.cfg.dlqTopic(topic)
	pd.rec.Key, pd.rec.Value, pd.rec.Headers = kb, vb, hs
	x.source = topic
	x.dlqCause = cause
	return nil
}

// ruleDeadLetter returns the dead-letter request of a rule whose DLQ action
// failed the record (Confluent's DlqAction), and the topic to write it to:
// the rule's dlq.topic, else the producer's dead-letter topic. It returns
// nil when err is no such failure, when it is transient (an outage is never
// dead-lettered), or when no topic is configured anywhere (the caller then
// gets the rule's error).
func (p *Producer[K, V]) ruleDeadLetter(topic string, err error) (*serde.DeadLetter, string) {
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter == nil || serde.IsTransient(err) {
		return nil, ""
	}
	dlTopic := re.DeadLetter.Topic
	if dlTopic == "" && p.cfg.dlqTopic != nil {
		dlTopic = p.cfg.dlqTopic(topic)
	}
	if dlTopic == "" {
		return nil, ""
	}
	return re.DeadLetter, dlTopic
}

// deadLetterRule rewrites pd's record for dlTopic as the DLQ rule action
// asks: the value as the rule rendered it (JSON, with encrypted fields
// redacted), the key in the dead-letter encoding, the rule's __rule.*
// headers then the record's own.
func (p *Producer[K, V]) deadLetterRule(pd *pending[K, V], topic, dlTopic string, dl *serde.DeadLetter, cause error, key K, value V, headers []Header) error {
	var err error
	var kb []byte
	if p.hasKey {
		if kb, err = p.cfg.dlqEncode(key); err != nil {
			return err
		}
	}
	vb := dl.Value
	if vb == nil {
		if vb, err = p.cfg.dlqEncode(value); err != nil {
			return err
		}
	}
	x := pd.x
	hs := x.hdrs[:0]
	hs = append(hs, serde.HeadersAs[kgo.RecordHeader](dl.Headers)...)
	hs = append(hs, headers...)
	x.hdrs = hs
	pd.rec.Topic = dlTopic
	pd.rec.Key, pd.rec.Value, pd.rec.Headers = kb, vb, hs
	x.source = topic
	x.dlqCause = cause
	return nil
}
