// Package registrycheck has no code, only a test: that a program linking
// srkit's protobuf package and its mock registry (and nothing else: no
// generated code for Confluent's .proto files, unlike the protobuf
// package's own tests, which link the test-only copy under ../testpb)
// finds no confluent/* file, message or extension in protobuf-go's
// process-wide registry, even after parsing, serializing and reading
// schemas that import all of them. Were one registered, a program that
// also links confluent-kafka-go's generated packages, or its own copy,
// would panic at start-up with a registration conflict.
package registrycheck
