// Package producer writes typed records to Kafka through franz-go
// (github.com/twmb/franz-go/pkg/kgo), serializing keys and values with
// Schema Registry serializers in Confluent's wire format.
//
//	ser, _ := avro.NewSerializer[Order](registryClient, serde.Value)
//	p, _ := producer.New(kgoClient, producer.String(), ser)
//	res, err := p.Produce(ctx, "orders", order.ID, order)          // waits for the ack
//	err = p.ProduceAsync(ctx, "orders", order.ID, order, callback)  // returns at once
//	fut, err := p.Send(ctx, "orders", order.ID, order)              // returns a Future
//
// Any value with an AppendSerialize method fits ([Serializer]):
// *serde.Serializer[T] from the avro, protobuf and jsonschema packages, the
// schema-less [String] and [Bytes], or a [SerializerFunc]. A nil key
// serializer sends records without keys (write the key type explicitly:
// producer.New[[]byte](cl, nil, ser)).
//
// The serializers work with a plain kgo client too, without this package;
// serde.HeadersAs hands their headers (the schema GUID, when it travels in
// a header) to kgo without copying:
//
//	payload, hs, err := ser.Serialize(ctx, "orders", order)
//	...
//	cl.Produce(ctx, &kgo.Record{Topic: "orders", Value: payload,
//		Headers: serde.HeadersAs[kgo.RecordHeader](hs)}, promise)
//
// What the producer adds is recycled buffers, dead letters, and a context
// that bounds the wait for buffer space but not the delivery.
//
// # Records
//
// Serializers append into buffers the producer recycles once Kafka has
// acknowledged a record, so a steady stream of serialized records
// allocates nothing of the producer's own (three small standard contexts
// for an async record whose context can be cancelled): what remains is
// kgo's and the format's. A record of raw bytes ([Bytes]) without headers
// and with a context that cannot end costs one small allocation, in place
// of the kgo.Record a caller of kgo's own Produce allocates. Numbers and
// method are in BENCHMARKS.md. Headers the caller passes are
// sent as given, followed by the key's and the value's schema-ID headers
// (__key_schema_id, __value_schema_id) when the serializers are configured
// to put the schema GUID there (serde.WithPlacement(serde.HeaderGUID));
// header values are not copied.
//
// A key or value that does not serialize fails that record alone, with a
// *[SerializeError]; nothing reaches Kafka for it and the records around it
// are unaffected. With [DeadLetterTopic] such a record goes to a
// dead-letter topic instead, with the error in headers ([HeaderError],
// [HeaderStage], [HeaderPart], [HeaderTopic]), and Produce succeeds with
// Result.DeadLetter set. Only errors about the data are dead-lettered: a
// registry outage or a cancelled context ([serde.IsTransient]) is returned
// to the caller.
//
// A data-contract rule whose action is DLQ (Confluent's DlqAction) sends
// the record it fails to the rule's dlq.topic parameter, else to the
// [DeadLetterTopic]: the value as the rule renders it (the message as JSON,
// fields of ENCRYPT rules redacted), the key in the dead-letter encoding,
// the rule's __rule.name, __rule.mode, __rule.subject, __rule.topic and
// __rule.exception headers, then the record's own. Produce succeeds with
// Result.DeadLetter set to the [*SerializeError], whose cause is the
// [*serde.RuleError]. With no topic anywhere, the rule's error is returned.
//
// # Asynchronous producing
//
// [Producer.ProduceAsync] and [Producer.Send] return once the record is
// buffered in the client. Their context bounds serialization and waiting
// for buffer space (when it ends first, the callback or the Future reports
// its error), not delivery: an HTTP handler can pass its request's
// context, answer at once, and the record still reaches Kafka after the
// request has ended. Delivery is then bounded by the client's
// kgo.RecordDeliveryTimeout and kgo.RecordRetries. [Producer.Produce] waits
// for the acknowledgement and its context bounds everything.
//
// # Durability and throughput
//
// They are franz-go's, set on the kgo client with kgo options; the producer
// adds no buffering of its own. kgo's defaults are already the safe ones:
//
//   - kgo.RequiredAcks(kgo.AllISRAcks()): acks=all, the default. A record is
//     acknowledged once every in-sync replica has it. Keep it.
//   - Idempotent writes are on by default (no duplicates or reordering on
//     retries, enable.idempotence=true); kgo.DisableIdempotentWrite turns
//     them off, which acks other than all require.
//   - kgo.ProducerBatchCompression(kgo.ZstdCompression(), ...): compression,
//     snappy by default; zstd or lz4 trade CPU for smaller batches.
//   - kgo.ProducerLinger(d): how long a partition's batch may wait for more
//     records (10ms by default); raise it for throughput, lower it for
//     latency.
//   - kgo.ProducerBatchMaxBytes(n): the largest batch (about 1MB by
//     default; it must not exceed the topic's max.message.bytes).
//   - kgo.MaxBufferedRecords(n) / kgo.MaxBufferedBytes(n): how much may wait
//     in memory before Produce blocks (backpressure).
//   - kgo.RecordDeliveryTimeout(d) and kgo.RecordRetries(n): when to give up
//     on a record (never, by default).
//
// For example, a service that must not lose an order:
//
//	cl, err := kgo.NewClient(
//		kgo.SeedBrokers(brokers...),
//		kgo.RequiredAcks(kgo.AllISRAcks()), // the default, stated
//		kgo.ProducerBatchCompression(kgo.ZstdCompression()),
//		kgo.ProducerLinger(20*time.Millisecond),
//		kgo.RecordDeliveryTimeout(2*time.Minute),
//	)
//
// # Observability
//
// [WithHooks] installs values implementing [HookProduce] (every record's
// outcome: topic, partition, offset, latency from the call to the
// acknowledgement, error) and [HookDeadLetter] (every dead letter, written
// or failed); plugin/srkitprom and plugin/srkitotel turn them into
// metrics. Serialization events come from the serializers' hooks
// (serde.WithHooks); tracing and metrics of the Kafka side from kgo hooks
// on the client (plugin/kotel, plugin/kprom). The record's context is the
// caller's ctx without its cancellation, so kotel injects the caller's
// trace context (W3C traceparent) into the record's headers.
package producer
