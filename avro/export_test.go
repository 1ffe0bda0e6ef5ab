package avro

// CheckerFor returns the pre-decode check of schema with the default
// limits, for benchmarks of package avro_test.
func CheckerFor(schema string) (func(body []byte) error, error) {
	ps, err := parseSchema(schema, nil)
	if err != nil {
		return nil, err
	}
	lim := DefaultLimits()
	return func(body []byte) error { return checkMessage(ps.check, body, &lim) }, nil
}
