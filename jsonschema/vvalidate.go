package jsonschema

// Above these sizes a validation's memory is not kept for the next one, so
// that one large message does not pin its memory in the pool.
const (
	maxPooledTokens = 1 << 16
	maxPooledWords  = 1 << 12
)

// validate checks the JSON text b against the schema, holding it to l. A
// text that is not JSON matches [ErrMalformed]; one over a limit is a
// [*LimitError]; one the schema rejects is a [*ValidationError].
//
// The first pass only decides, allocating nothing; an invalid message is
// walked again to find and describe its first failure.
func (v *validator) validate(b []byte, l Limits) error {
	st, _ := v.states.Get().(*vstate)
	if st == nil {
		st = &vstate{v: v}
	}
	defer v.release(st)
	if err := st.t.parse(b, l); err != nil {
		return err
	}
	st.start()
	if st.run() {
		return nil
	}
	st.collect = true
	st.run()
	st.collect = false
	return st.failure()
}

func (v *validator) release(st *vstate) {
	st.t.src, st.f = nil, nil
	if cap(st.t.toks) > maxPooledTokens {
		st.t.toks = nil
	}
	if cap(st.words) > maxPooledWords {
		st.words = nil
	}
	if cap(st.t.buf) > maxPooledWords || cap(st.t.buf2) > maxPooledWords {
		st.t.buf, st.t.buf2 = nil, nil
	}
	if len(st.t.dups) > maxPooledWords {
		st.t.dups = nil
	}
	if len(st.memo) > maxPooledWords {
		st.memo = nil
	}
	v.states.Put(st)
}
