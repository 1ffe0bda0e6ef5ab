// Package consumer reads typed records from Kafka through franz-go
// (github.com/twmb/franz-go/pkg/kgo), deserializing keys and values with
// Schema Registry deserializers, and processes them with at-least-once
// semantics.
//
//	cl, _ := consumer.NewClient( // kgo.NewClient with consumer.GroupOptions()
//		kgo.SeedBrokers(brokers...),
//		kgo.ConsumerGroup("billing"),
//		kgo.ConsumeTopics("orders"),
//	)
//	deser, _ := avro.NewDeserializer[Order](registryClient, serde.Value)
//	c, _ := consumer.New(cl, consumer.String(), deser, consumer.OnError(consumer.Skip))
//	err := c.Run(ctx, func(ctx context.Context, r consumer.Record[string, Order]) error {
//		return bill(ctx, r.Value)
//	})
//
// Any value with a Deserialize method fits ([Deserializer]):
// *serde.Deserializer[T] from the avro, protobuf and jsonschema packages,
// the schema-less [String] and [Bytes], or a [DeserializerFunc]. The record's
// headers are passed on, so schema GUIDs in __key_schema_id /
// __value_schema_id headers are found.
//
// The deserializers work in a plain kgo loop too, without this package;
// serde.HeadersFrom views kgo's headers as serde's without copying:
//
//	fetches := cl.PollFetches(ctx)
//	fetches.EachRecord(func(r *kgo.Record) {
//		order, err := deser.Deserialize(ctx, r.Topic, r.Value, serde.HeadersFrom(r.Headers))
//		...
//	})
//
// What the consumer adds to that loop is what follows: ordered
// at-least-once commits, error policies, dead letters, retries of outages
// and a bounded shutdown.
//
// # Processing and commits
//
// [Consumer.Run] polls, deserializes and calls the handler for each record,
// in offset order within a partition ([Concurrency] handles several
// partitions at once). A record's offset is committed only after the handler
// returned nil for it (or the error policy skipped or dead-lettered it) and
// for every earlier record of its partition; a record that was neither is
// never committed past. After a crash, a rebalance or a restart consumption
// resumes at the first unprocessed record: records may be processed twice,
// never lost. Make handlers idempotent.
//
// Commits use the kgo client's machinery. With kgo.AutoCommitMarks (see
// [NewClient] and [GroupOptions]) the consumer marks processed records and kgo commits the
// marks every few seconds (kgo.AutoCommitInterval), before partitions are
// revoked in a rebalance and when the group is left; with
// kgo.DisableAutoCommit the consumer commits synchronously after every
// batch. kgo's default autocommit, which commits whatever was polled, is
// refused by [New]. kgo.BlockRebalanceOnPoll, also in [GroupOptions], holds
// rebalances until a batch is processed, so that a partition's next owner
// starts exactly where this member stopped; keep batches short enough
// ([MaxPollRecords]) to finish within the group's rebalance timeout.
//
// [Consumer.Poll] is the lower-level alternative: it returns a batch of typed
// records and leaves processing and commits ([Consumer.Commit]) to the
// caller. With kgo.BlockRebalanceOnPoll, call [Consumer.AllowRebalance]
// after every batch, or rebalances (and closing the client) wait forever.
//
// # Records that fail
//
// A record that cannot be deserialized (an unknown schema, bytes not
// written by a Schema Registry serializer, a schema of another format) or
// that the handler rejects follows the policy chosen with [OnError] or
// [OnErrorFunc]:
//
//   - [Stop] (default): Run commits what was processed before it and
//     returns a *[RecordError] naming topic, partition and offset and
//     wrapping the cause, so errors.Is(err, serde.ErrUnknownSchema) works.
//     The next Run or Poll starts again at that record.
//   - [Skip]: log a line (topic, partition, offset, error) and go on.
//   - [DeadLetter]: write the record's original key, value and headers to
//     the dead-letter topic, adding [HeaderError], [HeaderStage],
//     [HeaderPart], [HeaderTopic], [HeaderPartition], [HeaderOffset] and
//     [HeaderGroup], wait for Kafka's acknowledgement, then go on. If that
//     write fails the consumer stops as with Stop.
//
// A deserialization failure caused by the infrastructure (the registry
// unreachable, overloaded or refusing the credentials, or a proxy in front
// of it answering with something that is not the registry's own JSON, such
// as an HTML 404 page: see [serde.IsTransient]) says nothing about the
// record: it is retried with backoff and, if it persists, stops the
// consumer, whatever the policy; it is never skipped, dead-lettered or
// committed past. [HandlerRetries] retries handler errors
// before the policy applies.
//
// A data-contract rule whose action is DLQ (Confluent's DlqAction) decides
// for the records it fails on read, whatever the policy: the record goes to
// the rule's dlq.topic parameter, else to the [DeadLetterTopic], with its
// original key and value, the rule's __rule.name, __rule.mode,
// __rule.subject, __rule.topic and __rule.exception headers, then its own;
// it is committed past once Kafka acknowledges the write. With no topic
// anywhere, the policy applies to the rule's *serde.RuleError.
//
// # Shutdown
//
// Cancelling Run's context is a graceful shutdown: the records being handled
// finish (their handler context stays alive for [ShutdownTimeout]), no new
// record starts, processed offsets are committed, the group is left (unless
// [StayInGroup]) and Run returns nil. A handler or deserializer that ignores
// its context cannot hold the shutdown up: once the timeout has run out, Run
// leaves its record behind (uncommitted) and returns [ErrShutdownTimeout].
//
// # Observability
//
// [WithLogger] sets the log/slog logger. [WithHooks] installs values
// implementing [HookRecordStart] (a record's context, where a tracer starts
// its span), [HookRecord] (each record's outcome — handled, skipped,
// dead_lettered, failed, interrupted — with its latency and error),
// [HookCommit], [HookFetchError] and [HookLag] (how far fetching trails
// each partition's end, from the fetch itself); [AutoCommitHooks] reports
// kgo's periodic commits of the marks the same way. plugin/srkitprom and
// plugin/srkitotel turn them into metrics. Deserialization events come from
// the deserializers' hooks (serde.WithHooks); franz-go's own hooks
// (plugin/kotel, plugin/kprom) on the client cover the Kafka side. A
// handler's context carries the values of the record's kgo context
// (kgo.Record.Context), so with kotel on the client a span the handler
// starts is a child of kotel's consume span, in the producer's trace (at
// the cost of one small allocation per record, the context that joins
// the two).
// [Consumer.Lag] reports the group's committed lag per partition on
// demand, for a metrics endpoint or a health check.
//
// # Performance
//
// Per record, Run adds to kgo's own work one interface call per
// deserializer (decoding into a reused value) and the handler call, and
// allocates nothing of its own; numbers, and how they are measured, are in
// BENCHMARKS.md (section "producer and consumer").
package consumer
