// Package codeceval compares the two Avro codecs srkit could build on,
// github.com/hamba/avro/v2 (today's) and github.com/twmb/avro, on srkit's
// terms: the golden vectors' bytes, reading them, hostile input, schema
// resolution, logical types, and speed side by side (issue 16 item 4). It
// is a module of its own so that srkit's module does not depend on the
// codec it does not use; its tests are the evaluation, BENCHMARKS.md ("##
// avro") the write-up.
package codeceval
