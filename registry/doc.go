// Package registry is a client for Confluent Schema Registry (and
// compatible registries) over its REST API, and the vocabulary the rest of
// srkit speaks: [Schema], [Reference], [Metadata], [RuleSet], [Rule],
// [SubjectSchema], [Config], [Mode], [CompatibilityLevel], and the
// registry's error codes.
//
// # Connecting
//
// [New] takes options; [NewFromProperties] takes the properties Confluent's
// clients take ("schema.registry.url", "basic.auth.user.info",
// "bearer.auth.*", "ssl.*", ...). Both support:
//
//   - several base URLs: a call fails over to the next on transport errors
//     and 5xx answers, and the client sticks to the URL that answered;
//   - basic auth ([BasicAuth], or user info in the URL, which is turned
//     into basic auth and removed from the URL), a static bearer token
//     ([BearerToken]), OAuth 2 client credentials refreshed at 80% of the
//     token's lifetime ([OAuthClientCredentials]) or any
//     [golang.org/x/oauth2.TokenSource], or any [HeaderProvider] of your own
//     ([AuthHeader]; the built-in modes are HeaderProviders too); Confluent
//     Cloud's target-sr-cluster and Confluent-Identity-Pool-Id headers
//     ([LogicalCluster], [IdentityPoolID]);
//   - TLS from PEM files or a *tls.Config, with certificate verification on
//     by default; a custom *http.Client; a per-attempt request timeout; a
//     User-Agent; a slog logger for retries, failovers and stale answers
//     ([WithLogger], default [slog.Default]).
//
// [Client.Do] calls endpoints the client does not wrap (the DEK Registry's)
// through the same transport.
//
// Credentials never appear in an error message or a log line, in any
// encoding a server may echo them in (percent-encoded, JSON-escaped,
// base64 of user:password), anywhere along an error's chain; a URL whose
// user info is not percent-encoded is refused without being printed. Error
// messages are cut to [MaxErrorMessage] bytes.
//
// # Retries
//
// 408, 429, 500, 502, 503, 504 and transport errors are retried (default 3
// times) with exponential backoff and full jitter between 0 and
// min(max wait, initial·2ⁿ) (defaults 1 s and 20 s, as Confluent's clients).
// Retry-After is honoured. No wait runs past the ctx deadline, and a
// cancelled ctx ends a wait at once. Other 4xx answers are not retried.
//
// # Caching
//
// The client caches what does not change: schemas by ID and by GUID,
// register and lookup answers by subject and schema, and numbered versions
// by subject and version. Latest versions and latest versions by metadata
// are cached for [DefaultLatestTTL] (one minute; see [LatestTTL]), and "not
// found" answers (40401, 40402, 40403) for [DefaultNegativeTTL] (five
// seconds; see [NegativeTTL]). Each cache holds about [DefaultCacheCapacity]
// entries ([CacheCapacity]) and evicts by CLOCK (second chance). Only the
// registry's own not-found answers are cached as negative answers, never an
// outage.
//
// Stale on error: when a cached latest version expires while the registry
// is unavailable ([ErrUnavailable]), the client keeps serving it, asking
// the registry again once per latest TTL, for up to [DefaultStaleIfError]
// (one hour; see [StaleIfError]) past its expiry, so that use-latest
// serializers keep writing through an outage. A not-found answer ends that
// at once; so does any new answer.
//
// A warm lookup makes no request, takes no lock and allocates nothing: the
// caches are sharded copy-on-write maps read through atomic pointers, and
// misses are written by copying one small shard. Concurrent misses for one
// key make one request (singleflight); each caller still waits with its own
// ctx. Registering, deleting and changing config through the client drop the
// answers they make stale, and a call made after such a change never shares
// a request that started before it; [Client.ClearCaches] and
// [Client.ClearSubject] drop the rest. Cached values share memory with the
// cache: treat a returned [SubjectSchema]'s slices, maps and pointers as
// read-only.
//
// Figures and how they were measured: BENCHMARKS.md, section registry.
//
// # Schema contexts
//
// Subjects may be qualified with a schema context (":.staging:orders-value").
// [DefaultContext] makes every call of a client run in a context and
// [InContext] does so for one call; both use the registry's
// "/contexts/{ctx}" path prefix, so plain subject names and IDs resolve in
// that context while qualified subjects keep their own. [QualifySubject]
// and [SplitSubject] convert between the forms.
//
// # Errors
//
// Answers other than 2xx are [*Error] values with the HTTP status, the
// registry's error code and its message, the call's method and path, and
// how many attempts it made; bodies that are not the registry's JSON (a
// proxy's page, an empty 401) still give an *Error with the status.
// [ErrorCode] constants match them with [errors.Is]:
//
//	if errors.Is(err, registry.ErrSubjectNotFound) { ... }
//
// Only the registry's own JSON answers match the not-found codes. Every
// error that says the registry could not be reached or did not answer as
// the registry (transport errors, timeouts, 5xx, 401, 403, 408, 429, a
// proxy's page of any status, a 404 without a 404xx code, a 2xx the client
// cannot decode) matches [ErrUnavailable] instead: such an error says
// nothing about a schema or a record, and it is never cached.
//
// # Observability
//
// [WithHooks] installs values that implement [HookRequest] (one
// [RequestEvent] per logical request, after its retries and failovers:
// method, path template such as "/subjects/{subject}/versions", status,
// error code, attempts, duration) and [HookCache] (hits, misses and
// evictions per cache). Events carry no URL, subject name or credential.
// Without hooks nothing is reported and nothing is paid; plugin/srkitprom
// and plugin/srkitotel turn the events into Prometheus and OpenTelemetry
// metrics.
package registry
