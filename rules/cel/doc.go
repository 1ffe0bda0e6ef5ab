// Package cel runs data-contract rules written in CEL, the Common
// Expression Language (cel.dev/cel-go), as Confluent's clients do:
//
//   - [Executor] (rule type CEL) evaluates an expression over the whole
//     message, the variable message. A CONDITION must yield a bool; a
//     TRANSFORM yields the new message (a map for Avro and JSON Schema, a
//     message for Protobuf).
//   - [FieldExecutor] (rule type CEL_FIELD) evaluates an expression for
//     each field whose tags include one of the rule's tags (every field
//     when the rule has none), with the variables value, name, fullName,
//     typeName ("STRING", "INT", ...), tags and message (the record that
//     holds the field). A CONDITION fails the message at the first field
//     whose expression is false; a TRANSFORM replaces each field's value
//     by the expression's result, converted to the field's Go kind (an
//     INT field held as int32 gets an int32; a result of another kind is
//     an error). Enum, fixed and container fields are not visited, null
//     fields are (with value null and typeName "NULL"), as in Confluent's
//     Java executor.
//
// Messages are seen by their schema's field names whatever the Go type:
// Avro records and JSON objects as CEL maps, Protobuf messages natively
// (their descriptors are registered in the expression's environment).
// Avro ints and longs are CEL ints, floats and doubles doubles, bytes and
// fixed bytes, enums strings, decimals doubles, unions the branch present,
// null null. Besides CEL's standard library, expressions have cel-go's
// string and math extensions and Confluent's checks s.isEmail(),
// s.isHostname(), s.isIpv4(), s.isIpv6(), s.isUri(), s.isUriRef(),
// s.isUuid(). Numbers of different types compare ("message.price > 10").
//
// An expression "guard ; body" evaluates body only where guard is true
// (a guard that fails counts as false): a CONDITION then holds, a
// TRANSFORM leaves the value. The rule parameter
// cel.ignore.guard.separator=true turns the split off.
//
// Expressions compile once per executor, cached by text (and, for
// Protobuf, message type); a malformed expression fails the rule on every
// message (its onFailure action decides), never the schema. Evaluation is
// bounded by a cost limit ([WithCostLimit]) and interrupted when the
// context ends; one evaluation costs the program plus one conversion of
// the message to its generic form.
package cel
