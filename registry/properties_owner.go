package registry

// IsClientProperty reports whether key, with or without the
// "schema.registry." prefix, is one [NewFromProperties] takes, so that
// callers splitting a full Confluent configuration map (serde's
// ParseProperties) know which keys belong to the client.
func IsClientProperty(key string) bool { return isKnownProperty(canonicalProperty(key)) }
