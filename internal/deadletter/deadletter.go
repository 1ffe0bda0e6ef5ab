// Package deadletter names the record headers srkit adds to dead-lettered
// records, in one place for package producer (records that failed to
// serialize) and package consumer (records that failed to deserialize or
// that the handler rejected). Both packages export these names as their own
// HeaderError, HeaderStage... constants. Values are UTF-8 text; numbers are
// decimal.
package deadletter

// Header names.
const (
	// HeaderError holds the error message.
	HeaderError = "srkit.error"
	// HeaderStage says where the record failed: StageSerialize (producer),
	// StageDeserialize or StageHandler (consumer).
	HeaderStage = "srkit.stage"
	// HeaderPart says which part failed to (de)serialize: "key" or "value".
	HeaderPart = "srkit.part"
	// HeaderTopic holds the topic the record was produced to or consumed
	// from.
	HeaderTopic = "srkit.topic"
	// HeaderPartition and HeaderOffset locate a consumed record (consumer
	// only).
	HeaderPartition = "srkit.partition"
	HeaderOffset    = "srkit.offset"
	// HeaderGroup names the consumer group that gave up on the record
	// (consumer only).
	HeaderGroup = "srkit.group"
)

// Values of HeaderStage.
const (
	StageSerialize   = "serialize"
	StageDeserialize = "deserialize"
	StageHandler     = "handler"
)
