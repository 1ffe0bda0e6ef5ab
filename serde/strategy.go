package serde

import (
	"context"
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/registry"
)

// Part says which part of a Kafka record a serializer or deserializer
// handles. It decides the "-key"/"-value" subject suffix and the schema-ID
// header name.
type Part int

// Record parts.
const (
	Value Part = iota
	Key
)

// String returns "key" or "value".
func (p Part) String() string {
	if p == Key {
		return "key"
	}
	return "value"
}

// SchemaIDHeader returns the record header that carries the schema GUID for
// p: [KeySchemaIDHeader] or [ValueSchemaIDHeader].
func (p Part) SchemaIDHeader() string {
	if p == Key {
		return KeySchemaIDHeader
	}
	return ValueSchemaIDHeader
}

// SubjectNameStrategy chooses the subject a record's schema lives under.
// recordName is the fully-qualified name of the schema's top-level type (Avro
// record, Protobuf message, JSON Schema title); it may be empty when the
// format has none. Strategies run once per topic and schema, not per message.
type SubjectNameStrategy func(ctx context.Context, topic string, part Part, recordName string) (string, error)

// TopicNameStrategy names subjects "<topic>-key" and "<topic>-value"
// (Confluent's default).
func TopicNameStrategy(_ context.Context, topic string, part Part, _ string) (string, error) {
	if topic == "" {
		return "", errors.New("serde: topic name strategy needs a topic")
	}
	return topic + "-" + part.String(), nil
}

// RecordNameStrategy names subjects after the record's fully-qualified name,
// so one subject serves every topic that carries that type.
func RecordNameStrategy(_ context.Context, _ string, _ Part, recordName string) (string, error) {
	if recordName == "" {
		return "", errors.New("serde: record name strategy needs a named record type")
	}
	return recordName, nil
}

// TopicRecordNameStrategy names subjects "<topic>-<record name>", so one
// topic can carry several types.
func TopicRecordNameStrategy(_ context.Context, topic string, _ Part, recordName string) (string, error) {
	if recordName == "" {
		return "", errors.New("serde: topic record name strategy needs a named record type")
	}
	return topic + "-" + recordName, nil
}

// AssociatedNameStrategy asks the registry which subject is associated with
// the topic (GET /associations/resources/{namespace}/{topic}), as newer
// Confluent clients do, and uses fallback when the registry knows none (or
// does not serve associations at all). namespace is the Kafka cluster ID;
// "" or "-" matches any cluster. fallback nil means [TopicNameStrategy]. More
// than one associated subject is an error.
//
// Serializers call strategies once per topic and schema, so the lookup is
// not repeated per message.
func AssociatedNameStrategy(client *registry.Client, namespace string, fallback SubjectNameStrategy) SubjectNameStrategy {
	if namespace == "" {
		namespace = "-"
	}
	if fallback == nil {
		fallback = TopicNameStrategy
	}
	return func(ctx context.Context, topic string, part Part, recordName string) (string, error) {
		as, err := client.AssociationsByResourceName(ctx, namespace, topic, "topic", part.String())
		if err != nil {
			// The registry's own JSON 404 answers (error code 404 for an
			// endpoint an older server does not serve, 404xx for "none")
			// mean no association; a proxy's page or an outage does not.
			var re *registry.Error
			if errors.As(err, &re) && re.StatusCode == 404 && (re.Code == 404 || re.Code/100 == 404) {
				return fallback(ctx, topic, part, recordName)
			}
			return "", fmt.Errorf("serde: associations of topic %q: %w", topic, err)
		}
		switch len(as) {
		case 0:
			return fallback(ctx, topic, part, recordName)
		case 1:
			return as[0].Subject, nil
		}
		return "", fmt.Errorf("serde: topic %q has %d associated %s subjects", topic, len(as), part)
	}
}
