// Package jsonata runs data-contract rules written in JSONata, usually
// the UPGRADE and DOWNGRADE migration rules that rewrite a message
// between versions of a subject: the deserializer gives the rule the
// message's JSON form (Avro in Confluent's JSON encoding, Protobuf as
// protojson, JSON Schema as the document), the expression returns the
// JSON form in the next version, and the deserializer reads the result
// into the reader schema.
//
//	$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])
//
// It runs github.com/xiatechs/jsonata-go v1.8.8, the engine of Confluent's
// Go client (so that a migration gives the same document in both); it was
// chosen over github.com/blues/jsonata-go v1.5.4, its origin, which was
// last released in 2021 with the functions of jsonata-js 1.5.
//
// A TRANSFORM whose result is undefined leaves the message; a CONDITION
// holds unless its result is false, 0 or "false" (as Confluent's Java
// executor reads it). Evaluations are bounded by a timeout (rule
// parameter jsonata.timeout.ms, default 60 s as in Java); expressions
// whose functions could recurse are refused, because the engine has no
// depth limit (see [Executor]).
package jsonata
