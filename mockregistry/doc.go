// Package mockregistry is an in-memory Confluent Schema Registry and DEK
// Registry for tests: it serves the same REST API, the same JSON, the same
// status codes and error codes, so that srkit's registry client and
// Confluent's own clients (Java, Go, JavaScript, Python) work against it
// unchanged.
//
// Use it in process, with no socket:
//
//	reg, _ := mockregistry.New()
//	client, _ := reg.Client() // a *registry.Client wired to reg's handler
//
// as an [http.Handler] ([Registry.Handler]), or over HTTP on 127.0.0.1 with
// [NewServer] / [StartServer] (URL and Close). The command
// mockregistry/cmd/mockregistry runs it standalone for tests in other
// languages. Every [Registry] has its own state; there are no package
// globals.
//
// # What it implements
//
// Schema Registry:
//   - Register (POST /subjects/{s}/versions) and lookup (POST
//     /subjects/{s}) follow the real server's registerOrForward, register
//     and lookUpSchemaUnderSubject step for step. A schema's identity is
//     the server's MD5 of its canonical text, references, metadata and rule
//     set (an absent and an empty reference list are the same; absent and
//     empty metadata or rule sets are not), and its GUID is that hash as a
//     UUID, as the server's; schema IDs are global to a schema context and
//     shared by identical schemas across subjects. A request is first
//     looked up as sent (unless the subject's config has default or
//     override metadata or rules), so registering an existing version
//     again answers it, even in read-only mode; else the request inherits
//     the latest version's metadata and rule set (between the config's
//     defaults and overrides; confluent:version follows the new version),
//     and an identical or equivalent version (canLookup: references with
//     -1 resolved, confluent:version on one side ignored) is answered
//     before a new one is made. A lookup tries the request as sent, then
//     filled in the same way, then (for an unqualified subject) in every
//     other context. A soft-deleted schema registered again becomes a new
//     version with its old ID, and the soft-deleted version is dropped
//     unless referenced.
//   - Answers are CP 8's entities field for field, in Jackson's order:
//     RegisterSchemaResponse (id, version, guid, schemaType, references,
//     metadata, ruleSet, schema), the Schema entity for version reads,
//     lookups and listings (with ts, the version's last write, and deleted
//     when it is the stored version), SchemaString for ID and GUID reads
//     (subject and version only when the request names a subject, as any
//     /contexts/{ctx} path does; ts and deleted of the version read).
//     schemaType is always sent (AVRO included); rules carry their kind,
//     mode and disabled flag; metadata maps and sets are in Java's sorted
//     order.
//   - Schemas are parsed by their format (see below) and rejected with 42201
//     when invalid, when a reference cannot be resolved, or when the mock has
//     no format for their type; the text stored is the format's canonical
//     text, or its normalized text with normalize=true (query parameter or
//     config).
//   - Compatibility levels NONE, BACKWARD (default), BACKWARD_TRANSITIVE,
//     FORWARD, FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE, enforced on
//     register (409, error_code 40901, with the real server's message) and
//     answered by POST /compatibility/subjects/{s}/versions[/{v}], with
//     verbose=true messages worded as the real server words them
//     ("{oldSchemaVersion: N}", "{oldSchema: '...'}",
//     "{validateFields: 'false', compatibility: 'BACKWARD'}"). Transitive
//     levels check newest first and stop at the first incompatible version;
//     FULL reports forward problems before backward ones. compatibilityGroup
//     compares only versions with the same value of that metadata property.
//     IMPORT mode skips the check, as the real server does.
//   - References (42201 when one cannot be resolved), referencedby, and
//     42206 when deleting a version that a live schema references.
//   - Soft delete and permanent delete of versions and subjects: 40404 and
//     40406 when soft-deleting again, 40405 and 40407 when deleting
//     permanently what is not soft-deleted; deleted=true and deletedOnly=true
//     listings; reads of soft-deleted versions answer 40402 (40401 when the
//     subject has no live version) unless deleted=true, as the real server
//     does. Permanently deleted schemas no version uses any more are
//     forgotten (their ID answers 40403).
//   - Config and mode, per subject, per context and global, with
//     defaultToGlobal; modes READWRITE, READONLY, READONLY_OVERRIDE (42205 on
//     writes) and IMPORT (register with an explicit id and version; 42205
//     when the id names another schema; IMPORT on a non-empty scope needs
//     force=true).
//     PUT /config merges the fields it sets into the existing config and
//     answers the result. A context's config and mode
//     (/contexts/{ctx}/config, /config/:.ctx:) behave as a subject's, as
//     the real server stores them: 40408/40409 on GET when unset, 40401 on
//     DELETE.
//   - defaultMetadata/overrideMetadata and defaultRuleSet/overrideRuleSet
//     merged on register (default, then the request's or the latest
//     version's, then override); rule sets validated (42210).
//   - Contexts: ":.ctx:subject" subjects, /contexts/{ctx}/... paths, GET and
//     DELETE /contexts, an ID space per context (an ID look-up with an
//     unqualified subject hint also finds that subject's IDs in other
//     contexts, as the real server's getSchemaKeyUsingContexts does). GET /subjects lists every
//     context (subjectPrefix defaults to ":*:"); subjectPrefix matches
//     qualified names.
//   - GET /subjects/{s}/metadata (latest with metadata), /schemas (with
//     subjectPrefix, deleted, latestOnly), /schemas/ids/{id} (+ /schema,
//     /subjects, /versions), /schemas/guids/{guid} (+ /ids), /schemas/types,
//     GET / and offset/limit on listings.
//   - format=serialized (or any format a schema's [compat.Formatter]
//     renders) on reads; formats a schema does not know are ignored.
//   - The associations look-ups that newer official clients make before
//     serializing (GET /associations/resources/..., /associations/subjects/...)
//     answer an empty list, as the real server does for a topic without
//     associations, so clients fall back to their subject-name strategy.
//   - Unknown request fields are ignored; malformed JSON answers 400; unknown
//     paths and methods answer Jersey's {"error_code":404|405,...}.
//
// DEK Registry (/dek-registry/v1), after the server's DekRegistryResource
// and AbstractDekRegistry: KEKs (name, kmsType, kmsKeyId, kmsProps, doc,
// shared, ts, deleted) and DEKs (kekName, subject, version, algorithm,
// encryptedKeyMaterial, keyMaterial, ts, deleted), answered as the Kek and
// Dek entities (deleted only when true, kmsProps always); create (also
// undeleting an equivalent soft-deleted key; 40971 for an existing one, so
// that of concurrent creators of one DEK exactly one wins), get, update
// (PUT: the fields sent), test (shared KEKs only), versions, latest
// (version -1 or "latest"), soft and permanent delete, undelete, listings
// with deleted, offset, limit and subjectPrefix (the KEKs having a DEK of a
// matching subject), and the real error codes and messages (40470, 40471
// when not soft-deleted first, 40472, 40971, 42271 naming the field, 42272
// when a KEK still has DEKs). Names, subjects and cloud KMS key IDs are
// checked as the server checks them. The algorithm defaults to AES256_GCM;
// GET .../deks/{subject} without a version answers version 1, as the real
// server does. Under a shared KEK the registry makes the DEK: keyMaterial
// is base64 of a serialized Tink key (AesGcmKey for AES128_GCM and
// AES256_GCM, AesSivKey for AES256_SIV), as Tink's key managers make it,
// so Confluent's executors (and srkit's) use it as they use the real
// server's.
//
// Options: required basic auth or bearer token (401 otherwise), initial
// global compatibility, seeded schemas, formats, a clock, a request logger,
// fault injection (a status and/or latency for matching requests, N times)
// for testing outage handling, and [Limits]: a request body cap (413
// beyond) and, for a [Server], read-header, read, write and idle timeouts
// and a cap on connections served at once, so that slow or stuck clients of
// a shared test server are cut off (defaults: the Default... constants).
//
// # Formats
//
// Parsing and compatibility are delegated to a [compat.Format] per schema
// type. New uses srkit's Avro, Protobuf and JSON Schema formats (packages
// avro, protobuf and jsonschema); [WithFormats] adds or replaces formats and
// [WithoutDefaultFormats] leaves the defaults out. A schema type with no
// format is rejected with 42201 ("no checker for schema type X") on
// register, lookup and compatibility checks: the mock never answers
// "compatible" for a schema it cannot check. Formats name the two schemas
// "new" and "old" in their messages, swapped when a FORWARD or FULL check
// has the old schema read the new one, as the real server does
// (compat.CheckVersion).
//
// # Known differences from the real server
//
//   - Parsing, canonical text and compatibility messages are those of srkit's
//     formats, which follow Confluent's rules; wording of some messages
//     (invalid schemas, unresolved references, rule-set errors, reference
//     exists) differs from the Java server's. Error codes and statuses match.
//   - The DEK registry has no KMS. For a shared KEK, the DEK it makes has
//     keyMaterial but no encryptedKeyMaterial (the real server wraps the
//     key with the KMS and stores that); DEKs created with
//     encryptedKeyMaterial never get keyMaterial (the mock cannot unwrap).
//     POST /keks/{name}/test answers the stored KEK without testing it;
//     testSharing is ignored. An unknown algorithm query parameter answers
//     404, as JAX-RS does; an unknown algorithm in a create body 42271.
//     DELETE and undelete of .../versions/latest change nothing, as in the
//     server (which then names no stored version).
//   - Associations are not stored: create, update, delete and batch calls
//     are not served (404).
//   - Subject aliases (config "alias") are stored but not followed; tags
//     (POST .../tags), schema exporters, and server-side formats other than
//     what a format's Formatter renders are not implemented.
//   - DEK paths are not served under /contexts/{ctx}; GET
//     /subjects/{s}/versions ignores deletedAsNegative, DELETE /mode ignores
//     recursive.
//   - Subject-level config and mode are removed when a subject is deleted
//     (soft or permanent).
//   - The server's MD5 identity leaves the schema type out; the mock keeps
//     schemas of different types apart. normalize=true normalizes the text
//     with the format but does not sort the references. An ID read without
//     a subject answers from the first subject (by name) that uses the ID,
//     where the server takes a hash map's first entry. The Schema entity's
//     property order ("ruleSet" last) is Jackson's order for the server's
//     source, not a captured answer.
//   - Nothing is persisted; there is no leader election, no Kafka store, no
//     rate limit. Request bodies are capped ([Limits].MaxRequestBytes)
//     where the real server is bounded by Kafka's message size.
package mockregistry
